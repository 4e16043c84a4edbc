import { Logger } from '@nestjs/common';
import { WebSocket } from 'ws';
import { expectedDbbBars, waitFor } from '@md/testing';
import { PolygonSimulator, dbbMinuteBars, minuteEvents } from '@md/testing';
import { MemorySink } from '../provider';
import { PolygonStreamConnector, PolygonStreamError, type PolygonStreamOptions } from './polygon-stream.connector';

const KEY = 'pk_live_0123456789abcdef';
const FAST = { backoff: { initialMs: 20, maxMs: 200 }, pingIntervalMs: 50, pongTimeoutMs: 150, handshakeTimeoutMs: 2000 };

describe('Polygon stream connector', () => {
  let sim: PolygonSimulator;
  let connector: PolygonStreamConnector;
  let logged: string[];
  const connect = (options: Partial<PolygonStreamOptions> = {}) =>
    (connector = new PolygonStreamConnector({ url: sim.wsUrl, apiKey: KEY, channels: ['AM.DBB'], ...FAST, ...options }));

  beforeEach(() => {
    logged = [];
    for (const level of ['log', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    }
  });
  afterEach(async () => {
    try {
      await connector?.stop();
    } finally {
      await sim?.stop();
      jest.restoreAllMocks();
    }
  });

  it('delivers every bar of the DBB recording across three dropped connections, resubscribing each time', async () => {
    sim = await PolygonSimulator.start({ apiKey: KEY, eventsPerFrame: 100, faults: { dropAfterFrames: [40, 150, 300] } });
    const sink = new MemorySink();
    await connect({ pingIntervalMs: 1000, pongTimeoutMs: 5000 }).start(sink); // reconnects here come from the drops alone
    const file = expectedDbbBars();
    await waitFor('every bar of the file', () => sink.bars().length >= file.size, 60_000, 20);

    const bars = sink.bars();
    expect(bars.map((b) => b.eventTime)).toEqual(dbbMinuteBars().map((b) => b.t * 1000));
    expect(bars.every((b) => {
      const want = file.get(new Date(b.eventTime / 1000).toISOString())!;
      return [b.open, b.high, b.low, b.close, String(b.volume)].join() === [want.open, want.high, want.low, want.close, want.volume].join();
    })).toBe(true);
    expect(sim.stats).toMatchObject({ drops: 3, connections: 4, subscribes: 4 });
    expect(sink.rejected).toEqual([]);
    expect(logged.join('\n')).not.toContain(KEY);
  });

  it('stops on auth_failed with a clear error that does not carry the key, and does not retry', async () => {
    sim = await PolygonSimulator.start({ apiKey: 'another-key' });
    await expect(connect().start(new MemorySink())).rejects.toThrow(PolygonStreamError);
    const err = await connector.finished.catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^Polygon refused the API key \(auth_failed: authentication failed\): check POLYGON_API_KEY/);
    expect((err as Error).message).not.toContain(KEY);
    expect(logged.join('\n')).not.toContain(KEY);
    expect([connector.stats.connections, sim.stats.authFailures]).toEqual([1, 1]);
  });

  it('dead-letters malformed frames and events with their reasons and keeps the good ones', async () => {
    const bars = dbbMinuteBars().slice(0, 3);
    sim = await PolygonSimulator.start({ apiKey: KEY, stream: minuteEvents('DBB', bars) });
    sim.injectFrame('{"ev":');
    sim.injectFrame(JSON.stringify([{ ev: 'AM', sym: 'DBB', o: 'x' }, { ev: 'LULD', sym: 'DBB' }, ...minuteEvents('DBB', [{ ...bars[0], t: bars[0].t - 60_000 }])]));
    const sink = new MemorySink();
    await connect().start(sink);
    await waitFor('all bars', () => sink.bars().length === 4, 5000, 10);
    expect(sink.rejected.map((r) => [r.payload, r.reason])).toEqual([
      ['{"ev":', expect.stringMatching(/^frame is not JSON/)],
      ['{"ev":"AM","sym":"DBB","o":"x"}', expect.stringMatching(/^minute aggregate: o: Expected number, received string/)],
      ['{"ev":"LULD","sym":"DBB"}', 'unknown event type ev="LULD" (expected status, T, Q or AM)'],
    ]);
    expect(sink.rejected[0].source).toBe(`polygon-stream ${sim.wsUrl}`);
  });

  it('reconnects when the server goes silent (no pong), and loses nothing', async () => {
    const bars = dbbMinuteBars().slice(0, 400);
    sim = await PolygonSimulator.start({ apiKey: KEY, stream: minuteEvents('DBB', bars), eventsPerFrame: 10, frameIntervalMs: 5 });
    const sink = new MemorySink();
    await connect().start(sink);
    await waitFor('some bars', () => sink.bars().length >= 50, 5000, 5);
    sim.goSilent();
    await waitFor('every bar after the reconnect', () => sink.bars().length === bars.length, 10_000, 20);
    expect(sink.bars().map((b) => b.eventTime)).toEqual(bars.map((b) => b.t * 1000));
    expect(logged.some((line) => /no pong or data/.test(line))).toBe(true);
  });

  it('waits out max_connections with backoff until the slot is free', async () => {
    sim = await PolygonSimulator.start({ apiKey: KEY, stream: minuteEvents('DBB', dbbMinuteBars().slice(0, 5)) });
    const squatter = new WebSocket(sim.wsUrl);
    await new Promise((resolve) => squatter.once('message', resolve));
    const sink = new MemorySink();
    const started = connect().start(sink);
    await waitFor('a refused attempt', () => connector.stats.connections >= 2, 5000, 10);
    squatter.close();
    await started;
    await waitFor('the bars', () => sink.bars().length === 5, 5000, 10);
    expect(logged.some((line) => line.includes('max_connections'))).toBe(true);
  });

  it('waits for each publish before reading more frames (back-pressure)', async () => {
    sim = await PolygonSimulator.start({ apiKey: KEY, stream: minuteEvents('DBB', dbbMinuteBars().slice(0, 2000)), eventsPerFrame: 10 });
    const sink = new MemorySink();
    let inFlight = 0;
    let maxInFlight = 0;
    const publish = sink.publish.bind(sink);
    sink.publish = async (records) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 1));
      await publish(records);
      inFlight--;
    };
    await connect().start(sink);
    await waitFor('every bar', () => sink.bars().length === 2000, 20_000, 10);
    expect(maxInFlight).toBe(1);
    expect(connector.stats.maxQueuedBytes).toBeLessThan(2 * 65_536); // about one socket read, not the recording
  });
});
