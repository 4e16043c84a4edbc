import { parseConfig } from '@md/config';
import { StageMetrics } from '@md/observability';
import { GatewayConfig } from './config';
import { EtradeQuotePoller } from './providers/etrade/etrade-quote.poller';
import { PolygonStreamConnector } from './providers/polygon/polygon-stream.connector';
import { streamingConnectors } from './streams';

const config = (env: Record<string, string>) => parseConfig(GatewayConfig, env);

describe('streaming connectors from the config', () => {
  it('starts none when no channel or symbol is listed', () => {
    expect(streamingConnectors(config({}), new StageMetrics('feed-gateway'))).toEqual([]);
  });

  it('wires Polygon with the REST gap backfill for its AM symbols and md_polygon_stream_* metrics', async () => {
    const metrics = new StageMetrics('feed-gateway');
    const [polygon] = streamingConnectors(config({ POLYGON_CHANNELS: 'AM.DBB,T.AAPL,AM.SPY', POLYGON_API_KEY: 'pk_test_key' }), metrics);
    expect(polygon).toBeInstanceOf(PolygonStreamConnector);
    expect(polygon.status?.()).toMatchObject({ state: 'idle', url: 'wss://socket.polygon.io/stocks', channels: ['AM.DBB', 'T.AAPL', 'AM.SPY'], backfillSymbols: ['DBB', 'SPY'] });
    expect(await metrics.registry.metrics()).toContain('# TYPE md_polygon_stream_reconnects_total counter');
  });

  it('wires the E*TRADE quote poller, which reports its state before the first round', () => {
    const env = { ETRADE_QUOTES: 'AAPL,MSFT', ETRADE_CONSUMER_KEY: 'ck', ETRADE_CONSUMER_SECRET: 'cs', ETRADE_ACCESS_TOKEN: 'at', ETRADE_ACCESS_TOKEN_SECRET: 'ats' };
    const [etrade] = streamingConnectors(config(env), new StageMetrics('feed-gateway'));
    expect(etrade).toBeInstanceOf(EtradeQuotePoller);
    expect(etrade.status?.()).toMatchObject({ state: 'idle', symbols: ['AAPL', 'MSFT'], rounds: 0, requests: 0 });
    expect(() => config({ ...env, ETRADE_REQUESTS_PER_SECOND: '4' })).toThrow();
  });
});
