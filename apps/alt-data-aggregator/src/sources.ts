import { secretSource } from '@md/config';
import { DEFAULT_COMPOSITE_POLICY, lexiconScore, validateVixPolicy, type AltDataBookOptions, type CompositePolicy, type SocialTime, type VixRegimePolicy } from '@md/altdata';
import type { AltDataConfig } from './config';
import type { AltDataMetrics } from './alt-data.metrics';
import { AlpacaNewsConnector } from './providers/alpaca-news/alpaca-news.connector';
import { AltSeriesProvider } from './providers/alt-series.provider';
import { CboeVixProvider } from './providers/cboe-vix.provider';
import type { AltDataProvider } from './providers/provider';
import { SocialFileProvider } from './providers/social-file.provider';
import type { TextSource } from './providers/text-source.provider';

// What the config asks for: each source is on only when its variable is set. What a source needs
// with it (credentials, a start time) AltDataConfig requires, hence the non-null assertions.

const POLL_BACKOFF = { initialMs: 1_000, maxMs: 60_000 };

export function vixPolicy(c: AltDataConfig): VixRegimePolicy {
  return validateVixPolicy({ thresholds: c.VIX_THRESHOLDS, bandPoints: c.VIX_BAND_POINTS, bandFraction: c.VIX_BAND_FRACTION, confirmations: c.VIX_CONFIRMATIONS });
}

export function bookOptions(c: AltDataConfig): AltDataBookOptions {
  const sources: CompositePolicy['sources'] = Object.fromEntries(Object.entries(DEFAULT_COMPOSITE_POLICY.sources).map(([name, s]) => [
    name, { weight: c.COMPOSITE_WEIGHTS[name] ?? s.weight, halfLifeMs: c.COMPOSITE_HALF_LIVES_MS[name] || s.halfLifeMs },
  ]));
  return {
    score: lexiconScore,
    composite: { sources, maxSymbols: c.MAX_SYMBOLS },
    series: { halfLifeMs: c.SERIES_HALF_LIFE_MS, minObservations: c.SERIES_MIN_OBSERVATIONS },
    maxSeenDocuments: c.MAX_SEEN_DOCUMENTS,
    maxSeries: c.MAX_SYMBOLS,
  };
}

export function configuredProviders(c: AltDataConfig, metrics: AltDataMetrics): AltDataProvider[] {
  const http = (url: string, intervalMs: number): TextSource => ({ kind: 'http', url, intervalMs, get: { timeoutMs: c.HTTP_TIMEOUT_MS, maxBytes: c.HTTP_MAX_BYTES }, backoff: POLL_BACKOFF });
  const providers: AltDataProvider[] = [];
  if (c.VIX_FILE) providers.push(new CboeVixProvider({ kind: 'file', path: c.VIX_FILE }, c.VIX_SYMBOL));
  if (c.VIX_URL) providers.push(new CboeVixProvider(http(c.VIX_URL, c.VIX_POLL_INTERVAL_MS), c.VIX_SYMBOL));
  if (c.ALPACA_NEWS_URL) {
    providers.push(new AlpacaNewsConnector({
      url: c.ALPACA_NEWS_URL, keyId: secretSource('ALPACA_KEY_ID', c.ALPACA_KEY_ID)!, secretKey: secretSource('ALPACA_SECRET_KEY', c.ALPACA_SECRET_KEY)!,
      symbols: c.ALPACA_NEWS_SYMBOLS, backoff: { initialMs: 500, maxMs: c.ALPACA_NEWS_RECONNECT_MAX_MS }, connectionLimitDelayMs: c.ALPACA_NEWS_CONNECTION_LIMIT_DELAY_MS,
      pingIntervalMs: c.ALPACA_NEWS_PING_INTERVAL_MS, pongTimeoutMs: c.ALPACA_NEWS_PONG_TIMEOUT_MS, onReconnect: (reason) => metrics.reconnect(reason),
    }));
  }
  if (c.SOCIAL_FILE) {
    const time: SocialTime = c.SOCIAL_EVENT_TIME === 'tweet-id'
      ? { mode: 'tweet-id' }
      : { mode: 'file-order', startUs: Date.parse(c.SOCIAL_START_TIME!) * 1000, spacingUs: c.SOCIAL_SPACING_MS * 1000 };
    providers.push(new SocialFileProvider({ path: c.SOCIAL_FILE, time, maxRows: c.SOCIAL_MAX_ROWS, maxSymbols: c.SOCIAL_MAX_SYMBOLS, batch: c.PUBLISH_BATCH }));
  }
  const series = { row: { zone: c.ALTDATA_ZONE, signal: c.ALTDATA_SIGNAL }, batch: c.PUBLISH_BATCH, maxSeries: c.MAX_SYMBOLS };
  for (const path of c.ALTDATA_FILES) providers.push(withDuplicates(new AltSeriesProvider({ kind: 'file', path }, series), metrics));
  for (const url of c.ALTDATA_URLS) providers.push(withDuplicates(new AltSeriesProvider(http(url, c.ALTDATA_POLL_INTERVAL_MS), series), metrics));
  return providers;
}

function withDuplicates(provider: AltSeriesProvider, metrics: AltDataMetrics): AltSeriesProvider {
  provider.onDuplicates = (n) => metrics.duplicates(provider.name, n);
  return provider;
}
