import type { StageMetrics } from '@md/observability';
import type { GatewayConfig } from './config';
import { AlpacaRestClient } from './providers/alpaca/alpaca-rest.client';
import { AlpacaStreamConnector } from './providers/alpaca/alpaca-stream.connector';
import { EtradeClient, EtradeQuotePoller } from './providers/etrade/etrade.client';
import { PolygonStreamConnector } from './providers/polygon/polygon-stream.connector';
import type { StreamingConnector } from './providers/provider';
import { alpacaStreamMetrics } from './stream-metrics';

/** The streaming connectors the config asks for: Alpaca, Polygon, E*TRADE quote polling. */
export function streamingConnectors(c: GatewayConfig, metrics: StageMetrics): StreamingConnector[] {
  return [...alpaca(c, metrics), ...polygon(c), ...etrade(c)];
}

function required(name: string, value: string | undefined, when: string): string {
  if (!value) throw new Error(`config: ${name} (or ${name}_FILE) is invalid (unset): required when ${when}`);
  return value;
}

function polygon(c: GatewayConfig): StreamingConnector[] {
  if (!c.POLYGON_CHANNELS.length) return [];
  const apiKey = required('POLYGON_API_KEY', c.POLYGON_API_KEY, 'POLYGON_CHANNELS lists channels');
  return [new PolygonStreamConnector({ url: c.POLYGON_STREAM_URL, apiKey, channels: c.POLYGON_CHANNELS })];
}

function etrade(c: GatewayConfig): StreamingConnector[] {
  if (!c.ETRADE_QUOTES.length) return [];
  const when = 'ETRADE_QUOTES lists symbols';
  const client = new EtradeClient({
    baseUrl: c.ETRADE_API_URL,
    consumerKey: required('ETRADE_CONSUMER_KEY', c.ETRADE_CONSUMER_KEY, when),
    consumerSecret: required('ETRADE_CONSUMER_SECRET', c.ETRADE_CONSUMER_SECRET, when),
    accessToken: { key: required('ETRADE_ACCESS_TOKEN', c.ETRADE_ACCESS_TOKEN, when), secret: required('ETRADE_ACCESS_TOKEN_SECRET', c.ETRADE_ACCESS_TOKEN_SECRET, when) },
  });
  return [new EtradeQuotePoller(client, { symbols: c.ETRADE_QUOTES, intervalMs: c.ETRADE_POLL_INTERVAL_MS })];
}

function alpaca(c: GatewayConfig, metrics: StageMetrics): StreamingConnector[] {
  const symbols = { bars: c.ALPACA_BARS, updatedBars: c.ALPACA_UPDATED_BARS, dailyBars: c.ALPACA_DAILY_BARS, trades: c.ALPACA_TRADES, quotes: c.ALPACA_QUOTES };
  if (!Object.values(symbols).some((list) => list.length)) return [];
  if (!c.ALPACA_KEY_ID || !c.ALPACA_SECRET_KEY) {
    throw new Error('config: ALPACA_KEY_ID and ALPACA_SECRET_KEY (or their _FILE forms) are required when ALPACA_BARS/TRADES/QUOTES… list symbols');
  }
  const keys = { keyId: c.ALPACA_KEY_ID, secretKey: c.ALPACA_SECRET_KEY };
  // REST has no test or delayed_sip feed: the test stream backfills from iex, delayed SIP from sip.
  const feed = c.ALPACA_FEED === 'test' ? 'iex' : c.ALPACA_FEED === 'delayed_sip' ? 'sip' : c.ALPACA_FEED;
  const backfill = new AlpacaRestClient({
    ...keys, baseUrl: c.ALPACA_DATA_URL, feed,
    budget: { requests: c.ALPACA_REQUESTS_PER_MINUTE, perMs: 60_000, burst: Math.max(1, Math.min(10, Math.floor(c.ALPACA_REQUESTS_PER_MINUTE / 20))) },
  });
  return [new AlpacaStreamConnector({
    ...keys, baseUrl: c.ALPACA_STREAM_URL, feed: c.ALPACA_FEED, encoding: c.ALPACA_ENCODING, symbols, backfill,
    backoff: { initialMs: 500, maxMs: c.ALPACA_RECONNECT_MAX_MS }, connectionLimitDelayMs: c.ALPACA_CONNECTION_LIMIT_DELAY_MS, pingIntervalMs: c.ALPACA_PING_INTERVAL_MS, pongTimeoutMs: c.ALPACA_PONG_TIMEOUT_MS,
    metrics: alpacaStreamMetrics(metrics),
  })];
}
