import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '@md/contracts';
import { checkConnections, connectionConfig, kafkaConnectionOf, registryConnectionOf, type ConnectionSettings, type KafkaConnection, type RegistryConnection } from './connections';
import { LOCAL_STACK } from './services';

// Every service reads its environment once, at boot, through one zod schema (STYLE.md habit 6).
// A bad value stops the process with one line that names the variable and what it must be: a
// ConfigError (the platform's one error hierarchy, @md/contracts), re-exported here for the apps.
export { ConfigError };

/** The Nest injection token of a service's parsed config (one per process). */
export const CONFIG = 'CONFIG';

/**
 * The object schema under refinements: a schema with cross-field checks (superRefine) is a
 * ZodEffects around the object, and withFileSecrets needs the object's keys.
 */
export function objectShape(schema: z.ZodTypeAny): Record<string, unknown> | undefined {
  let inner: z.ZodTypeAny = schema;
  while (inner instanceof z.ZodEffects) inner = inner.innerType();
  return inner instanceof z.ZodObject ? inner.shape : undefined;
}

/**
 * Secrets from files, the Docker/Kubernetes convention: for a schema key NAME, `NAME_FILE`
 * names a file whose trimmed content is the value (a mounted Secret), so keys never sit in the
 * environment or a compose file. Setting both is refused: which one wins would be a guess.
 */
export function withFileSecrets(schema: z.ZodTypeAny, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const shape = objectShape(schema);
  if (!shape) return env;
  const out = { ...env };
  for (const [key, path] of Object.entries(env)) {
    if (!key.endsWith('_FILE') || path === undefined) continue;
    const name = key.slice(0, -'_FILE'.length);
    if (!(name in shape)) continue;
    if (env[name] !== undefined) throw new ConfigError(`config: ${name} and ${key} are both set: set one (the file is the safer place for a secret)`);
    try {
      out[name] = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`config: ${key} is invalid ("${path}"): cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  return out;
}

/**
 * A URL as a log or an error may print it: its credentials (user:password@, also with an
 * unencoded '/' or '@': up to the last '@' before the query) and password or token parameters
 * (libpq's password and sslpassword too) replaced by '…'.
 */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^?#\s]*@/g, '//…@').replace(/([?&](?:(?:ssl)?password|pass|token)=)[^&]*/gi, '$1…');
}

/**
 * A value as a config error may print it: a secret's variable shows nothing of it, nor does an
 * account map (FIDELITY_ACCOUNTS, ETRADE_ACCOUNTS: account numbers and keys), and URLs lose their
 * credentials.
 */
export function redactValue(variable: string, value: string): string {
  return /(PASSWORD|TOKEN|SECRET|_KEY|ACCOUNTS)$/.test(variable) ? '(hidden)' : redactUrl(value);
}

export function parseConfig<S extends z.ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(withFileSecrets(schema, env));
  if (result.success) {
    checkConnections(result.data);
    return result.data;
  }
  const issue = result.error.issues[0];
  const variable = issue.path.join('.') || '(environment)';
  const given = issue.path.length ? env[String(issue.path[0])] : undefined;
  const shown = given === undefined ? 'unset' : `"${redactValue(variable, given)}"`;
  throw new ConfigError(`config: ${variable} is invalid (${shown}): ${issue.message}`);
}

/** For main.ts: parse, or print the one line and exit 1. */
export function loadConfigOrExit<S extends z.ZodTypeAny>(schema: S): z.infer<S> {
  try {
    return parseConfig(schema);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const brokerList = z
  .string()
  .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every((b) => /^[^:\s]+:\d{1,5}$/.test(b)), 'must be host:port[,host:port…]');

/** Fields every service shares. Defaults match the local stack (deploy/local/stack.sh). */
export const commonConfig = {
  /** Kafka bootstrap servers, comma separated. */
  KAFKA_BROKERS: brokerList.default(LOCAL_STACK.kafkaBrokers),
  /** Confluent-compatible schema registry base URL (Apicurio: /apis/ccompat/v7). */
  SCHEMA_REGISTRY_URL: z.string().url().default(LOCAL_STACK.registryUrl),
  /** TLS, SASL and registry credentials (connections.ts); all optional, checked together. */
  ...connectionConfig,
  /** Port of the HTTP server for /health, /ready, /metrics and the service's API. */
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  /** Bind address of the HTTP server; without API_TOKENS_FILE always 127.0.0.1 (observability bootstrap). */
  HTTP_HOST: z.string().default('127.0.0.1'),
  /**
   * JSON file of the API's bearer tokens, {"tokens": [{"name", "token", "scopes": ["read"|"admin"]}]},
   * re-read when it changes. Unset: the /v1 routes are open and the server listens on 127.0.0.1 only.
   */
  API_TOKENS_FILE: z.string().min(1).optional(),
  /** Requests a second one token may make on average (a token's own ratePerSecond overrides it). */
  API_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(20),
  /** Requests one token may make at once after a quiet spell (the bucket's size). */
  API_RATE_LIMIT_BURST: positiveInt(100),
  /** Append the audit log's JSON lines to this file; unset: to stdout. */
  AUDIT_LOG_FILE: z.string().min(1).optional(),
  /** Seconds allowed to finish the in-flight batch on SIGTERM before exiting anyway. */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().positive().default(20),
  /** Nest log levels, comma separated (error,warn,log,debug,verbose). */
  LOG_LEVEL: z.string().default('log,warn,error'),
  /**
   * JSON file of NYSE closures and early closes announced after this release
   * ({"closures": [{"date", "reason"}], "earlyCloses": [{"date", "closeTime", "reason"}]});
   * read and checked at boot (calendar-overrides-file.ts in @md/observability).
   */
  CALENDAR_OVERRIDES_FILE: z.string().min(1).optional(),
};

/** The broker and registry settings alone: the tools' config (backfill, npm start, the bench). */
export const connectionSchema = z.object({
  KAFKA_BROKERS: commonConfig.KAFKA_BROKERS,
  SCHEMA_REGISTRY_URL: commonConfig.SCHEMA_REGISTRY_URL,
  ...connectionConfig,
});

/** Client options of a parsed config that carries the connection fields (a service's, or connectionSchema's). */
export function connectionsOf(config: ConnectionSettings): { kafka: KafkaConnection; registry: RegistryConnection } {
  return { kafka: kafkaConnectionOf(config), registry: registryConnectionOf(config) };
}

/**
 * The connection settings from the environment alone, for mdctl, whose broker and registry come
 * from its options: same variables, files and checks as the services.
 */
export function connectionSettingsFromEnv(brokers: string[], registryUrl: string, env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const settings = parseConfig(z.object(connectionConfig), env);
  const all = { ...settings, KAFKA_BROKERS: brokers, SCHEMA_REGISTRY_URL: registryUrl };
  checkConnections(all);
  return all;
}
