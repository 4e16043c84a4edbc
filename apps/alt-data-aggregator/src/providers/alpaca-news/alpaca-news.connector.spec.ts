import type { AltDocument } from '@md/altdata';
import { waitFor } from '@md/testing';
import { AlpacaNewsSimulator, newsArticlesFromTweets } from '@md/simulators';
import { MemorySink } from '@md/ingest';
import type { AltEvent } from '../provider';
import { AlpacaNewsConnector, type AlpacaNewsOptions } from './alpaca-news.connector';

const KEY = 'PKNEWSCONNKEY01';
const SECRET = 'news-connector-secret-01';
const ARTICLES = newsArticlesFromTweets(undefined, 30);

describe('Alpaca news connector against the news simulator', () => {
  let sim: AlpacaNewsSimulator;
  let connector: AlpacaNewsConnector | undefined;
  const reconnects: string[] = [];
  const options = (over: Partial<AlpacaNewsOptions> = {}): AlpacaNewsOptions => ({
    url: sim.url, keyId: KEY, secretKey: SECRET, symbols: ['*'], backoff: { initialMs: 20, maxMs: 50 }, connectionLimitDelayMs: 300,
    pingIntervalMs: 200, pongTimeoutMs: 500, onReconnect: (r) => reconnects.push(r), ...over,
  });
  const documents = (sink: MemorySink<AltEvent>) => sink.records.map((e) => e.value as AltDocument);

  beforeEach(async () => {
    reconnects.length = 0;
    sim = await AlpacaNewsSimulator.start({ key: KEY, secret: SECRET });
  });
  afterEach(async () => {
    await connector?.stop();
    await sim.close();
  });

  it('authenticates, subscribes to all news and maps each article to a document', async () => {
    const sink = new MemorySink<AltEvent>();
    connector = new AlpacaNewsConnector(options());
    void connector.run(sink);
    await waitFor('streaming', () => connector!.status().state === 'running', 5000, 10);
    expect(sim.sessions()).toEqual([{ authenticated: true, msgpack: false, news: ['*'] }]);
    sim.publish(ARTICLES.slice(0, 10));
    await waitFor('ten documents', () => sink.records.length === 10, 5000, 10);
    expect(documents(sink)[0]).toEqual({
      signal: 'news_sentiment', provider: 'alpaca-news', id: '1', symbols: ['TSLA', 'TWTR'], text: `${ARTICLES[0].headline}\n${ARTICLES[0].summary}`,
      eventTime: Date.parse(ARTICLES[0].created_at) * 1000,
    });
  });

  it('reconnects after dropped connections with backoff, resubscribes, and receives what is sent afterwards', async () => {
    const sink = new MemorySink<AltEvent>();
    connector = new AlpacaNewsConnector(options());
    void connector.run(sink);
    for (let round = 0; round < 3; round++) {
      await waitFor('streaming', () => connector!.status().state === 'running' && sim.sessions().some((s) => s.news.length), 5000, 10);
      sim.publish(ARTICLES.slice(round * 10, round * 10 + 10));
      await waitFor(`round ${round}`, () => sink.records.length === (round + 1) * 10, 5000, 10);
      sim.dropConnections();
      await waitFor('the drop noticed', () => reconnects.length === round + 1, 5000, 10);
    }
    expect(reconnects).toEqual(['server_closed', 'server_closed', 'server_closed']);
    expect(new Set(documents(sink).map((d) => d.id)).size).toBe(30);
    expect(sim.counters.authentications).toBeGreaterThanOrEqual(3);
  });

  it('replaces a socket that stops answering pings (pong timeout) and streams again', async () => {
    const sink = new MemorySink<AltEvent>();
    connector = new AlpacaNewsConnector(options());
    void connector.run(sink);
    await waitFor('streaming', () => connector!.status().state === 'running', 5000, 10);
    sim.goSilent(3000);
    await waitFor('the pong timeout', () => reconnects.includes('pong_timeout'), 5000, 10);
    await waitFor('streaming again', () => connector!.status().state === 'running' && sim.sessions().some((s) => s.news.length), 5000, 10);
    sim.publish(ARTICLES.slice(0, 1));
    await waitFor('the article after the reconnect', () => sink.records.length === 1, 5000, 10);
  });

  it('dead-letters a malformed frame and a malformed article, and goes on streaming', async () => {
    const sink = new MemorySink<AltEvent>();
    connector = new AlpacaNewsConnector(options());
    void connector.run(sink);
    await waitFor('streaming', () => connector!.status().state === 'running', 5000, 10);
    sim.sendRaw('[{"T":"n","id":');
    sim.sendRaw(JSON.stringify([{ ...ARTICLES[1], created_at: 'yesterday' }, ARTICLES[2]]));
    await waitFor('two rejections and one document', () => sink.rejected.length === 2 && sink.records.length === 1, 5000, 10);
    expect(sink.rejected[0]).toMatchObject({ payload: Buffer.from('[{"T":"n","id":'), source: `alpaca-news ${sim.url}` });
    expect(sink.rejected[0].reason).toMatch(/^frame is not JSON/);
    expect(sink.rejected[1].reason).toMatch(/^news message 2: /);
    expect(connector.status().state).toBe('running');
  });

  it('stops for good on 402 (auth failed) without putting the secret in its status', async () => {
    connector = new AlpacaNewsConnector(options({ secretKey: 'wrong-secret-value' }));
    await expect(connector.run(new MemorySink<AltEvent>())).rejects.toThrow('Alpaca news error 402 auth failed: check ALPACA_KEY_ID and ALPACA_SECRET_KEY; stopped');
    expect(connector.status().state).toBe('failed');
    expect(JSON.stringify(connector.status())).not.toContain('wrong-secret-value');
    expect(sim.counters.connections).toBe(1);
  });

  it('waits the connection-limit delay after 406, then streams', async () => {
    sim.refuseNextWith(406);
    const sink = new MemorySink<AltEvent>();
    connector = new AlpacaNewsConnector(options());
    const started = Date.now();
    void connector.run(sink);
    await waitFor('streaming after the 406', () => connector!.status().state === 'running', 5000, 10);
    expect(reconnects).toEqual(['connection_limit']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });
});
