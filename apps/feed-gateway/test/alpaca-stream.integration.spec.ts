import { readFileSync } from 'node:fs';
import { LOCAL_STACK } from '@md/config';
import { type DeadLetterRecord, type RawBar, TOPICS, TOPIC_TABLE } from '@md/contracts';
import { microsToIso } from '@md/market';
import { SchemaCodec, createKafka, endOffsets, ensureTopics, readTopicRange } from '@md/kafka';
import { dbbRows, registerTestSecrets, httpJson, metricValue, rowsToRawBars, startService, stopService, uniqueId, waitFor, waitReady, type RunningService } from '@md/testing';
import { AlpacaRestSimulator, AlpacaStreamSimulator, alpacaFuzzFrames } from '@md/simulators';

// Integration: a 30-minute session of 20 symbols (real DBB OHLCV, re-timed to the last 30
// minutes) streamed by the Alpaca simulator to the gateway process, with five dropped
// connections, one 406 and one silent socket. Every bar of the recording reaches
// md.raw.bars.v1 (live or through the REST gap backfill; extra copies allowed), and the
// reconnect metrics say what happened. The key and secret never reach the gateway's log.

const KEY = 'AKSTREAMKEY000111';
const SECRET = 'stream-secret-never-logged-42';
const MINUTE_US = 60_000_000;

function session(prefix: string): RawBar[] {
  const real = rowsToRawBars(dbbRows('2024-05-01', '2024-06-30'), 'X');
  const end = Math.floor(Date.now() * 1000 / MINUTE_US) * MINUTE_US - MINUTE_US;
  const bars: RawBar[] = [];
  for (let s = 0; s < 20; s++) {
    const symbol = `${prefix}${String.fromCharCode(65 + s)}`;
    for (let m = 0; m < 30; m++) {
      const src = real[s * 30 + m];
      bars.push({ ...src, symbol, provider: 'alpaca', eventTime: end - (29 - m) * MINUTE_US });
    }
  }
  return bars.sort((a, b) => a.eventTime - b.eventTime || a.symbol.localeCompare(b.symbol));
}

describe('Alpaca stream through faults into md.raw.bars.v1 (integration)', () => {
  const prefix = uniqueId('A');
  const bars = session(prefix);
  let stream: AlpacaStreamSimulator;
  let rest: AlpacaRestSimulator;
  let gateway: RunningService | undefined;

  beforeAll(async () => {
    registerTestSecrets(KEY, SECRET); // the run's teardown scans every service log for them
    stream = await AlpacaStreamSimulator.start({ key: KEY, secret: SECRET, bars, connectionLimit: 1 });
    const items = (symbol: string) => bars.filter((b) => b.symbol === symbol)
      .map((b) => ({ t: microsToIso(b.eventTime).replace('.000Z', 'Z'), o: Number(b.open), h: Number(b.high), l: Number(b.low), c: Number(b.close), v: b.volume }));
    const symbols = [...new Set(bars.map((b) => b.symbol))];
    rest = await AlpacaRestSimulator.start({
      keyId: KEY, secretKey: SECRET, includeDbb: false, recording: { bars: Object.fromEntries(symbols.map((s) => [s, items(s)])) },
      rateLimit: { requests: 100_000, windowMs: 60_000, enforce: false },
    });
  });

  afterAll(async () => {
    if (gateway) await stopService(gateway);
    await stream?.close();
    await rest?.stop();
  });

  it('delivers every bar across 5 drops, a 406 and a silent socket, and counts the reconnects', async () => {
    const kafka = createKafka(`test-${prefix}`, [LOCAL_STACK.kafkaBrokers]);
    await ensureTopics(kafka, TOPIC_TABLE); // this file may be the first to run on a fresh broker
    const start = await endOffsets(kafka, TOPICS.rawBars);
    gateway = await startService('feed-gateway', {
      ALPACA_KEY_ID: KEY, ALPACA_SECRET_KEY: SECRET, ALPACA_BARS: [...new Set(bars.map((b) => b.symbol))].join(','), ALPACA_FEED: 'iex',
      ALPACA_STREAM_URL: stream.url, ALPACA_DATA_URL: rest.url, ALPACA_REQUESTS_PER_MINUTE: '6000',
      ALPACA_CONNECTION_LIMIT_DELAY_MS: '1000', ALPACA_PING_INTERVAL_MS: '300', ALPACA_PONG_TIMEOUT_MS: '500', ALPACA_RECONNECT_MAX_MS: '1000',
    }, `test-${prefix}-gateway`);
    await waitReady(gateway);
    const streaming = async () => (await httpJson(gateway!.port, '/v1/streams')).body.streams[0]?.state === 'streaming';
    await waitFor('the gateway to stream', streaming, 30_000, 100);

    // 600 bars in 7 slices; a fault after each of the first six, the last slice in the clear.
    // After each fault, wait until the gateway has noticed it (its reconnect counter for the
    // expected reason went up) and streams again.
    const reconnects = (reason: string) => metricValue(gateway!.port, 'md_alpaca_stream_reconnects_total', { reason });
    const faults: Array<[string, () => void]> = [
      ['server_closed', () => stream.dropConnections()],
      ['server_closed', () => stream.dropConnections()],
      ['connection_limit', () => { stream.refuseNextWith(406); stream.dropConnections(); }],
      ['server_closed', () => stream.dropConnections()],
      ['pong_timeout', () => stream.goSilent(3000, { pongs: false })],
      ['server_closed', () => stream.dropConnections()],
    ];
    for (const [reason, fault] of faults) {
      stream.emitNext(bars.length / 7);
      const before = await reconnects(reason);
      fault();
      await waitFor(`the gateway to see ${reason}`, async () => (await reconnects(reason)) > before, 60_000, 100);
      await waitFor('the gateway to stream again', async () => (await streaming()) && stream.sessions().some((s) => s.authenticated), 60_000, 100);
    }
    stream.emitNext(bars.length);

    const want = new Set(bars.map((b) => `${b.symbol}@${b.eventTime}`));
    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const seen = new Set<string>();
    await waitFor('every bar of the recording in md.raw.bars.v1', async () => {
      for (const m of await readTopicRange(kafka, TOPICS.rawBars, start)) {
        if (!m.key?.toString().startsWith(prefix)) continue;
        const bar = await codec.decode<RawBar>(TOPICS.rawBars, m.value);
        seen.add(`${bar.symbol}@${bar.eventTime}`);
      }
      return [...want].every((k) => seen.has(k));
    }, 120_000, 2000);

    expect(await reconnects('server_closed')).toBeGreaterThanOrEqual(5);
    expect(await reconnects('connection_limit')).toBe(1);
    expect(await reconnects('pong_timeout')).toBeGreaterThanOrEqual(1);
    expect(await metricValue(gateway.port, 'md_alpaca_stream_backfilled_bars_total')).toBeGreaterThan(0);
    const status = (await httpJson(gateway.port, '/v1/streams')).body.streams[0];
    expect(status.state).toBe('streaming');

    // 1,000 fuzzed frames: nothing crashes, each is counted and dead-lettered with a reason.
    const dlqStart = await endOffsets(kafka, TOPICS.deadLetter);
    const rejectedBefore = await metricValue(gateway.port, 'md_alpaca_stream_messages_total', { type: 'rejected' });
    const frames = alpacaFuzzFrames(1000);
    for (const frame of frames) stream.sendRaw(frame);
    const ours = (letters: DeadLetterRecord[]) => letters.filter((d) => d.stage === 'feed-gateway' && d.sourceLocation?.includes(stream.url));
    let letters: DeadLetterRecord[] = [];
    await waitFor('1,000 dead letters', async () => {
      letters = [];
      for (const m of await readTopicRange(kafka, TOPICS.deadLetter, dlqStart)) letters.push(await codec.decode<DeadLetterRecord>(TOPICS.deadLetter, m.value));
      return ours(letters).length >= 1000;
    }, 60_000, 500);
    expect(ours(letters)).toHaveLength(1000);
    expect(ours(letters).every((d) => d.reason.length > 0)).toBe(true);
    // Each letter carries its frame untouched (an empty frame is an empty payload).
    const b64 = (b: string | Uint8Array) => Buffer.from(b).toString('base64');
    expect(ours(letters).map((d) => b64(d.payload)).sort()).toEqual(frames.map(b64).sort());
    expect((await metricValue(gateway.port, 'md_alpaca_stream_messages_total', { type: 'rejected' })) - rejectedBefore).toBe(1000);
    expect((await httpJson(gateway.port, '/v1/streams')).body.streams[0].state).toBe('streaming');

    expect(await stopService(gateway)).toBe(0);
    const log = readFileSync(gateway.logFile, 'utf8');
    gateway = undefined;
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(KEY);
  });
});
