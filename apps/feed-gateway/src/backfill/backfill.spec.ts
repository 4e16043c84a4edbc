import { DateTime } from 'luxon';
import type { RawBar } from '@md/contracts';
import { settledRevision } from '@md/market';
import { expectedDbbBars } from '@md/testing';
import { AlpacaRestSimulator, type SimulatedRequest } from '@md/simulators';
import { AlpacaRestClient } from '../providers/alpaca/alpaca-rest.client';
import { MemoryCheckpointedSink, MemorySink, type CanonicalRecord } from '@md/ingest';
import { backfillIdentity, dayWindows, runBackfill, type BackfillJob, type BackfillPosition } from './backfill';

const KEYS = { keyId: 'AKBACKFILL', secretKey: 'backfill-secret' };
/** The simulated plan; the client's budget keeps 5% headroom for network jitter, as a real one should. */
const PLAN = { requests: 100, perMs: 1_000 };
const BUDGET = { requests: 95, perMs: 1_000, burst: 10 };
const nyDate = (us: number) => DateTime.fromMillis(us / 1000, { zone: 'America/New_York' }).toISODate()!;

/** The DBB file as the backfill must deliver it, read independently of the simulator and the client. */
function expectedBars(fromDate: string, toDate: string): Omit<RawBar, 'ingestTime' | 'revision'>[] {
  return [...expectedDbbBars().values()]
    .map((b) => ({
      symbol: 'DBB', timeframe: '1m' as const, provider: 'alpaca', eventTime: Date.parse(b.time) * 1000,
      open: b.open, high: b.high, low: b.low, close: b.close, volume: Number(b.volume), tradeCount: null, vwap: null,
    }))
    .filter((b) => nyDate(b.eventTime) >= fromDate && nyDate(b.eventTime) < toDate);
}

/** Sink bars by key, asserting that a repeated bar (a re-fetched window) carries the same values; each is settled as of its response. */
function distinctBars(sink: { bars(): RawBar[] }): Omit<RawBar, 'ingestTime' | 'revision'>[] {
  const byKey = new Map<string, Omit<RawBar, 'ingestTime' | 'revision'>>();
  for (const { ingestTime, revision, ...bar } of sink.bars()) {
    expect(ingestTime).toBeGreaterThan(0);
    expect(revision).toBe(settledRevision(ingestTime));
    const key = `${bar.symbol} ${bar.eventTime}`;
    if (byKey.has(key)) expect(bar).toEqual(byKey.get(key));
    byKey.set(key, bar);
  }
  return [...byKey.values()].sort((a, b) => a.eventTime - b.eventTime);
}

/** Most requests the simulator saw in any `perMs` window. */
function busiestWindow(log: SimulatedRequest[], perMs: number): number {
  let most = 0;
  for (let hi = 0, lo = 0; hi < log.length; hi++) {
    while (log[hi].atMs - log[lo].atMs > perMs) lo++;
    most = Math.max(most, hi - lo + 1);
  }
  return most;
}

describe('backfill', () => {
  let sim: AlpacaRestSimulator;
  const client = (pageLimit: number) =>
    new AlpacaRestClient({ ...KEYS, baseUrl: sim.url, feed: 'iex', pageLimit, budget: BUDGET, backoff: { initialMs: 20, maxMs: 200 } });
  const job = (fromDate: string, toDate: string, symbols = ['DBB']): BackfillJob =>
    ({ symbols, timeframe: '1m', feed: 'iex', fromDate, toDate, skipClosedDays: true });

  beforeEach(async () => {
    sim = await AlpacaRestSimulator.start({ ...KEYS, rateLimit: { ...PLAN, windowMs: PLAN.perMs, enforce: true } });
  });
  afterEach(() => sim.stop());

  it('splits New York days, 23 hours on the spring DST day, and skips closed days', () => {
    const all = dayWindows('2024-03-08', '2024-03-12', false);
    expect(all.map((w) => [w.date, (w.toUs - w.fromUs) / 3_600_000_000])).toEqual([['2024-03-08', 24], ['2024-03-09', 24], ['2024-03-10', 23], ['2024-03-11', 24]]);
    expect(dayWindows('2023-07-03', '2023-07-06', true).map((w) => w.date)).toEqual(['2023-07-03', '2023-07-05']);
    expect(() => dayWindows('2023-07-06', '2023-07-03', true)).toThrow(/from < to/);
  });

  it('backfills two years of DBB through paging and 429s: exactly the file, within the plan limit', async () => {
    sim.faults = { rateLimitEvery: 150, retryAfterSeconds: 1 };
    const alpaca = client(100);
    const sink = new MemorySink();
    const began = Date.now();
    const result = await runBackfill(job('2023-07-10', '2025-07-09'), alpaca, sink, {
      onProgress: (p) => p.windowsDone === 250 && sim.startRateLimitBurst(1_200),
    });
    const elapsedMs = Date.now() - began;
    expect(distinctBars(sink)).toEqual(expectedBars('2023-07-10', '2025-07-09'));
    expect(sink.bars()).toHaveLength(38_964);
    expect(result).toMatchObject({ aborted: false, windowsDone: result.windowsTotal, windowsResumed: 0, bars: 38_964, rejected: 0 });
    const counts = sim.countByStatus();
    expect(counts[429]).toBeGreaterThanOrEqual(4);
    expect(alpaca.stats).toMatchObject({ requests: sim.log.length, rateLimited: counts[429] });
    expect(busiestWindow(sim.log, PLAN.perMs)).toBeLessThanOrEqual(PLAN.requests);
    const pagedDays = new Set(sim.log.filter((r) => r.params.page_token).map((r) => r.params.start)).size;
    expect(pagedDays).toBeGreaterThan(50);
    process.stdout.write(`two-year DBB backfill: ${result.windowsTotal} windows, ${sim.log.length} requests, ${counts[429]} answered 429, ` +
      `${pagedDays} days over one page, busiest second ${busiestWindow(sim.log, PLAN.perMs)} requests, ${elapsedMs} ms\n`);
  });

  it('resumes after an interruption mid-window without fetching a completed window or publishing a committed page again', async () => {
    const [fromDate, toDate] = ['2023-07-10', '2023-10-02'];
    const perDay = new Map<string, number>();
    for (const b of expectedBars(fromDate, toDate)) perDay.set(nyDate(b.eventTime), (perDay.get(nyDate(b.eventTime)) ?? 0) + 1);
    const abort = new AbortController();
    let interrupted = '';
    const sink = new (class extends MemoryCheckpointedSink<BackfillPosition> {
      override async publish(records: readonly CanonicalRecord[], position: BackfillPosition): Promise<void> {
        await super.publish(records, position);
        const day = records.length ? nyDate((records[0].value as RawBar).eventTime) : '';
        // Stop after the first page of a day that needs several: that window is left half done.
        if (!interrupted && this.records.length > 1_000 && records.length === 20 && perDay.get(day)! > 20) {
          interrupted = day;
          abort.abort(new Error('interrupted by test'));
        }
      }
    })();
    const first = await runBackfill(job(fromDate, toDate), client(20), sink, { signal: abort.signal });
    const position = sink.positions.at(-1)!;
    expect(first.aborted).toBe(true);
    expect(position.window).toEqual({ date: interrupted, records: 20, rejected: 0 });
    expect(position.completed).not.toContain(interrupted);

    const requestsBefore = sim.log.length;
    const restarted = sink.restart();
    const second = await runBackfill(job(fromDate, toDate), client(20), restarted);
    const refetched = new Set(sim.log.slice(requestsBefore).map((r) => nyDate(Date.parse(r.params.start) * 1000)));
    expect(second).toMatchObject({ aborted: false, windowsResumed: position.completed.length, windowsDone: second.windowsTotal });
    expect(position.completed.filter((d) => refetched.has(d))).toEqual([]);
    expect(refetched.has(interrupted)).toBe(true);
    // What a read_committed consumer sees over both starts: every bar exactly once.
    const keys = restarted.bars().map((b) => b.eventTime);
    expect(new Set(keys).size).toBe(keys.length);
    expect(distinctBars(restarted)).toEqual(expectedBars(fromDate, toDate));

    const requestsDone = sim.log.length;
    const third = await runBackfill(job(fromDate, toDate), client(20), restarted.restart());
    expect(third).toMatchObject({ windowsResumed: third.windowsTotal, bars: 0 });
    expect(sim.log.length).toBe(requestsDone);
  });

  it('keys a job by provider, feed, timeframe and symbols, or by its name', () => {
    const a = backfillIdentity(job('2023-07-10', '2023-07-11', ['spy', 'DBB']), 'alpaca');
    expect(a).toEqual({ key: 'backfill|alpaca|iex|1m|DBB,SPY', params: { provider: 'alpaca', feed: 'iex', timeframe: '1m', symbols: ['DBB', 'SPY'] } });
    expect(backfillIdentity({ ...job('2023-07-10', '2023-07-11'), feed: 'sip' }, 'alpaca').key).not.toBe(backfillIdentity(job('2023-07-10', '2023-07-11'), 'alpaca').key);
    expect(backfillIdentity(job('2023-07-10', '2023-07-11'), 'alpaca', 'history').key).toBe('backfill|history');
  });

  it('dead-letters a malformed item with its reason instead of dropping it', async () => {
    await sim.stop();
    const good = { t: '2023-07-10T13:30:00Z', o: 5, h: 5, l: 5, c: 5, v: 10 };
    sim = await AlpacaRestSimulator.start({ ...KEYS, includeDbb: false, recording: { bars: { BAD: [good, { ...good, t: '2023-07-10T13:31:00Z', v: -3 }] } } });
    const sink = new MemorySink();
    const result = await runBackfill(job('2023-07-10', '2023-07-11', ['BAD']), client(10_000), sink);
    expect(result).toMatchObject({ bars: 1, rejected: 1 });
    expect(sink.rejected).toEqual([expect.objectContaining({ reason: 'v: Number must be greater than or equal to 0', source: expect.stringContaining('symbols=BAD') })]);
    expect(JSON.parse(sink.rejected[0].payload as string).item.v).toBe(-3);
  });
});
