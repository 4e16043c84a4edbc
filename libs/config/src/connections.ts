import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '@md/contracts';
import { secretSource } from './secret-file';

// How the services reach a secured Kafka and schema registry (a managed cluster: TLS + SASL/SCRAM),
// from the environment only. The fields are part of commonConfig; the settings are checked as a
// whole here, so a half-configured connection stops the process at start with one line naming the
// missing variable instead of failing later with a broker's "Connection closed".

const flag = z.enum(['true', 'false']).default('false').transform((v) => v === 'true');
const optionalText = z.string().min(1).optional();

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export const connectionConfig = {
  /** TLS to the brokers (a SASL_SSL or SSL listener). Default false. */
  KAFKA_SSL: flag,
  /** PEM CA bundle that signed the brokers' certificates; unset: the system's trusted CAs. */
  KAFKA_SSL_CA_FILE: optionalText,
  /** PEM client certificate and key, for brokers that require mutual TLS (ssl.client.auth=required). */
  KAFKA_SSL_CERT_FILE: optionalText,
  KAFKA_SSL_KEY_FILE: optionalText,
  /** SASL mechanism (RFC 4616 PLAIN, RFC 5802/7677 SCRAM); unset: no SASL. */
  KAFKA_SASL_MECHANISM: z.enum(SASL_MECHANISMS).optional(),
  KAFKA_SASL_USERNAME: optionalText,
  /** Or KAFKA_SASL_PASSWORD_FILE, a mounted secret (withFileSecrets). */
  KAFKA_SASL_PASSWORD: optionalText,
  /** Registry HTTP basic auth (Confluent Cloud API key and secret, an Apicurio behind a gateway). */
  SCHEMA_REGISTRY_USERNAME: optionalText,
  /** Or SCHEMA_REGISTRY_PASSWORD_FILE. */
  SCHEMA_REGISTRY_PASSWORD: optionalText,
  /** Registry bearer token (OAuth2 / OIDC access token), instead of basic auth. Or SCHEMA_REGISTRY_TOKEN_FILE. */
  SCHEMA_REGISTRY_TOKEN: optionalText,
  /** PEM CA bundle that signed an https registry's certificate; unset: the system's trusted CAs. */
  SCHEMA_REGISTRY_CA_FILE: optionalText,
};

export type ConnectionSettings = { KAFKA_BROKERS: string[]; SCHEMA_REGISTRY_URL: string } & {
  [K in keyof typeof connectionConfig]?: z.infer<(typeof connectionConfig)[K]>;
};

/** kafkajs' `ssl` and `sasl` options (kafkajs types are not imported here: libs/config has no Kafka). */
export interface KafkaConnection {
  brokers: string[];
  ssl?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: true };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

export interface RegistryConnection {
  url: string;
  auth?: { username: string; password: string } | { token: string };
  ca?: string;
}

const PEM = { certificate: /-----BEGIN CERTIFICATE-----/, 'private key': /-----BEGIN [A-Z ]*PRIVATE KEY-----/ };

/** A PEM file's text, or why it cannot be used (unreadable, or no PEM block of that kind in it). */
export function readPemFile(path: string, kind: keyof typeof PEM): string | Error {
  try {
    const pem = readFileSync(path, 'utf8');
    return PEM[kind].test(pem) ? pem : new Error(`holds no PEM ${kind}`);
  } catch (err) {
    return new Error(`cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function readPem(variable: string, path: string, kind: keyof typeof PEM = 'certificate'): string {
  const pem = readPemFile(path, kind);
  if (pem instanceof Error) throw new ConfigError(`config: ${variable} is invalid ("${path}"): ${pem.message}`);
  return pem;
}

const missing = (variable: string, why: string) => new ConfigError(`config: ${variable} is invalid (unset): ${why}`);

/** The Kafka client's connection options; a ConfigError naming the variable when incomplete. */
export function kafkaConnectionOf(c: ConnectionSettings, env: NodeJS.ProcessEnv = process.env): KafkaConnection {
  const tlsFiles = c.KAFKA_SSL_CA_FILE ?? c.KAFKA_SSL_CERT_FILE ?? c.KAFKA_SSL_KEY_FILE;
  if (tlsFiles && !c.KAFKA_SSL) throw missing('KAFKA_SSL', 'KAFKA_SSL_*_FILE is set, so set KAFKA_SSL=true (or remove the files: the brokers would be reached without TLS)');
  if (c.KAFKA_SSL_CERT_FILE && !c.KAFKA_SSL_KEY_FILE) throw missing('KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_CERT_FILE needs the key of that certificate');
  if (c.KAFKA_SSL_KEY_FILE && !c.KAFKA_SSL_CERT_FILE) throw missing('KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE needs its certificate');
  const connection: KafkaConnection = { brokers: c.KAFKA_BROKERS };
  if (c.KAFKA_SSL) {
    connection.ssl = { rejectUnauthorized: true };
    if (c.KAFKA_SSL_CA_FILE) connection.ssl.ca = readPem('KAFKA_SSL_CA_FILE', c.KAFKA_SSL_CA_FILE);
    if (c.KAFKA_SSL_CERT_FILE) connection.ssl.cert = readPem('KAFKA_SSL_CERT_FILE', c.KAFKA_SSL_CERT_FILE);
    if (c.KAFKA_SSL_KEY_FILE) connection.ssl.key = readPem('KAFKA_SSL_KEY_FILE', c.KAFKA_SSL_KEY_FILE, 'private key');
  }
  const sasl = c.KAFKA_SASL_MECHANISM;
  if (!sasl) {
    const stray = c.KAFKA_SASL_USERNAME ? 'KAFKA_SASL_USERNAME' : c.KAFKA_SASL_PASSWORD ? 'KAFKA_SASL_PASSWORD' : undefined;
    if (stray) throw missing('KAFKA_SASL_MECHANISM', `${stray} is set, so name the mechanism: ${SASL_MECHANISMS.join(', ')}`);
    return connection;
  }
  if (!c.KAFKA_SASL_USERNAME) throw missing('KAFKA_SASL_USERNAME', `KAFKA_SASL_MECHANISM=${sasl} needs a user name`);
  if (!c.KAFKA_SASL_PASSWORD) throw missing('KAFKA_SASL_PASSWORD', `KAFKA_SASL_MECHANISM=${sasl} needs a password (or KAFKA_SASL_PASSWORD_FILE)`);
  // SASL without TLS sends PLAIN passwords in the clear; SCRAM does not, but the data still is.
  if (sasl === 'plain' && !c.KAFKA_SSL) throw missing('KAFKA_SSL', 'KAFKA_SASL_MECHANISM=plain sends the password in clear text: set KAFKA_SSL=true');
  // kafkajs keeps this object and reads the user and password whenever it authenticates a new
  // connection (kafkajs/src/broker/saslAuthenticator/scram.js encodedPassword, plain.js): getters
  // that follow KAFKA_SASL_*_FILE carry a rotated secret to new connections without a restart.
  const username = secretSource('KAFKA_SASL_USERNAME', c.KAFKA_SASL_USERNAME, env)!;
  const password = secretSource('KAFKA_SASL_PASSWORD', c.KAFKA_SASL_PASSWORD, env)!;
  connection.sasl = { mechanism: sasl, get username() { return username(); }, get password() { return password(); } };
  return connection;
}

/** The schema registry client's URL, credentials and CA; a ConfigError naming the variable when incomplete. */
export function registryConnectionOf(c: ConnectionSettings, env: NodeJS.ProcessEnv = process.env): RegistryConnection {
  const connection: RegistryConnection = { url: c.SCHEMA_REGISTRY_URL };
  if (c.SCHEMA_REGISTRY_TOKEN && (c.SCHEMA_REGISTRY_USERNAME || c.SCHEMA_REGISTRY_PASSWORD)) {
    throw new ConfigError('config: SCHEMA_REGISTRY_TOKEN is invalid (set): set either a bearer token or SCHEMA_REGISTRY_USERNAME/PASSWORD, not both');
  }
  if (c.SCHEMA_REGISTRY_USERNAME && !c.SCHEMA_REGISTRY_PASSWORD) throw missing('SCHEMA_REGISTRY_PASSWORD', 'SCHEMA_REGISTRY_USERNAME needs a password (or SCHEMA_REGISTRY_PASSWORD_FILE)');
  if (c.SCHEMA_REGISTRY_PASSWORD && !c.SCHEMA_REGISTRY_USERNAME) throw missing('SCHEMA_REGISTRY_USERNAME', 'SCHEMA_REGISTRY_PASSWORD needs a user name');
  // Getters that follow SCHEMA_REGISTRY_*_FILE: the registry client builds its header per request (registry-http.ts).
  const secret = (name: 'SCHEMA_REGISTRY_TOKEN' | 'SCHEMA_REGISTRY_USERNAME' | 'SCHEMA_REGISTRY_PASSWORD') => secretSource(name, c[name], env)!;
  if (c.SCHEMA_REGISTRY_TOKEN) {
    const token = secret('SCHEMA_REGISTRY_TOKEN');
    connection.auth = { get token() { return token(); } };
  } else if (c.SCHEMA_REGISTRY_USERNAME && c.SCHEMA_REGISTRY_PASSWORD) {
    const [username, password] = [secret('SCHEMA_REGISTRY_USERNAME'), secret('SCHEMA_REGISTRY_PASSWORD')];
    connection.auth = { get username() { return username(); }, get password() { return password(); } };
  }
  if (c.SCHEMA_REGISTRY_CA_FILE) {
    if (!c.SCHEMA_REGISTRY_URL.startsWith('https:')) throw missing('SCHEMA_REGISTRY_URL', 'SCHEMA_REGISTRY_CA_FILE is set, so the registry URL must be https://');
    connection.ca = readPem('SCHEMA_REGISTRY_CA_FILE', c.SCHEMA_REGISTRY_CA_FILE);
  }
  return connection;
}

/**
 * Checks that run after the schema parsed, for every config that carries the connection fields:
 * a ConfigError (one line) at start instead of a late, vague connection failure.
 */
export function checkConnections(data: unknown): void {
  const c = data as Partial<ConnectionSettings>;
  if (Array.isArray(c.KAFKA_BROKERS)) kafkaConnectionOf(c as ConnectionSettings);
  if (typeof c.SCHEMA_REGISTRY_URL === 'string') registryConnectionOf(c as ConnectionSettings);
}
