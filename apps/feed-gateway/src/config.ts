import { z } from 'zod';
import { SERVICE_PORTS, commonConfig, positiveInt } from '@md/config';
import { TIMEFRAMES } from '@md/contracts';
import { isValidZone } from '@md/market';
import { requireSet } from '@md/ingest';
import { outageConfig } from '@md/kafka';
import { parseSchedule } from './jobs/job-schedule';

const BarColumnsJson = z.object({
  time: z.string(), open: z.string(), high: z.string(), low: z.string(), close: z.string(), volume: z.string(), symbol: z.string().optional(),
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const symbolList = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : []))
  .refine((list) => list.every((s) => s === '*' || /^[A-Z][A-Z0-9.\-/]{0,20}$/.test(s)), 'must be tickers separated by commas, or *');

/** An account's name in every record: never its number (issue 17). */
const ACCOUNT_ALIAS = /^[A-Za-z0-9_.\-]{1,64}$/;

/**
 * `<account id>=<alias>` pairs, comma separated, as a map. The variables' values are hidden in
 * config errors (libs/config redactValue: names ending in ACCOUNTS), since they hold account ids.
 */
const accountAliases = (form: string) => z
  .string()
  .optional()
  .transform((v, ctx) => {
    const pairs = (v ?? '').split(',').map((p) => p.trim()).filter(Boolean).map((p) => p.split('=').map((x) => x.trim()));
    if (pairs.some((p) => p.length !== 2 || !p[0] || !ACCOUNT_ALIAS.test(p[1] ?? ''))) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be ${form}` });
    return Object.fromEntries(pairs) as Record<string, string>;
  });

const GatewayFields = z.object({
  ...commonConfig,
  ...outageConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['feed-gateway']),
  /** CSV of bars to replay at start (empty: no replay). */
  REPLAY_FILE: z.string().optional(),
  /** Symbol of a one-instrument file (when the file has no symbol column). */
  REPLAY_SYMBOL: z.string().regex(/^[A-Za-z][A-Za-z0-9.\-/]{0,20}$/, 'must be a ticker such as DBB').optional(),
  /** IANA zone of naive timestamps in the file, e.g. UTC or America/New_York. Never guessed. */
  REPLAY_ZONE: z.string().refine(isValidZone, 'must be an IANA zone such as UTC or America/New_York').optional(),
  /** Bar length of the file's rows. */
  REPLAY_TIMEFRAME: z.enum(TIMEFRAMES as [string, ...string[]]).default('1m'),
  /** Provider name written into each record. */
  REPLAY_PROVIDER: z.string().min(1).default('file'),
  /** Column mapping as JSON, e.g. {"time":"Date","open":"Open",...}; default is the DBB header. */
  REPLAY_COLUMNS: z
    .string()
    .transform((text, ctx) => {
      const parsed = BarColumnsJson.safeParse(safeJson(text));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be JSON like {"time":"Date","open":"Open","high":"High","low":"Low","close":"Close","volume":"Volume"}' });
      return z.NEVER;
    })
    .optional(),
  /** Exit 0 once every file job (CSV replay, LEAN files, factor file, option chain) is published. */
  REPLAY_EXIT_WHEN_DONE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Records per produce request; sends are awaited, which bounds memory to one batch. */
  PUBLISH_BATCH: positiveInt(1000),
  /** LEAN zip files to replay (minute or daily trade bars, tick trades), comma separated. */
  LEAN_FILES: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((f) => f.trim()).filter(Boolean) : [])),
  /** 'max' (as fast as Kafka takes it) or N for N x real time, paced by event time. */
  LEAN_SPEED: z
    .string()
    .default('max')
    .refine((v) => v === 'max' || Number(v) > 0, 'must be max or a number > 0 (1 = real time)')
    .transform((v) => (v === 'max' ? ('max' as const) : Number(v))),
  /** LEAN factor file (factor_files/<ticker>.csv): its splits and dividends go to md.corporate-actions.v1. */
  LEAN_FACTOR_FILE: z.string().optional(),
  /** LEAN map file (ticker history) beside the factor file; ticker changes are reported, not published. */
  LEAN_MAP_FILE: z.string().optional(),
  /** Symbol for the factor file's actions (default: the file name, e.g. aapl.csv -> AAPL). */
  LEAN_SYMBOL: z.string().regex(/^[A-Za-z][A-Za-z0-9.\-/]{0,20}$/, 'must be a ticker such as AAPL').optional(),
  /** Option chain snapshot CSV (the shared options_chain_snapshot file's columns) to md.options.chain.v1. */
  OPTIONS_CHAIN_FILE: z.string().optional(),
  /** Continuously compounded risk-free rate for computed greeks (0.053 = 5.3%); required with OPTIONS_CHAIN_FILE. */
  OPTIONS_RISK_FREE_RATE: z.coerce.number().min(-0.1).max(1).optional(),
  /** Alpaca API key id and secret (or ALPACA_KEY_ID_FILE / ALPACA_SECRET_KEY_FILE). Never logged. */
  ALPACA_KEY_ID: z.string().min(1).optional(),
  ALPACA_SECRET_KEY: z.string().min(1).optional(),
  /** Alpaca stream symbols per channel, comma separated ('*' = all); any set starts the stream. */
  ALPACA_BARS: symbolList,
  ALPACA_UPDATED_BARS: symbolList,
  ALPACA_DAILY_BARS: symbolList,
  ALPACA_TRADES: symbolList,
  ALPACA_QUOTES: symbolList,
  /** Stream host (sandbox: wss://stream.data.sandbox.alpaca.markets; a simulator's URL in tests). */
  ALPACA_STREAM_URL: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').default('wss://stream.data.alpaca.markets'),
  /** iex (free plan), sip, delayed_sip or test. */
  ALPACA_FEED: z.enum(['iex', 'sip', 'delayed_sip', 'test']).default('iex'),
  ALPACA_ENCODING: z.enum(['json', 'msgpack']).default('json'),
  /** REST base for the gap backfill after a reconnect (and `npm run backfill`). */
  ALPACA_DATA_URL: z.string().url().default('https://data.alpaca.markets'),
  /** REST request budget per minute (basic plan 200). */
  ALPACA_REQUESTS_PER_MINUTE: positiveInt(200),
  /** After 406 (connection limit exceeded) wait this long for the stale connection to expire. */
  ALPACA_CONNECTION_LIMIT_DELAY_MS: positiveInt(45_000),
  /** WebSocket ping period and pong deadline: a socket that stops answering is replaced. */
  ALPACA_PING_INTERVAL_MS: positiveInt(15_000),
  ALPACA_PONG_TIMEOUT_MS: positiveInt(10_000),
  /** Cap of the reconnect backoff (exponential from 500 ms, full jitter). */
  ALPACA_RECONNECT_MAX_MS: positiveInt(30_000),
  /**
   * The Alpaca account's alias in the trading records (md.orders.v1, md.executions.v1,
   * md.positions.v1); setting it starts the account connector (trade_updates + REST). Never the
   * account number: the records carry only this alias.
   */
  ALPACA_ACCOUNT_ALIAS: z.string().regex(ACCOUNT_ALIAS, 'must be letters, digits, _ . - (an alias, not the account number)').optional(),
  /** Trading API: paper by default; https://api.alpaca.markets for a live account. */
  ALPACA_TRADING_URL: z.string().url().default('https://paper-api.alpaca.markets'),
  ALPACA_TRADING_STREAM_URL: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').default('wss://paper-api.alpaca.markets/stream'),
  /** Positions are also read this often (they are read after each fill and each reconnect). */
  ALPACA_POSITIONS_INTERVAL_MS: positiveInt(60_000),
  /** Orders submitted this far back are read at start (a GTC order can change days after it was placed). */
  ALPACA_ORDERS_LOOKBACK_HOURS: positiveInt(72),
  /** A symbol over this share of an account's gross exposure raises a position_concentration risk event (0.25 = 25%). */
  RISK_CONCENTRATION_LIMIT: z.coerce.number().gt(0, 'must be a share above 0, e.g. 0.25').max(1, 'must be a share of at most 1, e.g. 0.25').default(0.25),
  /** Polygon API key (or POLYGON_API_KEY_FILE); never logged. */
  POLYGON_API_KEY: z.string().min(1).optional(),
  /** Polygon channels as Polygon spells them, comma separated: AM.DBB,T.AAPL,Q.AAPL; any starts the stream. */
  POLYGON_CHANNELS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((c) => c.trim()).filter(Boolean) : []))
    .refine((list) => list.every((c) => /^(AM|A|T|Q)\.([A-Z][A-Z0-9.\-]{0,20}|\*)$/.test(c)), 'must be channels like AM.DBB,T.AAPL,Q.AAPL'),
  POLYGON_STREAM_URL: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').default('wss://socket.polygon.io/stocks'),
  /** Aggregates REST for the gap backfill after every reconnect (the AM channels' symbols; AM.* is not backfilled). */
  POLYGON_REST_URL: z.string().url().default('https://api.polygon.io'),
  /** REST request budget per minute (free plan 5; paid plans have no per-minute cap). */
  POLYGON_REQUESTS_PER_MINUTE: positiveInt(5),
  /** WebSocket ping period and pong deadline: a socket silent beyond both is replaced. */
  POLYGON_PING_INTERVAL_MS: positiveInt(10_000),
  POLYGON_PONG_TIMEOUT_MS: positiveInt(10_000),
  /** Cap of the reconnect backoff (exponential from 500 ms, full jitter). */
  POLYGON_RECONNECT_MAX_MS: positiveInt(30_000),
  /** When silence counts as a dead feed: regular (NYSE session, stocks), extended (04:00-20:00 New York), always (crypto, forex). */
  POLYGON_DATA_EXPECTED: z.enum(['regular', 'extended', 'always']).default('regular'),
  /** Data timeout bounds: at least MIN, at most MAX, else 10 mean gaps between recent messages. */
  POLYGON_DATA_TIMEOUT_MIN_MS: positiveInt(120_000),
  POLYGON_DATA_TIMEOUT_MAX_MS: positiveInt(900_000),
  /** Fidelity account downloads (fidelity.com CSV: Positions; Activity & Orders history): published once per start. */
  FIDELITY_POSITIONS_FILE: z.string().optional(),
  FIDELITY_HISTORY_FILE: z.string().optional(),
  /** Account number = alias pairs, comma separated (X12345678=ira,Y87654321=taxable), or FIDELITY_ACCOUNTS_FILE; records carry only the alias. */
  FIDELITY_ACCOUNTS: accountAliases('number=alias pairs, comma separated, e.g. X12345678=ira'),
  /** E*TRADE consumer key and secret and the access token from the token flow (providers/etrade/TOKEN-FLOW.md); *_FILE forms too. */
  ETRADE_CONSUMER_KEY: z.string().min(1).optional(),
  ETRADE_CONSUMER_SECRET: z.string().min(1).optional(),
  ETRADE_ACCESS_TOKEN: z.string().min(1).optional(),
  ETRADE_ACCESS_TOKEN_SECRET: z.string().min(1).optional(),
  /** Symbols whose quotes are polled (any starts the poller). */
  ETRADE_QUOTES: symbolList,
  /** https://api.etrade.com (live) or https://apisb.etrade.com (sandbox). */
  ETRADE_API_URL: z.string().url().default('https://api.etrade.com'),
  /** Least time between polling rounds. */
  ETRADE_POLL_INTERVAL_MS: positiveInt(5_000),
  /** Market requests a second, evenly spaced; the Market limit is 4 a second and 14,000 an hour (3.89 a second sustained). */
  ETRADE_REQUESTS_PER_SECOND: z.coerce.number().gt(0).lte(3.8).default(2),
  /**
   * E*TRADE accounts to poll (Accounts API: portfolio, orders, transactions), accountIdKey=alias
   * pairs, comma separated, or ETRADE_ACCOUNTS_FILE; records carry only the alias.
   */
  ETRADE_ACCOUNTS: accountAliases('accountIdKey=alias pairs, comma separated'),
  /** The accounts poller's cycle and request rate (Accounts API: 2 a second, 7,000 an hour per consumer key). */
  ETRADE_ACCOUNTS_POLL_INTERVAL_MS: positiveInt(30_000),
  ETRADE_ACCOUNTS_REQUESTS_PER_SECOND: z.coerce.number().gt(0).lte(1.94, 'must be at most 1.94: 7,000 requests an hour').default(1),
  /** Days of orders the first cycle reads (good-until-cancel orders live 60 days). */
  ETRADE_ACCOUNTS_LOOKBACK_DAYS: positiveInt(60),
  /** Corporate-actions job schedule (jobs/job-schedule.ts): "daily@06:00 America/New_York" or "every@30s"; unset: off. */
  SCHEDULE_CORPORATE_ACTIONS: z.string().optional(),
  /** Symbols whose splits and dividends the job fetches. */
  CORPORATE_ACTIONS_SYMBOLS: symbolList,
  /** Ex-dates from today minus LOOKBACK to today plus LOOKAHEAD (New York dates) each run. */
  CORPORATE_ACTIONS_LOOKBACK_DAYS: positiveInt(7),
  CORPORATE_ACTIONS_LOOKAHEAD_DAYS: positiveInt(7),
  /** Option chain snapshot job schedule, as SCHEDULE_CORPORATE_ACTIONS; unset: off. */
  SCHEDULE_OPTIONS_CHAIN: z.string().optional(),
  /** The underlyings whose chains it snapshots: one ticker a line, # comments. */
  OPTIONS_UNIVERSE_PATH: z.string().optional(),
  /** Chains fetched at once; all share JOBS_REQUESTS_PER_MINUTE. */
  OPTIONS_CHAIN_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  /** Alpaca options feed: indicative (free, delayed) or opra. */
  OPTIONS_FEED: z.enum(['indicative', 'opra']).default('indicative'),
  /** The scheduled jobs' Alpaca REST budget, apart from the stream's ALPACA_REQUESTS_PER_MINUTE: keep the sum within the plan. */
  JOBS_REQUESTS_PER_MINUTE: positiveInt(100),
  /** Retries of a failed run, 1 min doubling to JOB_RETRY_MAX_MS, and never past the job's next run. */
  JOB_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(5),
  JOB_RETRY_MAX_MS: positiveInt(30 * 60_000),
});

const ALPACA_CHANNELS = ['ALPACA_BARS', 'ALPACA_UPDATED_BARS', 'ALPACA_DAILY_BARS', 'ALPACA_TRADES', 'ALPACA_QUOTES'] as const;

/**
 * The gateway's config. Checks across fields run here, at boot, each naming the variable to set
 * (a connector's credentials with its channels, a file's companions): a gateway that starts has a
 * config every configured connector and file job can run with.
 */
export const GatewayConfig = GatewayFields.superRefine((c, ctx) => {
  const streaming = ALPACA_CHANNELS.filter((name) => c[name].length);
  if (streaming.length) requireSet(ctx, c, { names: ['ALPACA_KEY_ID', 'ALPACA_SECRET_KEY'], when: `${streaming.join(', ')} list symbols`, secret: true });
  if (c.ALPACA_ACCOUNT_ALIAS) requireSet(ctx, c, { names: ['ALPACA_KEY_ID', 'ALPACA_SECRET_KEY'], when: 'ALPACA_ACCOUNT_ALIAS is set (the account connector)', secret: true });
  if (c.POLYGON_CHANNELS.length) requireSet(ctx, c, { names: ['POLYGON_API_KEY'], when: 'POLYGON_CHANNELS lists channels', secret: true });
  if (c.POLYGON_DATA_TIMEOUT_MIN_MS > c.POLYGON_DATA_TIMEOUT_MAX_MS) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['POLYGON_DATA_TIMEOUT_MIN_MS'], message: `must not exceed POLYGON_DATA_TIMEOUT_MAX_MS (${c.POLYGON_DATA_TIMEOUT_MAX_MS})` });
  }
  if (Object.keys(c.ETRADE_ACCOUNTS).length) {
    const names = ['ETRADE_CONSUMER_KEY', 'ETRADE_CONSUMER_SECRET', 'ETRADE_ACCESS_TOKEN', 'ETRADE_ACCESS_TOKEN_SECRET'];
    requireSet(ctx, c, { names, when: 'ETRADE_ACCOUNTS lists accounts (token flow: providers/etrade/TOKEN-FLOW.md)', secret: true });
  }
  if (c.ETRADE_QUOTES.length) {
    const names = ['ETRADE_CONSUMER_KEY', 'ETRADE_CONSUMER_SECRET', 'ETRADE_ACCESS_TOKEN', 'ETRADE_ACCESS_TOKEN_SECRET'];
    requireSet(ctx, c, { names, when: 'ETRADE_QUOTES lists symbols (token flow: providers/etrade/TOKEN-FLOW.md)', secret: true });
  }
  if ((c.FIDELITY_POSITIONS_FILE || c.FIDELITY_HISTORY_FILE) && !Object.keys(c.FIDELITY_ACCOUNTS).length) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['FIDELITY_ACCOUNTS'], message: 'must map each account number of the Fidelity files to an alias (X12345678=ira) when FIDELITY_POSITIONS_FILE or FIDELITY_HISTORY_FILE is set' });
  }
  if (c.OPTIONS_CHAIN_FILE) requireSet(ctx, c, { names: ['OPTIONS_RISK_FREE_RATE'], when: 'OPTIONS_CHAIN_FILE is set: greeks need a rate (e.g. 0.053 for 5.3%)' });
  // The map file and the symbol qualify the factor file's actions; without it they would be ignored.
  if (c.LEAN_MAP_FILE) requireSet(ctx, c, { names: ['LEAN_FACTOR_FILE'], when: 'LEAN_MAP_FILE is set' });
  if (c.LEAN_SYMBOL) requireSet(ctx, c, { names: ['LEAN_FACTOR_FILE'], when: 'LEAN_SYMBOL is set' });
  for (const name of ['SCHEDULE_CORPORATE_ACTIONS', 'SCHEDULE_OPTIONS_CHAIN'] as const) {
    const text = c[name];
    if (text === undefined) continue;
    try {
      parseSchedule(text, name);
    } catch (err) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [name], message: (err as Error).message });
    }
  }
  const scheduled = (['SCHEDULE_CORPORATE_ACTIONS', 'SCHEDULE_OPTIONS_CHAIN'] as const).filter((name) => c[name] !== undefined);
  if (scheduled.length) requireSet(ctx, c, { names: ['ALPACA_KEY_ID', 'ALPACA_SECRET_KEY'], when: `${scheduled.join(', ')} ${scheduled.length > 1 ? 'are' : 'is'} set`, secret: true });
  if (c.SCHEDULE_CORPORATE_ACTIONS && !c.CORPORATE_ACTIONS_SYMBOLS.length) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['CORPORATE_ACTIONS_SYMBOLS'], message: 'must list symbols when SCHEDULE_CORPORATE_ACTIONS is set' });
  }
  if (c.SCHEDULE_OPTIONS_CHAIN) requireSet(ctx, c, { names: ['OPTIONS_UNIVERSE_PATH', 'OPTIONS_RISK_FREE_RATE'], when: 'SCHEDULE_OPTIONS_CHAIN is set' });
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;
