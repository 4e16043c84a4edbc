import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { TOPIC_TABLE, TOPICS, type AltSignalRecord, type DeadLetterRecord, type VixRegimeRecord } from '@md/contracts';
import { parseSocialCsv, socialDocument, type AltDocument } from '@md/altdata';
import { SchemaCodec, createKafka, endOffsets, ensureTopics, readTopicRange, type PartitionOffsets } from '@md/kafka';
import { httpJson, metricValue, registerTestSecrets, startService, stopService, uniqueId, waitFor, waitReady, type RunningService } from '@md/testing';
import { AlpacaNewsSimulator, newsArticlesFromTweets, tweetsFilePath } from '@md/simulators';
import { VIX_2015_FILE, fixturePath } from '@md/fixtures';

// Integration: the alt-data-aggregator process on the real stack with three sources at once:
// the real CBOE VIX closes of August 2015 (test/fixtures), the shared file of 500 real tweets, and
// the Alpaca news simulator streaming 40 articles made from those tweets plus a malformed frame
// and a malformed article. Every input is accounted for on md.vix.regime.v1,
// md.altdata.signals.v1 or md.dlq.v1; the key and secret never reach the service's log.

const KEY = 'AKNEWSINTEGRATION01';
const SECRET = 'news-integration-secret-never-logged';
const VIX_FIXTURE = fixturePath(VIX_2015_FILE);
const NEWS = newsArticlesFromTweets(tweetsFilePath(), 40);

describe('alt-data-aggregator: VIX regimes, news and social sentiment, composites (integration)', () => {
  const run = uniqueId('T');
  const vixSymbol = `VIX${run}`;
  const socialFile = join(mkdtempSync(join(tmpdir(), 'md-alt-')), `tweets-${run.toLowerCase()}.csv`);
  const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
  const kafka = createKafka(`test-${run}`, [LOCAL_STACK.kafkaBrokers]);
  let sim: AlpacaNewsSimulator;
  let service: RunningService | undefined;

  beforeAll(async () => {
    registerTestSecrets(KEY, SECRET); // the run's teardown scans every service log for them
    copyFileSync(tweetsFilePath(), socialFile); // a file name of this run's own: its provider label isolates its records
    sim = await AlpacaNewsSimulator.start({ key: KEY, secret: SECRET });
  });

  afterAll(async () => {
    if (service) await stopService(service);
    await sim?.close();
  });

  async function read<T>(topic: string, from: PartitionOffsets): Promise<T[]> {
    const out: T[] = [];
    for (const m of await readTopicRange(kafka, topic, from)) out.push(await codec.decode<T>(topic, m.value));
    return out;
  }

  it('publishes every input once, a composite for every symbol, the expected regimes, and dead-letters what is malformed', async () => {
    await ensureTopics(kafka, TOPIC_TABLE);
    const start = { signals: await endOffsets(kafka, TOPICS.altSignals), vix: await endOffsets(kafka, TOPICS.vixRegime), dlq: await endOffsets(kafka, TOPICS.deadLetter) };
    service = await startService('alt-data-aggregator', {
      VIX_FILE: VIX_FIXTURE, VIX_SYMBOL: vixSymbol, SOCIAL_FILE: socialFile,
      ALPACA_NEWS_URL: sim.url, ALPACA_KEY_ID: KEY, ALPACA_SECRET_KEY: SECRET, ALPACA_NEWS_RECONNECT_MAX_MS: '500',
    }, `test-${run}-alt-data`);
    await waitReady(service);
    const state = async (name: string) => ((await httpJson(service!.port, '/v1/sources')).body.sources as Array<{ provider: string; state: string }>).find((s) => s.provider === name)?.state;
    await waitFor('the news stream', async () => (await state('alpaca-news')) === 'running', 30_000, 100);

    // The news goes out once the files are read, so every TSLA article comes after its tweets and
    // the last TSLA composite is deterministic (news and files race otherwise).
    await waitFor('the file sources', async () => (await state('social-file')) === 'done' && (await state('cboe-vix-file')) === 'done', 60_000, 200);
    sim.publish(NEWS);
    sim.sendRaw('[{"T":"n","id":');
    sim.sendRaw(JSON.stringify([{ ...NEWS[0], id: 999_999_001, created_at: 'not a time' }]));

    // What the inputs must give, computed from the same files through the domain mapping.
    const socialProvider = `file:${basename(socialFile)}`;
    const socialDocs: AltDocument[] = [];
    parseSocialCsv(readFileSync(socialFile, 'utf8')).forEach(({ row }, i) => {
      try {
        socialDocs.push(socialDocument(row, i, { provider: socialProvider, time: { mode: 'tweet-id' }, maxSymbols: 10 }));
      } catch {
        /* the rows without a status id: dead-lettered, counted below */
      }
    });
    // A document counts once in the composites (the first row with its id); re-sent ones are only re-scored.
    const firstSeen = <D extends { id: string }>(docs: D[]) => docs.filter((d, i) => docs.findIndex((o) => o.id === d.id) === i);
    const socialRecords = socialDocs.reduce((n, d) => n + d.symbols.length, 0);
    const newsRecords = NEWS.reduce((n, a) => n + new Set(a.symbols).size, 0);
    const composites = [...firstSeen(socialDocs), ...NEWS.map((a) => ({ id: String(a.id), symbols: [...new Set(a.symbols)] }))].reduce((n, d) => n + d.symbols.length, 0);
    const symbols = new Set([...socialDocs.flatMap((d) => d.symbols), ...NEWS.flatMap((a) => a.symbols)]);

    let signals: AltSignalRecord[] = [];
    const ours = (s: AltSignalRecord) => s.provider === socialProvider || (s.provider === 'alpaca-news' && NEWS.some((a) => String(a.id) === s.sourceId)) || s.provider === 'composite';
    await waitFor('every signal', async () => {
      signals = (await read<AltSignalRecord>(TOPICS.altSignals, start.signals)).filter(ours);
      return signals.filter((s) => s.signal !== 'composite').length >= socialRecords + newsRecords && signals.filter((s) => s.signal === 'composite').length >= composites;
    }, 90_000, 1000);
    expect(signals.filter((s) => s.signal === 'social_sentiment')).toHaveLength(socialRecords);
    expect(signals.filter((s) => s.signal === 'news_sentiment')).toHaveLength(newsRecords);
    const composite = signals.filter((s) => s.signal === 'composite');
    expect(composite).toHaveLength(composites);
    expect(new Set(composite.map((s) => s.symbol))).toEqual(symbols);
    expect(composite.every((s) => s.value >= -1 && s.value <= 1 && s.observations === Object.keys(s.components).length)).toBe(true);
    // TSLA is in both the news and the social source: its last composite combines them.
    const tsla = composite.filter((s) => s.symbol === 'TSLA');
    expect(Object.keys(tsla[tsla.length - 1].components).sort()).toEqual(['news_sentiment', 'social_sentiment']);

    const vix = (await read<VixRegimeRecord>(TOPICS.vixRegime, start.vix)).filter((r) => r.symbol === vixSymbol);
    const L = 'LOW', N = 'NORMAL', E = 'ELEVATED', H = 'HIGH', X = 'EXTREME', C = 'CRISIS';
    expect(vix.map((r) => r.regime)).toEqual([L, L, L, L, L, L, L, L, L, L, L, L, L, N, H, C, X, X, H, H, H, X, H, H, H, H, H, E, E]);
    expect(vix.filter((r) => r.changed)).toHaveLength(8);
    expect(vix[15]).toMatchObject({ value: 40.74, previousRegime: 'HIGH', regime: 'CRISIS', provider: 'cboe-vix-file', eventTime: Date.parse('2015-08-24T20:15:00Z') * 1000 });

    const letters = (await read<DeadLetterRecord>(TOPICS.deadLetter, start.dlq)).filter((d) => d.stage === 'alt-data-aggregator');
    const fromNews = letters.filter((d) => d.sourceLocation === `alpaca-news ${sim.url}`);
    expect(fromNews.map((d) => d.reason)).toEqual([expect.stringMatching(/^frame is not JSON/), expect.stringMatching(/^news message 999999001: .*not a time/)]);
    expect(fromNews[0].payload.toString()).toBe('[{"T":"n","id":');
    expect(letters.filter((d) => d.sourceLocation?.startsWith(`${socialFile}:`)).map((d) => d.reason)).toEqual([
      expect.stringMatching(/no tweet status id/), expect.stringMatching(/no tweet status id/),
    ]);

    expect(await metricValue(service.port, 'md_altdata_messages_total', { provider: 'alpaca-news' })).toBe(NEWS.length);
    expect(await metricValue(service.port, 'md_altdata_rejected_total', { provider: 'alpaca-news' })).toBe(2);
    expect(await metricValue(service.port, 'md_altdata_last_message_age_seconds', { provider: 'social-file' })).toBeGreaterThanOrEqual(0);

    expect(await stopService(service)).toBe(0);
    const log = readFileSync(service.logFile, 'utf8');
    service = undefined;
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(KEY);
  });

  it('starts with no source configured, says so, and stays ready', async () => {
    const idle = await startService('alt-data-aggregator', {}, `test-${run}-alt-data-idle`);
    try {
      await waitReady(idle);
      expect((await httpJson(idle.port, '/v1/sources')).body).toEqual({ sources: [] });
      await waitFor('the log line', () => readFileSync(idle.logFile, 'utf8').includes('no alternative-data source is configured'), 10_000, 100);
      expect((await httpJson(idle.port, '/ready')).status).toBe(200);
    } finally {
      expect(await stopService(idle)).toBe(0);
    }
  });
});
