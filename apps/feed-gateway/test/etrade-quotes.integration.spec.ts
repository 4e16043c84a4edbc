import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { TOPIC_TABLE, TOPICS, type QuoteRecord } from '@md/contracts';
import { SchemaCodec, createKafka, endOffsets, ensureTopics, readTopicRange } from '@md/kafka';
import { httpJson, readLeanZipText, registerTestSecrets, startService, stopService, uniqueId, waitFor, waitReady, type RunningService } from '@md/testing';
import { EtradeSimulator } from '@md/simulators';
import { fixturesDir } from '@md/fixtures';

// Integration: the gateway's E*TRADE quote poller, signing every request with OAuth 1.0a, against
// the E*TRADE simulator (which verifies each signature per RFC 5849). The quotes are real: AAPL's
// minute quote bars of 2014-06-05 from LEAN (bid/ask close and sizes), one minute per round, for
// three symbols. Each served quote reaches md.raw.quotes.v1 once with its values (changes only),
// through throttling (429), server errors (500) and an inactive token (renewed); an expired token
// stops the poller as TOKEN-FLOW.md says (status failed with the reason, /ready 503). None of the
// four credentials reaches the gateway's log.

const CONSUMER = { key: 'etrade-it-consumer-key-41c9', secret: 'etrade-it-consumer/secret+8d2e=' };
const ROUNDS = 12;
/** LEAN minute times count from midnight New York; on 2014-06-05 (EDT) that is 04:00 UTC. */
const MIDNIGHT_NY_MS = Date.parse('2014-06-05T04:00:00Z');

interface LeanQuote { endMs: number; bid: number; bidSize: number; ask: number; askSize: number }

/** LEAN quote bar: ms, bid OHLC, last bid size, ask OHLC, last ask size; prices x 10,000. */
async function leanQuotes(): Promise<LeanQuote[]> {
  const text = await readLeanZipText(join(fixturesDir(), 'lean/minute/aapl/20140605_quote.zip'));
  return text.trim().split(/\r?\n/).map((line) => {
    const f = line.split(',').map(Number);
    return { endMs: MIDNIGHT_NY_MS + f[0] + 60_000, bid: f[4], bidSize: f[5], ask: f[9], askSize: f[10] };
  });
}

/** A LEAN price (x 10,000) as the 8-decimal string a record carries, without going through a float. */
const decimal = (scaled: number) => `${Math.floor(scaled / 10_000)}.${String(scaled % 10_000).padStart(4, '0')}0000`;

/** E*TRADE Get Quote (detailFlag=ALL) QuoteData, shaped as its documentation's sample. */
function quoteData(symbol: string, q: LeanQuote): Record<string, unknown> {
  return {
    dateTimeUTC: Math.floor(q.endMs / 1000), quoteStatus: 'DELAYED', ahFlag: 'false',
    All: { ask: q.ask / 10_000, askSize: q.askSize, bid: q.bid / 10_000, bidExchange: '', bidSize: q.bidSize, lastTrade: q.bid / 10_000 },
    Product: { symbol, securityType: 'EQ' },
  };
}

describe('E*TRADE quote polling into md.raw.quotes.v1 (integration)', () => {
  const prefix = uniqueId('E');
  const symbols = ['A', 'B', 'C'].map((s) => `${prefix}${s}`);
  const quotes: Record<string, unknown> = {};
  let sim: EtradeSimulator;
  let gateway: RunningService | undefined;

  beforeAll(async () => {
    sim = await EtradeSimulator.start({ consumerKey: CONSUMER.key, consumerSecret: CONSUMER.secret, quotes });
  });

  afterAll(async () => {
    if (gateway) await stopService(gateway);
    await sim?.stop();
  });

  it('publishes each served quote once with its values, through 429s, 500s and a renewal, and stops on an expired token', async () => {
    const lean = (await leanQuotes()).slice(0, ROUNDS + 10);
    // Symbol k shows minute i + 5k in round i: three different real series.
    const served = (round: number) => symbols.map((symbol, k) => ({ symbol, q: lean[round + 5 * k] }));
    for (const { symbol, q } of served(0)) quotes[symbol] = quoteData(symbol, q);
    const token = sim.issueAccessToken();
    registerTestSecrets(CONSUMER.key, CONSUMER.secret, token.key, token.secret); // the run's teardown scans every service log for them

    const kafka = createKafka(`test-${prefix}`, [LOCAL_STACK.kafkaBrokers]);
    await ensureTopics(kafka, TOPIC_TABLE); // this file may be the first to run on a fresh broker
    const start = await endOffsets(kafka, TOPICS.rawQuotes);
    gateway = await startService('feed-gateway', {
      ETRADE_QUOTES: symbols.join(','), ETRADE_API_URL: sim.url, ETRADE_POLL_INTERVAL_MS: '100', ETRADE_REQUESTS_PER_SECOND: '3',
      ETRADE_CONSUMER_KEY: CONSUMER.key, ETRADE_CONSUMER_SECRET: CONSUMER.secret, ETRADE_ACCESS_TOKEN: token.key, ETRADE_ACCESS_TOKEN_SECRET: token.secret,
    }, `test-${prefix}-gateway`);
    await waitReady(gateway);
    const etrade = async () => (await httpJson(gateway!.port, '/v1/streams')).body.streams.find((s: { provider: string }) => s.provider === 'etrade');
    await waitFor('the poller to poll', async () => (await etrade())?.state === 'polling', 30_000, 50);

    // Round by round: change the quotes, then wait until the simulator has served them once.
    const faults: Record<number, () => void> = {
      3: () => (sim.throttleEvery = 2), // every other Market request answers 429 for three rounds
      6: () => {
        sim.throttleEvery = undefined;
        sim.failNext(2, 500);
      },
      9: () => sim.inactivateTokens(), // 401 token_rejected: renewed once, then the call is repeated
    };
    for (let round = 1; round < ROUNDS; round++) {
      faults[round]?.();
      for (const { symbol, q } of served(round)) quotes[symbol] = quoteData(symbol, q);
      const before = sim.quotesServed;
      await waitFor(`round ${round} to be served`, () => sim.quotesServed > before, 30_000, 20);
    }

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    let published: QuoteRecord[] = [];
    await waitFor('every served quote in md.raw.quotes.v1', async () => {
      published = [];
      for (const m of await readTopicRange(kafka, TOPICS.rawQuotes, start)) {
        if (m.key?.toString().startsWith(prefix)) published.push(await codec.decode<QuoteRecord>(TOPICS.rawQuotes, m.value));
      }
      return published.length >= ROUNDS * symbols.length;
    }, 60_000, 500);

    const fields = (r: Pick<QuoteRecord, 'symbol' | 'provider' | 'eventTime' | 'bidPrice' | 'bidSize' | 'askPrice' | 'askSize'>) =>
      [r.symbol, r.provider, r.eventTime, r.bidPrice, r.bidSize, r.askPrice, r.askSize].join();
    const expected = Array.from({ length: ROUNDS }, (_, round) => served(round)).flat().map(({ symbol, q }) => fields({
      symbol, provider: 'etrade', eventTime: Math.floor(q.endMs / 1000) * 1_000_000, bidPrice: decimal(q.bid), bidSize: q.bidSize, askPrice: decimal(q.ask), askSize: q.askSize,
    }));
    // Changes only: each round's quote once per symbol, in order within the symbol (its partition).
    for (const symbol of symbols) {
      expect(published.filter((r) => r.symbol === symbol).map(fields)).toEqual(expected.filter((e) => e.startsWith(`${symbol},`)));
    }
    expect(published.every((r) => r.ingestTime >= r.eventTime && r.conditions.length === 0)).toBe(true);

    const status = await etrade();
    expect(status).toMatchObject({ state: 'polling', reason: null, symbols, published: ROUNDS * symbols.length, rejected: 0, renewals: 1 });
    expect(status.throttled).toBeGreaterThan(0);
    expect(status.throttled).toBe(sim.statusCounts[429]);
    expect(status.retries).toBeGreaterThanOrEqual(status.throttled + 2); // the 429s and the two 500s were retried
    expect(sim.statusCounts[500]).toBe(2);

    // Expiry at midnight US Eastern: renewal is refused too, so the poller stops with the token-flow hint.
    sim.expireTokens();
    await waitFor('the poller to fail', async () => (await etrade()).state === 'failed', 30_000, 100);
    expect((await etrade()).reason).toMatch(/tokens end at midnight US Eastern; run the token flow again \(TOKEN-FLOW.md\)/);
    expect((await httpJson(gateway.port, '/ready')).status).toBe(503);

    expect(await stopService(gateway)).toBe(0);
    const log = readFileSync(gateway.logFile, 'utf8');
    gateway = undefined;
    for (const secret of [CONSUMER.key, CONSUMER.secret, token.key, token.secret]) expect(log).not.toContain(secret);
  });
});
