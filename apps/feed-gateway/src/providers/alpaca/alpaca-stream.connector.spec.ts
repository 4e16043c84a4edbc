import { join } from 'node:path';
import type { RawBar } from '@md/contracts';
import { waitFor } from '@md/testing';
import { type AlpacaSimulatorOptions, AlpacaStreamSimulator, alpacaFuzzFrames, recordedBars } from '@md/simulators';
import { MemorySink, type StreamLogger } from '@md/ingest';
import { DBB_MINUTE_FILE, fixturesDir } from '@md/fixtures';
import { AlpacaStreamConnector } from './alpaca-stream.connector';
import type { AlpacaStreamMetrics, ReconnectReason } from './alpaca-stream.metrics';
import type { AlpacaStreamOptions } from './alpaca-stream.options';

const KEY = 'PKCONNECTORKEY42';
const SECRET = 'connector-secret-4242';
const BARS = recordedBars(join(fixturesDir(), DBB_MINUTE_FILE), 'DBB', 600);
const key = (b: RawBar) => `${b.symbol}|${b.eventTime}`;

class CapturingLogger implements StreamLogger {
  readonly lines: string[] = [];
  log = (m: string) => void this.lines.push(m);
  warn = (m: string) => void this.lines.push(m);
  error = (m: string) => void this.lines.push(m);
}

class CountingMetrics implements AlpacaStreamMetrics {
  readonly messages: Record<string, number> = {};
  readonly reconnects: Partial<Record<ReconnectReason, number>> = {};
  readonly latencies: number[] = [];
  backfilledBars = 0;
  message = (type: string) => void (this.messages[type] = (this.messages[type] ?? 0) + 1);
  reconnect = (reason: ReconnectReason) => void (this.reconnects[reason] = (this.reconnects[reason] ?? 0) + 1);
  lastMessageAge = () => undefined;
  publishLatency = (seconds: number) => void this.latencies.push(seconds);
  backfilled = (bars: number) => void (this.backfilledBars += bars);
}

describe('Alpaca stream connector against the simulator', () => {
  let sim: AlpacaStreamSimulator;
  let connector: AlpacaStreamConnector;
  let sink: MemorySink;
  let logger: CapturingLogger;
  let metrics: CountingMetrics;

  async function setUp(simOptions: Partial<AlpacaSimulatorOptions> = {}, options: Partial<AlpacaStreamOptions> = {}): Promise<void> {
    sim = await AlpacaStreamSimulator.start({ key: KEY, secret: SECRET, bars: BARS, ...simOptions });
    logger = new CapturingLogger();
    metrics = new CountingMetrics();
    sink = new MemorySink();
    connector = new AlpacaStreamConnector({
      baseUrl: sim.url, keyId: KEY, secretKey: SECRET, symbols: { bars: ['DBB'] },
      backoff: { initialMs: 10, maxMs: 100 }, connectionLimitDelayMs: 300, pingIntervalMs: 100, pongTimeoutMs: 300, handshakeTimeoutMs: 2000,
      dataTimeout: { minMs: 60_000, maxMs: 60_000, gapMultiple: 10, rateWindowMs: 60_000 }, expectData: () => true, watchdogTickMs: 50,
      backfill: sim.historical(), maxBackfillMs: 10 * 365 * 24 * 3600_000, logger, metrics, ...options,
    });
  }

  afterEach(async () => {
    await connector?.stop();
    await sim?.close();
  });

  const delivered = () => new Set(sink.bars().map(key));
  const streamed = (n: number) => waitFor(`session ${n} streaming`, () => connector.status().streamed === n && connector.status().state === 'streaming', 10_000, 10);

  it('delivers every bar of the recording exactly as recorded, and an updated bar as a higher revision', async () => {
    const updated = { ...BARS[10], close: BARS[10].high, volume: BARS[10].volume + 5 };
    await setUp({ updatedBars: [updated] }, { symbols: { bars: ['DBB'], updatedBars: ['DBB'] } });
    await connector.start(sink);
    sim.emitNext(Infinity);
    await waitFor('every bar', () => sink.bars().length === BARS.length + 1, 10_000, 10);
    const originals = sink.bars().filter((b) => b.revision === 0);
    expect(originals.map(({ ingestTime: _, ...b }) => b)).toEqual(BARS.map(({ ingestTime: _, ...b }) => b));
    const revised = sink.bars().find((b) => b.revision > 0)!;
    expect(revised).toMatchObject({ eventTime: BARS[10].eventTime, close: BARS[10].high, volume: updated.volume });
    expect(metrics.messages).toMatchObject({ b: BARS.length, u: 1, success: 2, subscription: 2 });
    expect(metrics.latencies).toHaveLength(BARS.length);
    expect(sink.rejected).toEqual([]);
  });

  it('survives 5 disconnects, a 406 and a silent socket: every bar delivered, resubscribed each time, reconnects counted by reason', async () => {
    await setUp();
    await connector.start(sink);
    let sent = 0;
    const emit = (n: number) => (sent += sim.emitNext(n));
    const caughtUp = () => waitFor(`bar ${sent}`, () => delivered().has(key(BARS[sent - 1])), 10_000, 10);

    for (let i = 0; i < 5; i++) {
      emit(50);
      await caughtUp();
      sim.dropConnections();
      emit(50); // sent while the connector is away: only the backfill can bring these
      await streamed(i + 2);
    }
    emit(50);
    await caughtUp();
    const refusedAt = sim.counters.connections;
    sim.refuseNextWith(406);
    sim.dropConnections();
    emit(50);
    await streamed(7);
    emit(50);
    await caughtUp();
    sim.goSilent(60_000); // no data and no pongs: a dead peer behind an open socket
    emit(50);
    await streamed(8);
    emit(Infinity);

    await waitFor('every bar of the recording', () => BARS.every((b) => delivered().has(key(b))), 10_000, 10);
    expect(connector.status().reconnects).toEqual({ server_closed: 6, connection_limit: 1, pong_timeout: 1 });
    expect(metrics.reconnects).toEqual(connector.status().reconnects);
    const [refused, next] = sim.counters.connectedAt.slice(refusedAt, refusedAt + 2);
    expect(next - refused).toBeGreaterThanOrEqual(290); // waited out the stale session (300 ms here), no storm
    expect(sim.counters.subscriptions).toBe(8); // one subscribe per streaming session
    expect(sim.sessions().map((s) => s.subscriptions.bars)).toEqual([['DBB']]);
    expect(sim.counters.historicalRequests).toBe(7); // a backfill after every reconnect
    expect(connector.status().backfilledBars).toBeGreaterThanOrEqual(7 * 50);
    expect(sink.rejected).toEqual([]);
  });

  it('reconnects a stalled feed (pongs, no data) on the data timeout, but not a quiet market', async () => {
    let open = true;
    const dataTimeout = { minMs: 200, maxMs: 200, gapMultiple: 10, rateWindowMs: 60_000 };
    await setUp({}, { dataTimeout, expectData: () => open });
    await connector.start(sink);
    sim.emitNext(5);
    sim.goSilent(60_000, { pongs: true });
    await streamed(2);
    expect(connector.status().reconnects).toEqual({ data_timeout: 1 });

    open = false;
    await new Promise((r) => setTimeout(r, 600)); // proving an absence: three timeouts' worth of silence
    expect(connector.status().reconnects).toEqual({ data_timeout: 1 });
  });

  it('stops on 402 with a clear error and does not retry', async () => {
    await setUp({}, { secretKey: 'wrong-secret-9999' });
    await expect(connector.start(sink)).rejects.toThrow(/error 402 auth failed: check keyId and secretKey/);
    expect(connector.status()).toMatchObject({ state: 'failed', reason: expect.stringMatching(/402/) });
    await new Promise((r) => setTimeout(r, 300)); // proving an absence: longer than any backoff here
    expect(sim.counters.connections).toBe(1);
    expect(logger.lines.join('\n')).toMatch(/402/);
  });

  it('stops on 409 when the plan does not include the feed', async () => {
    await setUp({ feeds: ['iex'] }, { feed: 'sip' });
    await expect(connector.start(sink)).rejects.toThrow(/error 409 insufficient subscription: the plan does not include this feed/);
  });

  it('keeps the symbols accepted under a 405 and reports the rest, after every reconnect too', async () => {
    const symbols = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'];
    await setUp({ symbolLimit: 3, bars: symbols.map((symbol) => ({ ...BARS[0], symbol })) }, { symbols: { bars: symbols }, subscribeBatch: 5 });
    await connector.start(sink);
    expect(connector.status()).toMatchObject({ subscriptions: { bars: ['AAA', 'BBB', 'CCC'] }, overLimit: { bars: ['DDD', 'EEE'] } });
    expect(logger.lines.join('\n')).toMatch(/symbol limit exceeded \(405\).*DDD.*EEE/);
    sim.dropConnections();
    await streamed(2);
    expect(sim.sessions()[0].subscriptions.bars).toEqual(['AAA', 'BBB', 'CCC']);
    sim.emitNext(Infinity);
    await waitFor('three bars', () => sink.bars().length === 3, 10_000, 10);
    expect(sink.bars().map((b) => b.symbol).sort()).toEqual(['AAA', 'BBB', 'CCC']);
  });

  it('works over MessagePack with header authentication, keeping microsecond trade times', async () => {
    const trade = { symbol: 'DBB', provider: 'alpaca', eventTime: BARS[0].eventTime + 1_234_567, ingestTime: 0, price: '17.91000000', size: 10, exchange: 'V', tradeId: '123456789', conditions: ['@'], tape: 'B', correction: 'NONE' as const };
    await setUp({ trades: [trade] }, { encoding: 'msgpack', authVia: 'headers', symbols: { bars: ['DBB'], trades: ['DBB'] } });
    await connector.start(sink);
    expect(sim.sessions()[0]).toMatchObject({ msgpack: true, authenticated: true });
    sim.emitNext(Infinity);
    await waitFor('every bar and the trade', () => sink.records.length === BARS.length + 1, 10_000, 10);
    expect(sink.records.find((r) => r.kind === 'trade')?.value).toMatchObject({ eventTime: trade.eventTime, price: trade.price, tradeId: '123456789', correction: 'NONE' });
    expect(sink.bars().map((b) => b.close)).toEqual(BARS.map((b) => b.close));
  });

  it('shows the provider-time to Kafka-ack latency of the records it published in status()', async () => {
    // A fixed clock: trade k was made k ms before it was acknowledged (k = 1..100).
    const nowMs = Math.floor(BARS[0].eventTime / 1000) + 3_600_000;
    const trades = Array.from({ length: 100 }, (_, i) => ({
      symbol: 'DBB', provider: 'alpaca', eventTime: (nowMs - (i + 1)) * 1000, ingestTime: 0, price: '17.91000000', size: 10,
      exchange: 'V', tradeId: String(i + 1), conditions: ['@'], tape: 'C', correction: 'NONE' as const,
    }));
    await setUp({ bars: [], trades }, { symbols: { trades: ['DBB'] }, now: () => nowMs });
    expect(connector.status().publishLatencyMs).toBeNull();
    await connector.start(sink);
    sim.emitNext(Infinity);
    await waitFor('every trade', () => connector.status().published === 100, 10_000, 10);
    expect(connector.status().publishLatencyMs).toEqual({ window: 65_536, records: 100, p50: 51, p99: 100, p999: 100, max: 100 });
    expect(metrics.latencies.map((s) => Math.round(s * 1000)).sort((a, b) => a - b)).toEqual(trades.map((_, i) => i + 1));
  });

  it('rejects each of 1,000 fuzzed frames exactly once with a reason, and keeps streaming', async () => {
    await setUp();
    await connector.start(sink);
    const frames = alpacaFuzzFrames(1000);
    frames.forEach((frame) => sim.sendRaw(frame));
    await waitFor('1,000 rejections', () => sink.rejected.length === 1000, 20_000, 20);
    expect(sink.rejected.map((r) => Buffer.from(r.payload))).toEqual(frames.map((f) => Buffer.from(f)));
    expect(sink.rejected.every((r) => r.reason.length > 0 && r.source === `alpaca-stream ${sim.url}/v2/iex`)).toBe(true);
    expect(sink.records).toEqual([]);
    sim.emitNext(1);
    await waitFor('a bar after the fuzz', () => sink.bars().length === 1, 10_000, 10);
    expect(connector.status()).toMatchObject({ state: 'streaming', rejected: 1000 });
    expect(connector.status().reconnects).toEqual({});
    expect(metrics.messages.rejected).toBe(1000);
  });

  it('keeps the key and secret out of every log line, status and rejection reason', async () => {
    await setUp({}, { authVia: 'message' });
    await connector.start(sink);
    sim.sendRaw(`[{"T":"${SECRET}"}]`); // a server echoing the secret back
    sim.sendRaw(`[{"T":"b","S":"${KEY}"}]`);
    await waitFor('two rejections', () => sink.rejected.length === 2, 10_000, 10);
    sim.dropConnections();
    await streamed(2);
    await connector.stop();
    const wrong = new AlpacaStreamConnector({ baseUrl: sim.url, keyId: KEY, secretKey: 'wrong-Secret-777', symbols: { bars: ['DBB'] }, logger });
    await expect(wrong.start(new MemorySink())).rejects.toThrow(/402/);
    const seen = [...logger.lines, ...sink.rejected.map((r) => r.reason), JSON.stringify(connector.status()), JSON.stringify(wrong.status())].join('\n');
    for (const secret of [KEY, SECRET, 'wrong-Secret-777', Buffer.from(SECRET).toString('base64')]) expect(seen).not.toContain(secret);
    expect(seen).toContain('[redacted]');
  });
});
