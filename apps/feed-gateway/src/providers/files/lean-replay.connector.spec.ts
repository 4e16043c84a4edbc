import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { RawBar, TradeRecord } from '@md/contracts';
import { microsToIso } from '@md/market';
import { parseLeanDailyBars, parseLeanMinuteBars } from '@md/providers';
import { readLeanZipText } from '@md/testing';
import { MemoryCheckpointedSink, MemorySink, type CanonicalRecord } from '@md/ingest';
import { LeanReplayConnector, describeLeanFile, type LeanReplayPosition, type ReplayClock } from './lean-replay.connector';
import { fixturesDir } from '@md/fixtures';

// Real data: fixtures/lean (QuantConnect LEAN sample data, Apache-2.0, see its README).
const lean = (path: string) => join(fixturesDir(), 'lean', path);
const MINUTE_0605 = lean('minute/aapl/20140605_trade.zip');
const MINUTE_0609 = lean('minute/aapl/20140609_trade.zip');
const TICKS = lean('tick/spy/20131007_trade.zip');

/** A sink that records each publish and fails the test if a second one starts before the first resolved. */
class CheckingSink extends MemorySink {
  readonly batches: number[] = [];
  readonly publishedAt: number[] = [];
  private inFlight = 0;

  constructor(private readonly clock?: ReplayClock) {
    super();
  }

  override async publish(records: readonly CanonicalRecord[]): Promise<void> {
    if (++this.inFlight > 1) throw new Error('publish called before the previous one resolved');
    await new Promise((resolve) => setImmediate(resolve));
    this.batches.push(records.length);
    this.publishedAt.push(this.clock?.now() ?? 0);
    await super.publish(records);
    this.inFlight--;
  }
}

/** A clock whose sleep only moves time forward. */
function fakeClock(start = 1_700_000_000_000): ReplayClock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return { sleeps, now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) };
}

/** A zip with one stored (uncompressed) entry, as LEAN writes one CSV per zip (APPNOTE 4.3). */
function leanZip(path: string, entry: string, text: string): string {
  const data = Buffer.from(text);
  const name = Buffer.from(entry);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  [[0, 0x04034b50, 4], [4, 20, 2], [12, 0x21, 2], [14, crc, 4], [18, data.length, 4], [22, data.length, 4], [26, name.length, 2]].forEach(([at, v, n]) => local.writeUIntLE(v, at, n));
  const central = Buffer.alloc(46);
  [[0, 0x02014b50, 4], [4, 20, 2], [6, 20, 2], [14, 0x21, 2], [16, crc, 4], [20, data.length, 4], [24, data.length, 4], [28, name.length, 2]].forEach(([at, v, n]) => central.writeUIntLE(v, at, n));
  const end = Buffer.alloc(22);
  const cdOffset = local.length + name.length + data.length;
  [[0, 0x06054b50, 4], [8, 1, 2], [10, 1, 2], [12, central.length + name.length, 4], [16, cdOffset, 4]].forEach(([at, v, n]) => end.writeUIntLE(v, at, n));
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, Buffer.concat([local, name, data, central, name, end]));
  return path;
}

describe('LEAN file layout', () => {
  it('reads kind, ticker and date from the path', () => {
    expect(describeLeanFile(MINUTE_0609)).toMatchObject({ kind: 'minute_trade', symbol: 'AAPL', date: '2014-06-09' });
    expect(describeLeanFile(TICKS)).toMatchObject({ kind: 'tick_trade', symbol: 'SPY', date: '2013-10-07' });
    expect(describeLeanFile(lean('daily/aapl.zip'))).toMatchObject({ kind: 'daily_trade', symbol: 'AAPL', date: null });
  });

  it('refuses a quote file: a LEAN quote bar is not a top-of-book quote', () => {
    expect(() => describeLeanFile(lean('minute/aapl/20140605_quote.zip'))).toThrow(/is not a LEAN trade file: expected minute\/<ticker>\/<yyyyMMdd>_trade.zip/);
  });
});

describe('replaying LEAN bars as fast as possible', () => {
  it('publishes every minute bar of 2014-06-09 exactly as the domain parser reads the file', async () => {
    const sink = new CheckingSink();
    const connector = new LeanReplayConnector({ files: [MINUTE_0609], batchSize: 100, clock: fakeClock() });
    await connector.start(sink);
    const expected = parseLeanMinuteBars(await readLeanZipText(MINUTE_0609), '2014-06-09');
    expect(sink.bars().map(({ eventTime, open, high, low, close, volume }) => ({ eventTime, open, high, low, close, volume }))).toEqual(expected);
    expect(sink.bars()[0]).toMatchObject({ symbol: 'AAPL', timeframe: '1m', provider: 'lean', ingestTime: 1_700_000_000_000_000, tradeCount: null, vwap: null, revision: 0 });
    expect(sink.batches).toEqual([...Array(Math.floor(expected.length / 100)).fill(100), expected.length % 100]);
    expect(connector.summary).toEqual({ lines: expected.length, published: expected.length, rejected: 0 });
  });

  it('publishes the 5,580 daily AAPL bars of 1998-2020 as 1d bars at New York midnight', async () => {
    const sink = new CheckingSink();
    await new LeanReplayConnector({ files: [lean('daily/aapl.zip')] }).start(sink);
    const bars = sink.bars();
    expect(bars).toHaveLength(5580);
    expect(bars.length).toBe(parseLeanDailyBars(await readLeanZipText(lean('daily/aapl.zip'))).length);
    expect(bars[0]).toMatchObject({ timeframe: '1d', open: '13.63000000', close: '16.25000000', volume: 6315000 });
    expect(microsToIso(bars[0].eventTime)).toBe('1998-01-02T05:00:00.000Z');
  });

  // The data README says 241,019 rows: that counts newlines, and the last line has none.
  it('publishes all 241,020 SPY trades of 2013-10-07 with exchange, condition flags and a stable id', async () => {
    const sink = new CheckingSink();
    await new LeanReplayConnector({ files: [TICKS], batchSize: 5000 }).start(sink);
    const trades = sink.records.map((r) => r.value as TradeRecord);
    expect(trades).toHaveLength(241_020);
    expect(sink.rejected).toEqual([]);
    expect(trades[0]).toMatchObject({ symbol: 'SPY', provider: 'lean', price: '167.42000000', size: 100, exchange: 'BATS', conditions: ['20000020'], tradeId: '20131007:1', tape: null, correction: 'NONE' });
    expect(microsToIso(trades[0].eventTime)).toBe('2013-10-07T13:30:00.094Z');
    expect(trades.filter((t) => t.exchange === 'NASDAQ BX')).toHaveLength(15_652);
    expect(sink.batches).toHaveLength(49);
  });
});

describe('replaying LEAN files at N x real time', () => {
  it('spaces minute bars by their event time over 60: one second of clock per bar minute', async () => {
    const clock = fakeClock();
    const sink = new CheckingSink(clock);
    await new LeanReplayConnector({ files: [MINUTE_0605, MINUTE_0609], speed: 60, clock }).start(sink);
    const bars = sink.bars();
    const spanMs = (bars[bars.length - 1].eventTime - bars[0].eventTime) / 1000;
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBeCloseTo(spanMs / 60, 6);
    // Each bar is published no earlier than it is due: first + (its start - first start) / 60.
    let i = 0;
    sink.batches.forEach((n, b) => {
      for (const bar of bars.slice(i, (i += n))) expect(sink.publishedAt[b]).toBeGreaterThanOrEqual(1_700_000_000_000 + (bar.eventTime - bars[0].eventTime) / 1000 / 60 - 1e-6);
    });
  });

  it('refuses a speed that is not positive', () => {
    expect(() => new LeanReplayConnector({ files: [], speed: 0 })).toThrow("speed 0 must be 'max' or a number > 0 (1 = real time)");
  });
});

describe('LEAN lines that cannot be published', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lean-replay-'));

  it('rejects a bad minute line with file:line and the field, and publishes the rest', async () => {
    const file = leanZip(join(dir, 'minute/test/20140609_trade.zip'), '20140609_test_minute_trade.csv', '34200000,1,1,1,1,5\n34260000,1,1,9246.5,1,5\n\n34320000,2,2,2,2,7\n');
    const sink = new MemorySink();
    await new LeanReplayConnector({ files: [file] }).start(sink);
    expect(sink.bars().map((b: RawBar) => b.volume)).toEqual([5, 7]);
    expect(sink.rejected).toEqual([{
      payload: '34260000,1,1,9246.5,1,5',
      reason: 'price "9246.5" is not a whole number of 1/10000 dollars; expected ms since New York midnight,open,high,low,close,volume (prices x10000)',
      source: `${file}:2`,
    }]);
  });

  it('rejects a tick LEAN marks suspicious, and a short tick line', async () => {
    const file = leanZip(join(dir, 'tick/test/20131007_trade.zip'), '20131007_test_Trade_Tick.csv', '34200094,1674200,100,BATS,20000020,1\n34200096,1674200,900\n34200097,1674300,10,ARCA,00000001,0\n');
    const sink = new MemorySink();
    await new LeanReplayConnector({ files: [file] }).start(sink);
    expect(sink.records).toHaveLength(1);
    expect(sink.rejected.map((r) => [r.source, r.reason])).toEqual([
      [`${file}:1`, 'LEAN flags this tick suspicious (a bad print); not published as a trade'],
      [`${file}:2`, 'got 3 fields; expected ms since New York midnight,price*10000,size,exchange,condition flags,suspicious'],
    ]);
  });

  it('stops after the batch in hand when asked, without dropping it', async () => {
    const connector = new LeanReplayConnector({ files: [TICKS], batchSize: 1000 });
    const sink = new MemorySink();
    const publish = sink.publish.bind(sink);
    sink.publish = async (records) => {
      await publish(records);
      if (sink.records.length >= 3000) await connector.stop();
    };
    await connector.start(sink);
    expect(sink.records).toHaveLength(3000);
    expect(connector.summary.published).toBe(3000);
  });

  it('resumed after a crash at any batch, publishes every record and dead letter of several files once', async () => {
    const bad = leanZip(join(dir, 'minute/resume/20140609_trade.zip'), '20140609_resume_minute_trade.csv', '34200000,1,1,1,1,5\n34260000,x,1,1,1,5\n\n34320000,2,2,2,2,7\n34380000,3,3,3,3,y\n');
    const files = [MINUTE_0605, bad, MINUTE_0609];
    const replay = () => new LeanReplayConnector({ files, batchSize: 150, clock: fakeClock() });
    const full = new MemoryCheckpointedSink<LeanReplayPosition>();
    await replay().start(full);
    expect(full.positions.filter((p) => p.file === 1)).toEqual([{ file: 1, lines: 5 }]);
    const identity = (r: CanonicalRecord) => `${(r.value as RawBar).symbol} ${(r.value as RawBar).eventTime}`;
    for (let crashAfter = 0; crashAfter < full.positions.length; crashAfter++) {
      let commits = 0;
      const dying = new (class extends MemoryCheckpointedSink<LeanReplayPosition> {
        override async publish(records: readonly CanonicalRecord[], position: LeanReplayPosition): Promise<void> {
          if (commits++ === crashAfter) throw new Error('killed');
          await super.publish(records, position);
        }
      })();
      await expect(replay().start(dying)).rejects.toThrow('killed');
      const resumed = dying.restart();
      await replay().start(resumed);
      expect(resumed.records.map(identity)).toEqual(full.records.map(identity));
      expect(resumed.rejected.map((r) => r.source)).toEqual([`${bad}:2`, `${bad}:5`]);
    }
  });
});
