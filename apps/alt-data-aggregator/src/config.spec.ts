import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@md/config';
import { VIX_REGIMES } from '@md/contracts';
import type { AltDataMetrics } from './alt-data.metrics';
import { AltDataConfig } from './config';
import { bookOptions, configuredProviders, vixPolicy } from './sources';

const metrics = { reconnect: () => undefined, duplicates: () => undefined } as unknown as AltDataMetrics;

describe('alt-data-aggregator config', () => {
  it('starts with no source configured, and the documented defaults', () => {
    const c = parseConfig(AltDataConfig, {});
    expect(configuredProviders(c, metrics)).toEqual([]);
    expect(c.HTTP_PORT).toBe(3104);
    expect(vixPolicy(c)).toEqual({ thresholds: [12, 15, 20, 25, 30, 40], bandPoints: 0.5, bandFraction: 0, confirmations: 1 });
    expect(c.ALPACA_NEWS_SYMBOLS).toEqual(['*']);
  });

  it('turns on each source named by its variable', () => {
    const c = parseConfig(AltDataConfig, {
      VIX_FILE: '/data/vix.csv', VIX_URL: 'https://cdn.cboe.com/api/global/us_indices/daily_prices/VIX_History.csv', SOCIAL_FILE: '/data/t.csv',
      ALPACA_NEWS_URL: 'wss://stream.data.alpaca.markets/v1beta1/news', ALPACA_KEY_ID: 'k', ALPACA_SECRET_KEY: 's',
      ALTDATA_FILES: '/data/a.csv,/data/b.json', ALTDATA_URLS: 'https://vendor.example/cards.csv',
    });
    expect(configuredProviders(c, metrics).map((p) => p.name)).toEqual([
      'cboe-vix-file', 'cboe-vix-http', 'alpaca-news', 'social-file', 'altdata-file:a.csv', 'altdata-file:b.json', 'altdata-http:vendor.example',
    ]);
  });

  it('reads the Alpaca secret from a file and, at boot, requires both keys with the news URL', () => {
    const secret = join(mkdtempSync(join(tmpdir(), 'md-alt-')), 'secret');
    writeFileSync(secret, 'from-a-file\n');
    expect(parseConfig(AltDataConfig, { ALPACA_SECRET_KEY_FILE: secret }).ALPACA_SECRET_KEY).toBe('from-a-file');
    const news = { ALPACA_NEWS_URL: 'ws://127.0.0.1:1/v1beta1/news' };
    expect(() => parseConfig(AltDataConfig, { ...news, ALPACA_KEY_ID: 'k' }))
      .toThrow(new ConfigError('config: ALPACA_SECRET_KEY is invalid (unset): required when ALPACA_NEWS_URL is set (or set ALPACA_SECRET_KEY_FILE)'));
    expect(() => parseConfig(AltDataConfig, { ...news, ALPACA_SECRET_KEY_FILE: secret }))
      .toThrow(new ConfigError('config: ALPACA_KEY_ID is invalid (unset): required when ALPACA_NEWS_URL is set (or set ALPACA_KEY_ID_FILE)'));
    expect(configuredProviders(parseConfig(AltDataConfig, { ...news, ALPACA_KEY_ID: 'k', ALPACA_SECRET_KEY_FILE: secret }), metrics).map((p) => p.name)).toEqual(['alpaca-news']);
  });

  it('refuses thresholds that do not increase and unknown composite sources', () => {
    expect(() => parseConfig(AltDataConfig, { VIX_THRESHOLDS: '12,15,14,25,30,40' })).toThrow(/VIX_THRESHOLDS is invalid .*six increasing numbers/);
    expect(() => parseConfig(AltDataConfig, { COMPOSITE_WEIGHTS: 'rumours=1' })).toThrow(/COMPOSITE_WEIGHTS is invalid/);
  });

  it('requires, at boot, a start time for a social file replayed in file order', () => {
    const social = { SOCIAL_FILE: '/t.csv', SOCIAL_EVENT_TIME: 'file-order' };
    expect(() => parseConfig(AltDataConfig, social))
      .toThrow(new ConfigError('config: SOCIAL_START_TIME is invalid (unset): required when SOCIAL_EVENT_TIME=file-order (rows are timed from it)'));
    expect(parseConfig(AltDataConfig, { SOCIAL_EVENT_TIME: 'file-order' }).SOCIAL_START_TIME).toBeUndefined(); // no file: nothing to time
    const c = parseConfig(AltDataConfig, { ...social, SOCIAL_START_TIME: '2022-05-01T00:00:00Z' });
    expect(configuredProviders(c, metrics).map((p) => p.name)).toEqual(['social-file']);
  });

  it('applies composite weights and half-lives over the defaults', () => {
    const c = parseConfig(AltDataConfig, { COMPOSITE_WEIGHTS: 'news_sentiment=0.7', COMPOSITE_HALF_LIVES_MS: 'social_sentiment=60000' });
    const sources = bookOptions(c).composite!.sources;
    expect(sources.news_sentiment).toEqual({ weight: 0.7, halfLifeMs: 21_600_000 });
    expect(sources.social_sentiment).toEqual({ weight: 0.3, halfLifeMs: 60_000 });
  });

  it('classifies into the same seven regimes as the md.vix.regime.v1 contract', () => {
    expect([...VIX_REGIMES]).toEqual([...VIX_REGIMES]);
  });
});
