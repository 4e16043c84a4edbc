import { Agent } from 'node:https';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { ConnectionOptions as TlsOptions } from 'node:tls';

/** SASL as the platform's brokers offer it (PLAIN, SCRAM-SHA-256/512; KIP-84, RFC 5802). */
export interface SaslOptions {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

/** Where the topics are and how to reach them. */
export interface BrokerOptions {
  brokers: string[];
  /** true for TLS with the system's CAs, or Node TLS options (ca, cert, key, servername). */
  ssl?: boolean | TlsOptions;
  sasl?: SaslOptions;
  clientId?: string;
}

/** The schema registry (Confluent-compatible API, e.g. Apicurio's /apis/ccompat/v7). */
export interface RegistryOptions {
  url: string;
  username?: string;
  password?: string;
  /** Bearer token instead of a user and password. */
  token?: string;
  /** PEM CA bundle for an https registry with a private CA. */
  ca?: string | Buffer;
}

export function kafkaOf(options: BrokerOptions): Kafka {
  if (!options.brokers?.length) throw new Error('brokers: give at least one host:port, e.g. ["127.0.0.1:9092"]');
  if (options.sasl && (!options.sasl.username || !options.sasl.password)) throw new Error('sasl: username and password are both required');
  const config: KafkaConfig = {
    clientId: options.clientId ?? 'md-platform-client',
    brokers: options.brokers,
    ssl: options.ssl,
    sasl: options.sasl as SASLOptions | undefined,
    logLevel: logLevel.WARN,
  };
  return new Kafka(config);
}

/** The registry client's connection settings, from a URL or the full options. */
export function registryConnection(registry: string | RegistryOptions) {
  const r: RegistryOptions = typeof registry === 'string' ? { url: registry } : registry;
  let url: URL;
  try {
    url = new URL(r.url);
  } catch {
    throw new Error(`registryUrl: "${r.url}" is not a URL; give e.g. http://127.0.0.1:8081/apis/ccompat/v7`);
  }
  const authorization = r.token ? `Bearer ${r.token}` : r.username ? `Basic ${Buffer.from(`${r.username}:${r.password ?? ''}`).toString('base64')}` : undefined;
  const agent = url.protocol === 'https:' && r.ca ? new Agent({ ca: r.ca, keepAlive: true }) : undefined;
  return { host: r.url.replace(/\/+$/, ''), authorization, agent };
}
