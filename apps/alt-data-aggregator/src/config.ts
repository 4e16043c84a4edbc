import { z } from 'zod';
import { SERVICE_PORTS, commonConfig, positiveInt } from '@md/config';
import { DEFAULT_COMPOSITE_POLICY, DEFAULT_VIX_THRESHOLDS, SERIES_SIGNALS, validateVixPolicy } from '@md/altdata';
import { isValidZone } from '@md/market';
import { requireSet } from '@md/ingest';
import { outageConfig } from '@md/kafka';

// Every source is off until configured: with nothing set the service starts, says so, and stays
// healthy. Secrets (ALPACA_KEY_ID, ALPACA_SECRET_KEY) may come from NAME_FILE (withFileSecrets).

const list = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []));

const numberList = z
  .string()
  .transform((v) => v.split(',').map((s) => Number(s.trim())))
  .superRefine((t, ctx) => {
    try {
      validateVixPolicy({ thresholds: t, bandPoints: 0, bandFraction: 0, confirmations: 1 });
    } catch (err) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be six increasing numbers such as 12,15,20,25,30,40 (${(err as Error).message})` });
    }
  });

/** "news_sentiment=0.4,social_sentiment=0.3": per-source numbers over the defaults. */
const perSource = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const out: Record<string, number> = {};
    for (const pair of v ? v.split(',').map((p) => p.trim()).filter(Boolean) : []) {
      const [name, value] = pair.split('=').map((s) => s.trim());
      if (!(name in DEFAULT_COMPOSITE_POLICY.sources) || !(Number(value) >= 0)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be source=number pairs, sources: ${Object.keys(DEFAULT_COMPOSITE_POLICY.sources).join(', ')}` });
        return z.NEVER;
      }
      out[name] = Number(value);
    }
    return out;
  });

const rfc3339 = z.string().refine((v) => /(Z|[+-]\d{2}:?\d{2})$/i.test(v) && !Number.isNaN(Date.parse(v)), 'must be an RFC-3339 time with an offset, e.g. 2022-05-01T00:00:00Z');

const AltDataFields = z.object({
  ...commonConfig,
  ...outageConfig,
  HTTP_PORT: commonConfig.HTTP_PORT.default(SERVICE_PORTS['alt-data-aggregator']),
  /** CBOE VIX history CSV to read once at start (the format of VIX_URL's file). */
  VIX_FILE: z.string().optional(),
  /** CBOE VIX history to poll: https://cdn.cboe.com/api/global/us_indices/daily_prices/VIX_History.csv (unset: no polling). */
  VIX_URL: z.string().url().optional(),
  /** Least time between two polls of VIX_URL (the file changes once a trading day). */
  VIX_POLL_INTERVAL_MS: positiveInt(3_600_000),
  /** Symbol written into md.vix.regime.v1 (and its key). */
  VIX_SYMBOL: z.string().regex(/^[A-Z][A-Z0-9.^]{0,20}$/, 'must be an index symbol such as VIX').default('VIX'),
  /** Six boundaries between the seven regimes, index points (see libs/altdata/src/vix-regime.ts for why). */
  VIX_THRESHOLDS: numberList.default(DEFAULT_VIX_THRESHOLDS.join(',')),
  /** Hysteresis dead band around each boundary, index points. */
  VIX_BAND_POINTS: z.coerce.number().min(0).max(20).default(0.5),
  /** Hysteresis band as a fraction of the boundary (0.02 = 2%); the wider band applies. */
  VIX_BAND_FRACTION: z.coerce.number().min(0).max(0.5).default(0),
  /** Consecutive observations out of the regime needed to change it. */
  VIX_CONFIRMATIONS: positiveInt(1),
  /** Alpaca news stream URL (wss://stream.data.alpaca.markets/v1beta1/news; a simulator in tests). Unset: no news. */
  ALPACA_NEWS_URL: z.string().regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL').optional(),
  /** Alpaca API key id and secret (or ALPACA_KEY_ID_FILE / ALPACA_SECRET_KEY_FILE); required with ALPACA_NEWS_URL. Never logged. */
  ALPACA_KEY_ID: z.string().min(1).optional(),
  ALPACA_SECRET_KEY: z.string().min(1).optional(),
  /** News symbols to subscribe to, comma separated; * for all. */
  ALPACA_NEWS_SYMBOLS: list.transform((l) => (l.length ? l.map((s) => s.toUpperCase()) : ['*'])),
  /** Cap of the reconnect backoff (exponential from 500 ms, full jitter). */
  ALPACA_NEWS_RECONNECT_MAX_MS: positiveInt(30_000),
  /** After error 406 (connection limit exceeded) wait this long for the old session to expire. */
  ALPACA_NEWS_CONNECTION_LIMIT_DELAY_MS: positiveInt(45_000),
  /** WebSocket ping period and pong deadline: a socket that stops answering is replaced. */
  ALPACA_NEWS_PING_INTERVAL_MS: positiveInt(15_000),
  ALPACA_NEWS_PONG_TIMEOUT_MS: positiveInt(10_000),
  /** Social posts CSV to replay once (columns `Stock Ticker,Tweet Text,Sentiment,Tweet URL`, as the shared tweets file). */
  SOCIAL_FILE: z.string().optional(),
  /** Event time of a post: tweet-id (the time in its status id) or file-order (SOCIAL_START_TIME + row × SOCIAL_SPACING_MS). */
  SOCIAL_EVENT_TIME: z.enum(['tweet-id', 'file-order']).default('tweet-id'),
  /** Time of the first row in file-order mode. */
  SOCIAL_START_TIME: rfc3339.optional(),
  /** Spacing of rows in file-order mode. */
  SOCIAL_SPACING_MS: positiveInt(60_000),
  /** Rows read at most from SOCIAL_FILE (a larger file is refused: memory stays bounded). */
  SOCIAL_MAX_ROWS: positiveInt(1_000_000),
  /** Symbols per post at most (ticker column first, then cashtags). */
  SOCIAL_MAX_SYMBOLS: positiveInt(10),
  /** Alternative-data series files (.csv, .json, .jsonl; schema in libs/altdata/src/series-row.ts), read once. */
  ALTDATA_FILES: list,
  /** Alternative-data series URLs (same schema; CSV or JSON by content type), polled. */
  ALTDATA_URLS: list.refine((l) => l.every((u) => /^https?:\/\//.test(u)), 'must be http(s) URLs separated by commas'),
  /** Least time between two polls of each ALTDATA_URLS entry. */
  ALTDATA_POLL_INTERVAL_MS: positiveInt(3_600_000),
  /** Signal of rows without a signal column. */
  ALTDATA_SIGNAL: z.enum(SERIES_SIGNALS).optional(),
  /** IANA zone of naive times and dates in series rows; unset refuses them. */
  ALTDATA_ZONE: z.string().refine(isValidZone, 'must be an IANA zone such as UTC or America/New_York').optional(),
  /** Composite weight per source over the defaults, e.g. news_sentiment=0.5,social_sentiment=0.2. */
  COMPOSITE_WEIGHTS: perSource,
  /** Composite half-life per source in ms over the defaults, e.g. social_sentiment=3600000. */
  COMPOSITE_HALF_LIVES_MS: perSource,
  /** Half-life of a series' mean and variance (its standardised score), ms. */
  SERIES_HALF_LIFE_MS: positiveInt(28 * 24 * 3_600_000),
  /** Effective observations a series needs before it scores (warm-up). */
  SERIES_MIN_OBSERVATIONS: positiveInt(3),
  /** Symbols (composite), series and document ids kept in memory at most; the oldest are forgotten. */
  MAX_SYMBOLS: positiveInt(100_000),
  MAX_SEEN_DOCUMENTS: positiveInt(100_000),
  /** Records per produce request; sends are awaited, which bounds memory to one batch. */
  PUBLISH_BATCH: positiveInt(500),
  /** HTTP polls: deadline of one request and the largest body accepted. */
  HTTP_TIMEOUT_MS: positiveInt(30_000),
  HTTP_MAX_BYTES: positiveInt(64 * 1024 * 1024),
});

/** The aggregator's config; checks across fields run here, at boot, each naming the variable to set. */
export const AltDataConfig = AltDataFields.superRefine((c, ctx) => {
  if (c.ALPACA_NEWS_URL) requireSet(ctx, c, { names: ['ALPACA_KEY_ID', 'ALPACA_SECRET_KEY'], when: 'ALPACA_NEWS_URL is set', secret: true });
  if (c.SOCIAL_FILE && c.SOCIAL_EVENT_TIME === 'file-order') requireSet(ctx, c, { names: ['SOCIAL_START_TIME'], when: 'SOCIAL_EVENT_TIME=file-order (rows are timed from it)' });
});
export type AltDataConfig = z.infer<typeof AltDataConfig>;
