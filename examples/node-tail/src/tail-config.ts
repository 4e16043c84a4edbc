/** The reader's settings, read once at start from the environment. */
export interface TailConfig {
  /** MD_KAFKA_BROKERS: comma-separated host:port list. Default the local stack's 127.0.0.1:9092. */
  brokers: string[];
  /** MD_REGISTRY_URL: the registry's Confluent-compatible API. Default the local stack's Apicurio. */
  registryUrl: string;
  /** MD_READ_API_URL: the timescale-writer's HTTP API (GET /v1/bars/snapshot). Default its port 3105. */
  readApiUrl: string;
  /** MD_API_TOKEN: a bearer token of the writer's API_TOKENS_FILE with the read scope. Unset: none (an API without tokens). */
  token?: string;
  /** MD_SYMBOL: the symbol to follow, upper case. Required. */
  symbol: string;
  /** MD_TIMEFRAME: 1m, 5m, 15m, 1h or 1d. Default 1m. */
  timeframe: string;
  /** MD_FROM: the first bar start wanted, ISO 8601 with a zone. Default 1970-01-01T00:00:00Z (all stored). */
  from: Date;
}

export function tailConfig(env: NodeJS.ProcessEnv): TailConfig {
  const symbol = env.MD_SYMBOL?.trim();
  if (!symbol) throw new Error('MD_SYMBOL: give the symbol to follow, e.g. MD_SYMBOL=DBB');
  const brokers = (env.MD_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0) throw new Error('MD_KAFKA_BROKERS: give at least one host:port');
  const from = new Date(env.MD_FROM ?? '1970-01-01T00:00:00Z');
  if (Number.isNaN(from.getTime())) throw new Error(`MD_FROM: "${env.MD_FROM}" is not an ISO 8601 time`);
  return {
    brokers, symbol, from,
    registryUrl: env.MD_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
    readApiUrl: env.MD_READ_API_URL ?? 'http://127.0.0.1:3105',
    token: env.MD_API_TOKEN || undefined,
    timeframe: env.MD_TIMEFRAME ?? '1m',
  };
}
