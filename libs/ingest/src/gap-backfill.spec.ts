import type { RawBar, Timeframe } from '@md/contracts';
import { waitFor } from '@md/testing';
import { GapBackfill, mergeGapWindows, type GapBackfillReport, type GapWindow } from './gap-backfill';
import type { HistoricalBars } from './connector';
import { MemorySink } from './record-sink';

const MINUTE_US = 60_000_000;
const T0 = Date.UTC(2024, 4, 1, 13, 30) * 1000;

function bar(symbol: string, eventTime: number): RawBar {
  return { symbol, timeframe: '1m', provider: 'rest', eventTime, ingestTime: eventTime, open: '1', high: '1', low: '1', close: '1', volume: 1, tradeCount: null, vwap: null, revision: 0 };
}

/** A REST stand-in: one bar a minute per symbol, `pageSize` bars a page; each call can be held until released. */
class FakeRest implements HistoricalBars {
  readonly provider = 'rest';
  readonly calls: GapWindow[] = [];
  gate: Promise<void> = Promise.resolve();
  failAfterPages = Infinity;

  async *bars(symbols: readonly string[], _timeframe: Timeframe, fromUs: number, toUs: number): AsyncIterable<RawBar[]> {
    this.calls.push({ symbols, fromUs, toUs });
    await this.gate;
    let pages = 0;
    for (const symbol of symbols) {
      for (let t = fromUs; t < toUs; t += 2 * MINUTE_US) {
        if (pages++ >= this.failAfterPages) throw new Error('HTTP 500: boom');
        yield [bar(symbol, t), ...(t + MINUTE_US < toUs ? [bar(symbol, t + MINUTE_US)] : [])];
      }
    }
  }
}

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('gap backfill', () => {
  it('publishes every bar of the window and reports the count', async () => {
    const rest = new FakeRest();
    const sink = new MemorySink();
    const reports: GapBackfillReport[] = [];
    const backfill = new GapBackfill(rest, sink, { logger: quiet, onDone: (r) => reports.push(r) });
    backfill.request({ symbols: ['AAA', 'BBB'], fromUs: T0, toUs: T0 + 5 * MINUTE_US });
    await backfill.idle();
    expect(sink.bars().map((b) => `${b.symbol}@${(b.eventTime - T0) / MINUTE_US}`)).toEqual(['AAA@0', 'AAA@1', 'AAA@2', 'AAA@3', 'AAA@4', 'BBB@0', 'BBB@1', 'BBB@2', 'BBB@3', 'BBB@4']);
    expect(reports).toEqual([{ window: { symbols: ['AAA', 'BBB'], fromUs: T0, toUs: T0 + 5 * MINUTE_US }, bars: 10, error: null }]);
  });

  it('asks only for finished minutes: the running one comes live, complete', async () => {
    const rest = new FakeRest();
    const backfill = new GapBackfill(rest, new MemorySink(), { logger: quiet, onDone: () => undefined });
    backfill.request({ symbols: ['AAA'], fromUs: T0, toUs: T0 + 2.5 * MINUTE_US });
    backfill.request({ symbols: ['AAA'], fromUs: T0 + 3 * MINUTE_US, toUs: T0 + 3.5 * MINUTE_US });
    await backfill.idle();
    expect(rest.calls).toEqual([{ symbols: ['AAA'], fromUs: T0, toUs: T0 + 2 * MINUTE_US }]);
  });

  it('merges the windows asked for while one runs into one more walk, not one per reconnect', async () => {
    const rest = new FakeRest();
    let release!: () => void;
    rest.gate = new Promise((resolve) => (release = resolve));
    const backfill = new GapBackfill(rest, new MemorySink(), { logger: quiet, onDone: () => undefined });
    backfill.request({ symbols: ['AAA'], fromUs: T0, toUs: T0 + MINUTE_US });
    await waitFor('the first walk to start', () => rest.calls.length === 1, 1000, 1);
    for (let i = 1; i <= 5; i++) backfill.request({ symbols: [i % 2 ? 'AAA' : 'BBB'], fromUs: T0 + i * MINUTE_US, toUs: T0 + (i + 2) * MINUTE_US });
    release();
    await backfill.idle();
    expect(rest.calls).toEqual([
      { symbols: ['AAA'], fromUs: T0, toUs: T0 + MINUTE_US },
      { symbols: ['AAA', 'BBB'], fromUs: T0 + MINUTE_US, toUs: T0 + 7 * MINUTE_US },
    ]);
  });

  it('reports a failed walk with the bars it published before the error', async () => {
    const rest = new FakeRest();
    rest.failAfterPages = 2;
    const errors: string[] = [];
    const sink = new MemorySink();
    const reports: GapBackfillReport[] = [];
    const backfill = new GapBackfill(rest, sink, { logger: { ...quiet, error: (m) => errors.push(m) }, onDone: (r) => reports.push(r) });
    backfill.request({ symbols: ['AAA'], fromUs: T0, toUs: T0 + 10 * MINUTE_US });
    await backfill.idle();
    expect([reports[0].bars, reports[0].error, sink.bars().length]).toEqual([4, 'HTTP 500: boom', 4]);
    expect(errors).toEqual([expect.stringMatching(/^backfill of AAA 2024-05-01T13:30:00.000Z\.\.2024-05-01T13:40:00.000Z failed after 4 bars: HTTP 500: boom$/)]);
  });

  it('ignores empty windows, and after stop() takes no more', async () => {
    const rest = new FakeRest();
    const backfill = new GapBackfill(rest, new MemorySink(), { logger: quiet, onDone: () => undefined });
    backfill.request({ symbols: [], fromUs: T0, toUs: T0 + MINUTE_US });
    backfill.request({ symbols: ['AAA'], fromUs: T0, toUs: T0 });
    await backfill.stop();
    backfill.request({ symbols: ['AAA'], fromUs: T0, toUs: T0 + MINUTE_US });
    await backfill.idle();
    expect(rest.calls).toEqual([]);
  });

  it('merges windows into the smallest one covering both', () => {
    expect(mergeGapWindows({ symbols: ['A', 'B'], fromUs: 5, toUs: 9 }, { symbols: ['B', 'C'], fromUs: 2, toUs: 7 })).toEqual({ symbols: ['A', 'B', 'C'], fromUs: 2, toUs: 9 });
  });
});
