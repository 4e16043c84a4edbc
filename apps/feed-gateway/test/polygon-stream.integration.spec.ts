import { readFileSync } from 'node:fs';
import { LOCAL_STACK } from '@md/config';
import { type RawBar, TOPICS, TOPIC_TABLE } from '@md/contracts';
import { SchemaCodec, createKafka, endOffsets, ensureTopics, readTopicRange } from '@md/kafka';
import { httpJson, metricValue, registerTestSecrets, startService, stopService, uniqueId, waitFor, waitReady, type RunningService } from '@md/testing';
import { PolygonSimulator, dbbMinuteBars, minuteEvents } from '@md/simulators';

// Integration: a 30-minute session of 8 symbols (real DBB OHLCV, re-timed to the last 30 minutes)
// played by the Polygon simulator's live clock to the gateway process as AM events, with five
// dropped connections (one followed by a max_connections refusal), a socket gone silent (no
// pongs) and one that pongs but streams nothing (data timeout). The market moves on while the
// gateway is away: those minutes reach it only through the REST gap backfill. Every bar reaches
// md.raw.bars.v1 with its recorded values (extra copies allowed), the reconnect and backfill
// metrics say what happened, and the API key never reaches the gateway's log.

const KEY = 'pk_integration_stream_key_7f6e5d4c';
const MINUTE_MS = 60_000;
const SYMBOLS = 8;
const MINUTES = 30;

type AmEvent = ReturnType<typeof minuteEvents>[number];

function session(prefix: string): AmEvent[] {
  const real = dbbMinuteBars().filter((b) => b.t >= Date.UTC(2024, 4, 1));
  const end = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
  const events: AmEvent[] = [];
  for (let s = 0; s < SYMBOLS; s++) {
    const bars = real.slice(s * MINUTES, (s + 1) * MINUTES).map((b, m) => ({ ...b, t: end - (MINUTES - 1 - m) * MINUTE_MS }));
    events.push(...minuteEvents(`${prefix}${String.fromCharCode(65 + s)}`, bars));
  }
  return events.sort((a, b) => Number(a.s) - Number(b.s) || a.sym.localeCompare(b.sym));
}

describe('Polygon stream through faults into md.raw.bars.v1 (integration)', () => {
  const prefix = uniqueId('P');
  const events = session(prefix);
  const channels = [...new Set(events.map((e) => `AM.${e.sym}`))];
  let sim: PolygonSimulator;
  let gateway: RunningService | undefined;

  beforeAll(async () => {
    registerTestSecrets(KEY); // the run's teardown scans every service log for it
    sim = await PolygonSimulator.start({ apiKey: KEY, clock: 'live', stream: events, eventsPerFrame: 8 });
  });

  afterAll(async () => {
    if (gateway) await stopService(gateway);
    await sim?.stop();
  });

  it('delivers every bar across drops, a refusal and two kinds of silence, live or through the gap backfill', async () => {
    const kafka = createKafka(`test-${prefix}`, [LOCAL_STACK.kafkaBrokers]);
    await ensureTopics(kafka, TOPIC_TABLE); // this file may be the first to run on a fresh broker
    const start = await endOffsets(kafka, TOPICS.rawBars);
    gateway = await startService('feed-gateway', {
      POLYGON_API_KEY: KEY, POLYGON_CHANNELS: channels.join(','), POLYGON_STREAM_URL: sim.wsUrl, POLYGON_REST_URL: sim.restUrl,
      POLYGON_REQUESTS_PER_MINUTE: '6000', POLYGON_PING_INTERVAL_MS: '300', POLYGON_PONG_TIMEOUT_MS: '500', POLYGON_RECONNECT_MAX_MS: '1000',
      // Data is expected whatever the hour the test runs; the allowed silence is short so one fault takes seconds.
      POLYGON_DATA_EXPECTED: 'always', POLYGON_DATA_TIMEOUT_MIN_MS: '1500', POLYGON_DATA_TIMEOUT_MAX_MS: '2500',
    }, `test-${prefix}-gateway`);
    await waitReady(gateway);
    const polygon = async () => (await httpJson(gateway!.port, '/v1/streams')).body.streams.find((s: { provider: string }) => s.provider === 'polygon');
    // Streaming once the server acknowledged every channel of a session newer than `after`.
    const streamingAfter = (after: number) => async () => {
      const s = await polygon();
      return s?.state === 'streaming' && s.streamed > after && s.acknowledged.length === channels.length;
    };
    await waitFor('the gateway to stream', streamingAfter(0), 30_000, 50);

    // 240 events in 8 slices: a slice heard live, a fault, half a slice emitted while the gateway is
    // away (missed on the socket), then wait until it noticed (its reconnect counter for the expected
    // reason went up) and streams on a new session.
    const reconnects = (reason: string) => metricValue(gateway!.port, 'md_polygon_stream_reconnects_total', { reason });
    const faults: Array<[string, () => void]> = [
      ['server_closed', () => sim.dropConnections()],
      ['server_closed', () => sim.dropConnections()],
      ['max_connections', () => { sim.refuseNext(); sim.dropConnections(); }],
      ['server_closed', () => sim.dropConnections()],
      ['pong_timeout', () => sim.goSilent()],
      ['data_timeout', () => sim.goSilent({ pongs: true })],
      ['server_closed', () => sim.dropConnections()],
    ];
    const slice = events.length / 8;
    for (const [reason, fault] of faults) {
      sim.emitNext(slice / 2);
      const before = await reconnects(reason);
      const session = (await polygon()).streamed;
      fault();
      sim.emitNext(slice / 2);
      await waitFor(`the gateway to see ${reason}`, async () => (await reconnects(reason)) > before, 60_000, 50);
      await waitFor('the gateway to stream again', streamingAfter(session), 60_000, 50);
    }
    sim.emitNext(events.length);
    expect(sim.played).toBe(events.length);

    const want = new Map(events.map((e) => [`${e.sym}@${Number(e.s) * 1000}`, e]));
    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const seen = new Map<string, RawBar>();
    await waitFor('every bar of the session in md.raw.bars.v1', async () => {
      for (const m of await readTopicRange(kafka, TOPICS.rawBars, start)) {
        if (!m.key?.toString().startsWith(prefix)) continue;
        const bar = await codec.decode<RawBar>(TOPICS.rawBars, m.value);
        seen.set(`${bar.symbol}@${bar.eventTime}`, bar);
      }
      return [...want.keys()].every((k) => seen.has(k));
    }, 120_000, 1000);

    // The recorded values, whichever copy came last (live or backfilled: both are the same bar).
    const asRecorded = (e: AmEvent) => [e.o, e.h, e.l, e.c].map((p) => Number(p).toFixed(8)).concat(String(e.v)).join();
    const asPublished = (b: RawBar) => [b.open, b.high, b.low, b.close, String(b.volume)].join();
    expect([...want].filter(([k, e]) => asPublished(seen.get(k)!) !== asRecorded(e))).toEqual([]);
    // A live bar is revision 0; a backfilled copy carries the time its REST answer came (settled-revision.ts).
    const testStartedMs = Date.now() - 10 * 60_000;
    expect([...seen.values()].every((b) => b.provider === 'polygon' && b.timeframe === '1m' && (b.revision === 0 || b.revision > testStartedMs))).toBe(true);
    expect(seen.size).toBe(want.size);

    // What happened, in the metrics: five drops (one followed by a refusal), two silences, and every
    // missed minute recovered by the backfill (it may fetch more: overlaps, and data timeouts while the test reads Kafka).
    expect(sim.stats).toMatchObject({ drops: 5, refused: 1 });
    expect(sim.stats.missed).toBeGreaterThanOrEqual(faults.length * slice / 2);
    expect(await reconnects('server_closed')).toBeGreaterThanOrEqual(5);
    expect(await reconnects('max_connections')).toBe(1);
    expect(await reconnects('pong_timeout')).toBeGreaterThanOrEqual(1);
    expect(await reconnects('data_timeout')).toBeGreaterThanOrEqual(1);
    const backfilled = await metricValue(gateway.port, 'md_polygon_stream_backfilled_bars_total');
    expect(backfilled).toBeGreaterThanOrEqual(sim.stats.missed);
    // An event written into a socket the simulator then drops may never be read, so the live count
    // can fall short of "sent while connected"; live plus backfilled covers every event.
    expect(await metricValue(gateway.port, 'md_polygon_stream_messages_total', { type: 'AM' }) + backfilled).toBeGreaterThanOrEqual(events.length);
    expect(await metricValue(gateway.port, 'md_polygon_stream_publish_latency_seconds_count')).toBeGreaterThan(0);
    const status = await polygon();
    expect(status).toMatchObject({ url: sim.wsUrl, channels, backfillSymbols: channels.map((c) => c.slice(3)), rejected: 0 });
    expect(status.backfills).toBeGreaterThanOrEqual(7);
    expect(status.lastBackfill.error).toBeNull();
    expect(sim.stats.restRequests[401]).toBeUndefined();

    expect(await stopService(gateway)).toBe(0);
    const log = readFileSync(gateway.logFile, 'utf8');
    gateway = undefined;
    expect(log).toContain('backfilled');
    expect(log).not.toContain(KEY);
  });
});
