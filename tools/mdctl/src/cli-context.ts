import type { Command } from 'commander';
import { connectionSettingsFromEnv, kafkaConnectionOf, LOCAL_STACK, registryConnectionOf, SERVICE_PORTS, type KafkaConnection, type RegistryConnection } from '@md/config';
import { envSecret, parseBaseUrl, parseBrokers, parseDatabaseUrl } from './parse-endpoints';
import { OperationError } from './usage-error';

/** Where a command writes; tests pass their own streams. */
export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** The global options, validated: every command reads its endpoints through these. */
export interface Endpoints {
  brokers: string[];
  registryUrl: string;
  writerUrl: string;
  /** The brokers with TLS and SASL from the services' variables (KAFKA_SSL, KAFKA_SASL_*). */
  kafka: KafkaConnection;
  /** The registry with credentials and CA from the services' variables (SCHEMA_REGISTRY_*). */
  registry: RegistryConnection;
}

export function endpointsOf(command: Command): Endpoints {
  const o = command.optsWithGlobals() as { brokers: string; registry: string; writerUrl: string };
  const brokers = parseBrokers(o.brokers);
  const registryUrl = parseBaseUrl(o.registry, '--registry');
  const settings = connectionSettingsFromEnv(brokers, registryUrl);
  return { brokers, registryUrl, writerUrl: parseBaseUrl(o.writerUrl, '--writer-url'), kafka: kafkaConnectionOf(settings), registry: registryConnectionOf(settings) };
}

/**
 * `--database-url`, else DATABASE_URL (read here, not as an option default, so `--help` never
 * prints a URL that may hold a password); a UsageError when neither is set.
 */
export function databaseUrlOf(command: Command, what: string): string {
  const o = command.optsWithGlobals() as { databaseUrl?: string };
  return parseDatabaseUrl(o.databaseUrl ?? process.env.DATABASE_URL, what);
}

export const ENDPOINT_DEFAULTS = {
  brokers: process.env.KAFKA_BROKERS ?? LOCAL_STACK.kafkaBrokers,
  registry: process.env.SCHEMA_REGISTRY_URL ?? LOCAL_STACK.registryUrl,
  // The quality-monitor's name for the same URL (its /v1/quality/report redirects there).
  writerUrl: process.env.READ_API_URL ?? `http://127.0.0.1:${SERVICE_PORTS['timescale-writer']}`,
};

const HTTP_TIMEOUT_MS = 15_000;

/**
 * The bearer token mdctl sends to the services' APIs (issue 18): MD_API_TOKEN, or the file named
 * by MD_API_TOKEN_FILE (a mounted secret). Unset: no header, which an API running without
 * API_TOKENS_FILE (loopback only) accepts.
 */
export const apiToken = (env: NodeJS.ProcessEnv = process.env) => envSecret('MD_API_TOKEN', env);

/** One HTTP request with a deadline; a refused connection names the service and how to start it. */
export async function httpRequest(url: string, what: string, init: RequestInit = {}): Promise<Response> {
  const token = apiToken();
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (err) {
    // fetch wraps the socket error: its cause carries the code (ECONNREFUSED) or the reason (bad port).
    const inner = (err as { cause?: { code?: string; message?: string } }).cause;
    const cause = inner?.code ?? inner?.message ?? (err as Error).message;
    throw new OperationError(`cannot reach the ${what} at ${new URL(url).origin} (${cause}): start it (\`mdctl stack up\` for the local stack) or pass its URL`, err);
  }
  if (response.status === 401 || response.status === 403) {
    const why = ((await response.json().catch(() => ({}))) as { message?: string }).message ?? response.statusText;
    throw new OperationError(`the ${what} at ${new URL(url).origin} refused the request (${response.status}: ${why}): set MD_API_TOKEN or MD_API_TOKEN_FILE to one of its API_TOKENS_FILE tokens with the read scope`);
  }
  return response;
}
