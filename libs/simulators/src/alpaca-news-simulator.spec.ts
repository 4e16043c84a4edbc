import { Alpaca } from '@alpacahq/alpaca-trade-api';
import { WebSocket } from 'ws';
import { waitFor } from '@md/testing';
import { AlpacaNewsSimulator, newsArticlesFromTweets, type NewsArticle } from './alpaca-news-simulator';

const KEY = 'PKNEWSKEY0001';
const SECRET = 'news-sim-secret-0001';
const ARTICLES = newsArticlesFromTweets(undefined, 20);

/** A bare client that keeps every message it receives. */
class Client {
  readonly received: Array<Record<string, unknown>> = [];
  readonly ws: WebSocket;
  closedWith?: number;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, { headers });
    this.ws.on('message', (data) => this.received.push(...(JSON.parse(data.toString()) as Array<Record<string, unknown>>)));
    this.ws.on('close', (code) => (this.closedWith = code));
    this.ws.on('error', () => undefined);
  }

  send(request: object): void {
    this.ws.send(JSON.stringify(request));
  }

  async got(fields: Record<string, unknown>): Promise<Record<string, unknown>> {
    const like = (m: Record<string, unknown>) => Object.entries(fields).every(([k, v]) => JSON.stringify(m[k]) === JSON.stringify(v));
    return (await waitFor(`a message like ${JSON.stringify(fields)}`, () => this.received.find(like), 5000, 10))!;
  }

  async login(): Promise<this> {
    await this.got({ T: 'success', msg: 'connected' });
    this.send({ action: 'auth', key: KEY, secret: SECRET });
    await this.got({ T: 'success', msg: 'authenticated' });
    return this;
  }
}

describe('Alpaca news stream simulator', () => {
  let sim: AlpacaNewsSimulator;
  const clients: Client[] = [];
  const connect = (headers?: Record<string, string>) => {
    const c = new Client(sim.url, headers);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    sim = await AlpacaNewsSimulator.start({ key: KEY, secret: SECRET, authTimeoutMs: 300 });
  });
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.ws.terminate());
    await sim.close();
  });

  it('builds its articles from real tweets: id, text split into headline and summary, the tweet\'s own time, symbols', () => {
    expect(ARTICLES).toHaveLength(20);
    expect(ARTICLES[0]).toMatchObject({ T: 'n', id: 1, created_at: '2022-05-16T02:00:40.691Z', symbols: ['TSLA', 'TWTR'], source: 'tweets_sentiment.csv' });
    expect(ARTICLES[0].headline.startsWith('Ruh-roh')).toBe(true);
  });

  it('greets, authenticates, acknowledges {"news":["*"]} and streams T:"n" articles', async () => {
    const c = await connect().login();
    c.send({ action: 'subscribe', news: ['*'] });
    await c.got({ T: 'subscription', news: ['*'] });
    expect(sim.publish(ARTICLES.slice(0, 3))).toBe(3);
    const first = await c.got({ T: 'n', id: 1 });
    expect(first).toEqual(ARTICLES[0]);
    await c.got({ T: 'n', id: 3 });
  });

  it('sends an article only to sessions subscribed to "*" or to one of its symbols', async () => {
    const c = await connect().login();
    c.send({ action: 'subscribe', news: ['TWTR'] });
    await c.got({ T: 'subscription', news: ['TWTR'] });
    const twtr = ARTICLES.filter((a: NewsArticle) => a.symbols.includes('TWTR'));
    expect(sim.publish(ARTICLES)).toBe(twtr.length);
    await waitFor('the TWTR articles', () => c.received.filter((m) => m.T === 'n').length === twtr.length, 5000, 10);
  });

  it('authenticates with the APCA-API-* headers', async () => {
    await connect({ 'APCA-API-KEY-ID': KEY, 'APCA-API-SECRET-KEY': SECRET }).got({ T: 'success', msg: 'authenticated' });
  });

  it('answers protocol mistakes with the documented error codes, keeping the socket open', async () => {
    const c = connect();
    await c.got({ T: 'success', msg: 'connected' });
    c.send({ action: 'subscribe', news: ['*'] });
    await c.got({ T: 'error', code: 401, msg: 'not authenticated' });
    c.send({ action: 'auth', key: KEY, secret: 'wrong' });
    await c.got({ T: 'error', code: 402, msg: 'auth failed' });
    c.send({ action: 'auth', key: KEY, secret: SECRET });
    await c.got({ T: 'success', msg: 'authenticated' });
    c.send({ action: 'subscribe', trades: ['AAPL'] });
    c.send({ action: 'subscribe', news: [] });
    await waitFor('two 400s', () => c.received.filter((m) => m.code === 400).length === 2, 5000, 10);
    expect(c.closedWith).toBeUndefined();
  });

  it('times out a client that does not authenticate (404), and refuses a second session (406), closing both', async () => {
    const idle = connect();
    await idle.got({ T: 'error', code: 404, msg: 'auth timeout' });
    await waitFor('the idle socket closed', () => idle.closedWith !== undefined, 5000, 10);
    await connect().login();
    const second = connect();
    await second.got({ T: 'success', msg: 'connected' });
    second.send({ action: 'auth', key: KEY, secret: SECRET });
    await second.got({ T: 'error', code: 406, msg: 'connection limit exceeded' });
    await waitFor('the second socket closed', () => second.closedWith !== undefined, 5000, 10);
  });

  it('drops every connection abruptly on demand (close 1006) and refuses the next login when told to', async () => {
    const c = await connect().login();
    sim.dropConnections();
    await waitFor('the drop', () => c.closedWith === 1006, 5000, 10);
    sim.refuseNextWith(402);
    const next = connect();
    await next.got({ T: 'success', msg: 'connected' });
    next.send({ action: 'auth', key: KEY, secret: SECRET });
    await next.got({ T: 'error', code: 402 });
  });

  it('is spoken by the official client (@alpacahq/alpaca-trade-api newsStream, MessagePack)', async () => {
    const stream = new Alpaca({ keyId: KEY, secret: SECRET }).marketData.newsStream({ url: sim.url, reconnect: false });
    const news: Array<{ id: number; headline: string; symbols: string[]; createdAt?: Date }> = [];
    stream.onNews((n) => news.push(n));
    stream.onConnect(() => stream.subscribeForNews(['*']));
    stream.connect();
    try {
      await expect(stream.waitForAuthentication(5000)).resolves.toBe(true);
      await waitFor('the subscription', () => sim.sessions()[0]?.news.includes('*'), 5000, 10);
      expect(sim.sessions()[0].msgpack).toBe(true);
      sim.publish(ARTICLES.slice(0, 2));
      await waitFor('two articles', () => news.length === 2, 5000, 10);
      expect(news[0]).toMatchObject({ id: 1, symbols: ['TSLA', 'TWTR'], createdAt: new Date('2022-05-16T02:00:40.691Z') });
    } finally {
      stream.disconnect();
    }
  });
});
