import { secretSource } from '@md/config';
import type { StageMetrics } from '@md/observability';
import { bindStreamMetrics, type StreamingConnector } from '@md/ingest';
import type { GatewayConfig } from './config';
import { AlpacaRestClient } from './providers/alpaca/alpaca-rest.client';
import { AlpacaStreamConnector } from './providers/alpaca/alpaca-stream.connector';
import { AlpacaTradingConnector } from './providers/alpaca-trading/alpaca-trading.connector';
import { EtradeClient } from './providers/etrade/etrade.client';
import { EtradeQuotePoller } from './providers/etrade/etrade-quote.poller';
import { EtradeAccountsConnector } from './providers/etrade/etrade-accounts.connector';
import { EtradeAccountsPoller } from './providers/etrade/etrade-accounts.poller';
import { PolygonStreamConnector } from './providers/polygon/polygon-stream.connector';

// Credentials a connector needs with its channels are required by GatewayConfig's cross-field
// checks (config.ts), hence the non-null assertions below. Keys are handed over as secretSource
// functions: a connector reads them at each session and request, so a rotated NAME_FILE needs no restart.

/** ALPACA_KEY_ID and ALPACA_SECRET_KEY as the Alpaca connectors read them (following their files). */
export const alpacaKeys = (c: { ALPACA_KEY_ID?: string; ALPACA_SECRET_KEY?: string }) => ({
  keyId: secretSource('ALPACA_KEY_ID', c.ALPACA_KEY_ID)!, secretKey: secretSource('ALPACA_SECRET_KEY', c.ALPACA_SECRET_KEY)!,
});

/** The streaming connectors the config asks for: Alpaca, Polygon, E*TRADE quote polling. */
export function streamingConnectors(c: GatewayConfig, metrics: StageMetrics): StreamingConnector[] {
  return [...alpaca(c, metrics), ...alpacaAccount(c), ...polygon(c, metrics), ...etrade(c)];
}

/** The Alpaca account connector (trade_updates, REST recovery, positions) when ALPACA_ACCOUNT_ALIAS names the account. */
function alpacaAccount(c: GatewayConfig): StreamingConnector[] {
  if (!c.ALPACA_ACCOUNT_ALIAS) return [];
  return [new AlpacaTradingConnector({
    restUrl: c.ALPACA_TRADING_URL, streamUrl: c.ALPACA_TRADING_STREAM_URL, ...alpacaKeys(c),
    accountAlias: c.ALPACA_ACCOUNT_ALIAS, backoff: { initialMs: 500, maxMs: c.ALPACA_RECONNECT_MAX_MS },
    pingIntervalMs: c.ALPACA_PING_INTERVAL_MS, pongTimeoutMs: c.ALPACA_PONG_TIMEOUT_MS, positionsIntervalMs: c.ALPACA_POSITIONS_INTERVAL_MS,
    ordersLookbackMs: c.ALPACA_ORDERS_LOOKBACK_HOURS * 3_600_000, recoveryOverlapMs: 60_000, concentrationLimit: c.RISK_CONCENTRATION_LIMIT,
  })];
}

/** A token bucket's burst for a per-minute budget: a twentieth of it, 1 to 10 requests. */
const burstOf = (perMinute: number) => Math.max(1, Math.min(10, Math.floor(perMinute / 20)));

function polygon(c: GatewayConfig, metrics: StageMetrics): StreamingConnector[] {
  if (!c.POLYGON_CHANNELS.length) return [];
  const apiKey = secretSource('POLYGON_API_KEY', c.POLYGON_API_KEY)!;
  const budget = { requests: c.POLYGON_REQUESTS_PER_MINUTE, perMs: 60_000, burst: burstOf(c.POLYGON_REQUESTS_PER_MINUTE) };
  return [new PolygonStreamConnector({
    url: c.POLYGON_STREAM_URL, apiKey, channels: c.POLYGON_CHANNELS, backfill: { baseUrl: c.POLYGON_REST_URL, budget },
    backoff: { initialMs: 500, maxMs: c.POLYGON_RECONNECT_MAX_MS }, pingIntervalMs: c.POLYGON_PING_INTERVAL_MS, pongTimeoutMs: c.POLYGON_PONG_TIMEOUT_MS,
    dataExpected: c.POLYGON_DATA_EXPECTED,
    dataTimeout: { minMs: c.POLYGON_DATA_TIMEOUT_MIN_MS, maxMs: c.POLYGON_DATA_TIMEOUT_MAX_MS, gapMultiple: 10, rateWindowMs: 10 * 60_000 },
    metrics: bindStreamMetrics(metrics, 'polygon', 'Polygon'),
  })];
}

/** E*TRADE quote polling and account polling share one client, so a renewed token serves both. */
function etrade(c: GatewayConfig): StreamingConnector[] {
  const accounts = Object.keys(c.ETRADE_ACCOUNTS).length > 0;
  if (!c.ETRADE_QUOTES.length && !accounts) return [];
  const client = new EtradeClient({
    baseUrl: c.ETRADE_API_URL, consumerKey: c.ETRADE_CONSUMER_KEY!, consumerSecret: c.ETRADE_CONSUMER_SECRET!,
    accessToken: { key: c.ETRADE_ACCESS_TOKEN!, secret: c.ETRADE_ACCESS_TOKEN_SECRET! },
    requestsPerSecond: c.ETRADE_REQUESTS_PER_SECOND,
  });
  const connectors: StreamingConnector[] = [];
  if (c.ETRADE_QUOTES.length) connectors.push(new EtradeQuotePoller(client, { symbols: c.ETRADE_QUOTES, intervalMs: c.ETRADE_POLL_INTERVAL_MS }));
  if (accounts) {
    const poller = new EtradeAccountsPoller(client, {
      aliases: c.ETRADE_ACCOUNTS, intervalMs: c.ETRADE_ACCOUNTS_POLL_INTERVAL_MS, requestsPerSecond: c.ETRADE_ACCOUNTS_REQUESTS_PER_SECOND, lookbackDays: c.ETRADE_ACCOUNTS_LOOKBACK_DAYS,
    });
    connectors.push(new EtradeAccountsConnector(poller, c.RISK_CONCENTRATION_LIMIT));
  }
  return connectors;
}

function alpaca(c: GatewayConfig, metrics: StageMetrics): StreamingConnector[] {
  const symbols = { bars: c.ALPACA_BARS, updatedBars: c.ALPACA_UPDATED_BARS, dailyBars: c.ALPACA_DAILY_BARS, trades: c.ALPACA_TRADES, quotes: c.ALPACA_QUOTES };
  if (!Object.values(symbols).some((list) => list.length)) return [];
  const keys = alpacaKeys(c);
  // REST has no test or delayed_sip feed: the test stream backfills from iex, delayed SIP from sip.
  const feed = c.ALPACA_FEED === 'test' ? 'iex' : c.ALPACA_FEED === 'delayed_sip' ? 'sip' : c.ALPACA_FEED;
  const backfill = new AlpacaRestClient({
    ...keys, baseUrl: c.ALPACA_DATA_URL, feed,
    budget: { requests: c.ALPACA_REQUESTS_PER_MINUTE, perMs: 60_000, burst: burstOf(c.ALPACA_REQUESTS_PER_MINUTE) },
  });
  return [new AlpacaStreamConnector({
    ...keys, baseUrl: c.ALPACA_STREAM_URL, feed: c.ALPACA_FEED, encoding: c.ALPACA_ENCODING, symbols, backfill,
    backoff: { initialMs: 500, maxMs: c.ALPACA_RECONNECT_MAX_MS }, connectionLimitDelayMs: c.ALPACA_CONNECTION_LIMIT_DELAY_MS, pingIntervalMs: c.ALPACA_PING_INTERVAL_MS, pongTimeoutMs: c.ALPACA_PONG_TIMEOUT_MS,
    metrics: bindStreamMetrics(metrics, 'alpaca', 'Alpaca'),
  })];
}
