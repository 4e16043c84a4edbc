import { Logger } from '@nestjs/common';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { expectedDbbBars, waitFor } from '@md/testing';
import { PolygonSimulator, dbbMinuteBars, minuteEvents } from '@md/simulators';
import { MemorySink } from '@md/ingest';
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

  /** A session of AM events for three symbols, re-timed to end a minute ago (so REST holds all of it as the past). */
  function session(minutesLong: number): ReturnType<typeof minuteEvents> {
    const end = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const real = dbbMinuteBars().slice(0, minutesLong);
    return ['AAA', 'BBB', 'CCC']
      .flatMap((sym, k) => minuteEvents(sym, real.map((b, m) => ({ ...real[(m + 7 * k) % real.length], t: end - (minutesLong - 1 - m) * 60_000 }))))
      .sort((a, b) => Number(a.s) - Number(b.s) || a.sym.localeCompare(b.sym));
  }

  function recordingMetrics() {
    const seen = { messages: {} as Record<string, number>, reconnects: {} as Record<string, number>, backfilled: 0, latencies: [] as number[], ages: [] as number[] };
    const metrics: PolygonStreamOptions['metrics'] = {
      message: (type) => void (seen.messages[type] = (seen.messages[type] ?? 0) + 1),
      reconnect: (reason) => void (seen.reconnects[reason] = (seen.reconnects[reason] ?? 0) + 1),
      lastMessageAge: (age) => void seen.ages.push(age),
      publishLatency: (s) => void seen.latencies.push(s),
      backfilled: (bars) => void (seen.backfilled += bars),
    };
    return { seen, metrics };
  }

  it('backfills over REST what the live clock emitted while it was away, after drops, a refusal and silence', async () => {
    const events = session(60);
    sim = await PolygonSimulator.start({ apiKey: KEY, clock: 'live', stream: events, eventsPerFrame: 6 });
    const sink = new MemorySink();
    const { seen, metrics } = recordingMetrics();
    const backfill = { baseUrl: sim.restUrl, budget: { requests: 10_000, perMs: 1000, burst: 100 }, backoff: { initialMs: 5, maxMs: 20 } };
    await connect({ channels: ['AM.AAA', 'AM.BBB', 'AM.CCC', 'T.AAA'], backfill, metrics, pingIntervalMs: 100, pongTimeoutMs: 300 }).start(sink);
    // Streaming once the server acknowledged every channel: what is emitted before that is missed.
    const streaming = () => connector.status().state === 'streaming' && connector.status().acknowledged.length === 4;
    await waitFor('the subscription', streaming, 5000, 5);
    const faults: Array<[string, () => void]> = [
      ['server_closed', () => sim.dropConnections()],
      ['max_connections', () => { sim.refuseNext(); sim.dropConnections(); }],
      ['pong_timeout', () => sim.goSilent()],
      ['server_closed', () => sim.dropConnections()],
    ];
    for (const [reason, fault] of faults) {
      sim.emitNext(events.length / 6); // heard live
      await waitFor('the live slice', () => sink.bars().length >= sim.played - sim.stats.missed, 5000, 5);
      const before = seen.reconnects[reason] ?? 0;
      fault();
      sim.emitNext(events.length / 12); // missed: the client is away
      await waitFor(`a ${reason} reconnect`, () => (seen.reconnects[reason] ?? 0) > before, 10_000, 5);
      await waitFor('streaming again', streaming, 10_000, 5);
    }
    sim.emitNext(events.length);
    const want = new Set(events.map((e) => `${e.sym}@${Number(e.s) * 1000}`));
    const have = () => new Set(sink.bars().map((b) => `${b.symbol}@${b.eventTime}`));
    await waitFor('every bar, live or backfilled', () => [...want].every((k) => have().has(k)), 10_000, 20);
    await waitFor('one finished backfill per reconnect', () => connector.status().backfills === connector.status().streamed - 1, 10_000, 20);

    const status = connector.status();
    expect(sim.stats.missed).toBeGreaterThan(0);
    expect(status).toMatchObject({ state: 'streaming', backfillSymbols: ['AAA', 'BBB', 'CCC'], acknowledged: ['AM.AAA', 'AM.BBB', 'AM.CCC', 'T.AAA'] });
    expect(status.reconnects).toMatchObject({ server_closed: expect.any(Number), max_connections: 1, pong_timeout: 1 });
    expect(status.backfilledBars).toBe(seen.backfilled);
    expect(seen.backfilled).toBeGreaterThanOrEqual(sim.stats.missed);
    expect(status.lastBackfill).toMatchObject({ error: null });
    expect(seen.messages.AM).toBe(sink.bars().length - seen.backfilled);
    expect(Math.min(...seen.latencies)).toBeGreaterThan(0); // re-timed bars ended at least a minute ago
    expect(sink.rejected).toEqual([]);
    expect(logged.join('\n')).not.toContain(KEY);
  });

  it('reconnects when the socket answers pings but data stops while data is expected (data timeout)', async () => {
    const events = session(30);
    sim = await PolygonSimulator.start({ apiKey: KEY, clock: 'live', stream: events, eventsPerFrame: 3 });
    const { seen, metrics } = recordingMetrics();
    const dataTimeout = { minMs: 300, maxMs: 600, gapMultiple: 10, rateWindowMs: 60_000 };
    await connect({ channels: ['AM.AAA'], metrics, dataTimeout, dataExpected: 'always', watchdogTickMs: 20, pingIntervalMs: 50, pongTimeoutMs: 5000 }).start(new MemorySink());
    sim.emitNext(9);
    sim.goSilent({ pongs: true });
    await waitFor('a data_timeout reconnect', () => seen.reconnects.data_timeout === 1, 5000, 10);
    expect(seen.reconnects.pong_timeout).toBeUndefined();
    expect(connector.status().reason).toMatch(/^data_timeout: no data for \d+ ms while data is expected$/);
  });

  it('does not take a quiet feed outside the expected hours for a dead one', async () => {
    sim = await PolygonSimulator.start({ apiKey: KEY, clock: 'live', stream: session(5), eventsPerFrame: 3 });
    const { seen, metrics } = recordingMetrics();
    const dataTimeout = { minMs: 50, maxMs: 100, gapMultiple: 10, rateWindowMs: 60_000 };
    const saturday = Date.parse('2024-05-04T15:00:00Z') - Date.now();
    await connect({ channels: ['AM.AAA'], metrics, dataTimeout, watchdogTickMs: 10, now: () => Date.now() + saturday }).start(new MemorySink());
    sim.goSilent({ pongs: true });
    const after = seen.ages.length;
    await waitFor('30 watchdog ticks, three times the longest data timeout', () => seen.ages.length >= after + 30, 5000, 10);
    expect(seen.reconnects).toEqual({});
    expect(connector.status().state).toBe('streaming');
  });

  it('shows its state, channels and failure in status()', async () => {
    sim = await PolygonSimulator.start({ apiKey: 'another-key' });
    const c = connect({ channels: ['AM.DBB', 'Q.DBB'] });
    expect(c.status()).toMatchObject({ state: 'idle', url: sim.wsUrl, channels: ['AM.DBB', 'Q.DBB'], backfillSymbols: [], sessions: 0 });
    await expect(c.start(new MemorySink())).rejects.toThrow(PolygonStreamError);
    expect(c.status()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^Polygon refused the API key/), sessions: 1, streamed: 0 });
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

  it('logs in with the key as it is at each session (a rotated POLYGON_API_KEY_FILE), the old and new keys redacted', async () => {
    // A bare Polygon endpoint that records each login and drops the first session once subscribed.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    const status = (state: string, message: string) => JSON.stringify([{ ev: 'status', status: state, message }]);
    let key = 'pk_before_rotation_0123';
    const logins: string[] = [];
    server.on('connection', (ws) => {
      ws.send(status('connected', 'Connected Successfully'));
      ws.on('message', (data) => {
        const request = JSON.parse(String(data)) as { action: string; params: string };
        if (request.action === 'auth') logins.push(request.params);
        if (request.action === 'auth') return ws.send(status('auth_success', 'authenticated'));
        ws.send(status('success', `subscribed to: ${request.params}`));
        if (logins.length > 1) return ws.send(status('notice', `keys ${logins.join(' ')}`));
        key = 'pk_after_rotation_4567';
        ws.close();
      });
    });
    try {
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
      connector = new PolygonStreamConnector({ url, apiKey: () => key, channels: ['AM.DBB'], ...FAST });
      await connector.start(new MemorySink());
      await waitFor('the notice of the second session', () => logged.some((l) => l.includes('status notice')), 5000, 10);
      expect(logins).toEqual(['pk_before_rotation_0123', 'pk_after_rotation_4567']);
      expect(logged.find((l) => l.includes('status notice'))).toMatch(/keys \[redacted\] \[redacted\]/);
    } finally {
      await connector?.stop();
      server.clients.forEach((ws) => ws.terminate());
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
