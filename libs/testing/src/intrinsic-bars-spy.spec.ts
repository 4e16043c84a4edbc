import { valueSchemaOf } from '@md/kafka';
import { type IntrinsicBarRecord, TOPICS, type TradeRecord } from '@md/contracts';
import { IntrinsicBarBuilder, type IntrinsicBarSpec, type IntrinsicBarSpecInput, parseIntrinsicBarSpec } from '@md/intrinsic-bars';
import { checkIntrinsicBars } from './intrinsic-bars-oracle';
import { type SpyTrade, readSpyTrades } from './spy-ticks';

// Every SPY trade of 2013-10-07 (fixtures/lean/tick/spy, QuantConnect LEAN sample data):
// 241,020 trades, 77,056,459 shares, about $12.94 billion. Thresholds sized for that day: about
// 240 tick bars, 77 volume bars, 129 dollar bars; imbalance and run bars warm up on 1,000 trades.
// Bar counts: a fixed threshold X over a day total D gives floor(D / X) bars at most, and at
// least floor(D / (X + the largest single trade)) since each bar overshoots by less than a trade
// (largest SPY print that day: 100,000 shares, under $17M).
const SPECS: Array<[IntrinsicBarSpecInput, number, number]> = [
  [{ kind: 'tick', threshold: 1000 }, 241, 241],
  [{ kind: 'volume', threshold: 1_000_000 }, Math.floor(77_056_459 / 1_100_000), 77],
  [{ kind: 'dollar', threshold: 100_000_000 }, Math.floor(12_939_130_654 / 117_000_000), 129],
  [{ kind: 'tick_imbalance', initialExpectedTicks: 1000 }, 50, 241_020 / 2],
  [{ kind: 'volume_imbalance', initialExpectedTicks: 1000 }, 50, 241_020 / 2],
  [{ kind: 'dollar_imbalance', initialExpectedTicks: 1000 }, 50, 241_020 / 2],
  [{ kind: 'tick_run', initialExpectedTicks: 1000 }, 50, 241_020 / 2],
  [{ kind: 'volume_run', initialExpectedTicks: 1000 }, 50, 241_020 / 2],
  [{ kind: 'dollar_run', initialExpectedTicks: 1000 }, 50, 241_020 / 2],
];

let trades: SpyTrade[];
beforeAll(async () => {
  trades = await readSpyTrades();
});

function build(spec: IntrinsicBarSpecInput, from: readonly SpyTrade[], builder = IntrinsicBarBuilder.create(spec)): { bars: IntrinsicBarRecord[]; builder: IntrinsicBarBuilder } {
  const bars: IntrinsicBarRecord[] = [];
  for (const t of from) bars.push(...builder.push(t));
  return { bars, builder };
}

describe('built bars and the md.bars.intrinsic.v1 schema', () => {
  it('carry exactly the schema fields, and a raw trade record feeds the builder as it is', () => {
    const record: TradeRecord = { ...trades[0], exchange: null, tradeId: null, conditions: [], tape: null, correction: 'NONE' };
    const [bar] = IntrinsicBarBuilder.create({ kind: 'tick', threshold: 1 }).push(record);
    expect(Object.keys(bar).sort()).toEqual(valueSchemaOf(TOPICS.intrinsicBars).fields.map((f) => f.name).sort());
    expect(bar.volume).toBe(record.size);
  });
});

describe('the SPY trade file', () => {
  it('holds the whole day, in time order, with no bad print flagged', () => {
    expect(trades).toHaveLength(241_020);
    expect(trades.reduce((v, t) => v + t.size, 0)).toBe(77_056_459);
    expect(trades.every((t, i) => i === 0 || t.eventTime >= trades[i - 1].eventTime)).toBe(true);
    expect(trades.filter((t) => t.suspicious)).toHaveLength(0);
    expect(new Date(trades[0].eventTime / 1000).toISOString()).toBe('2013-10-07T13:30:00.094Z');
  });
});

describe.each(SPECS.map(([input, fewest, most]) => [input.kind, input, fewest, most] as const))('intrinsic bars over the SPY day: %s', (_, input, fewest, most) => {
  const spec: IntrinsicBarSpec = parseIntrinsicBarSpec(input);
  let bars: IntrinsicBarRecord[];
  let builder: IntrinsicBarBuilder;
  beforeAll(() => ({ bars, builder } = build(spec, trades)));

  it('partitions the day: contiguous bars, each closing on the trade that crosses its threshold, volume and dollar value conserved', () => {
    expect(bars.length).toBeGreaterThanOrEqual(fewest);
    expect(bars.length).toBeLessThanOrEqual(most);
    expect(checkIntrinsicBars(spec, trades, bars, builder.openBar())).toEqual([]);
    expect(builder.stats()).toMatchObject({ trades: trades.length, bars: bars.length, corrected: 0, cancelled: 0 });
  });

  it('has no zero-volume bar and no repeated seq', () => {
    expect(bars.filter((b) => b.volume <= 0)).toEqual([]);
    expect(new Set(bars.map((b) => b.seq)).size).toBe(bars.length);
  });

  it('continues bit-identically after a restart from JSON at any of several points of the day', () => {
    for (const split of [500, 1000, 120_001]) { // mid warm-up, just after it, midday
      const first = build(spec, trades.slice(0, split));
      const restored = IntrinsicBarBuilder.fromJSON(JSON.parse(JSON.stringify(first.builder.toJSON())), input);
      const second = build(spec, trades.slice(split), restored);
      expect([...first.bars, ...second.bars]).toEqual(bars);
      expect(second.builder.toJSON()).toEqual(builder.toJSON());
    }
  });
});

describe('the oracle catches wrong bars', () => {
  it('reports a bar that closed one trade late and a lost trade', () => {
    const spec = parseIntrinsicBarSpec({ kind: 'volume', threshold: 1_000_000 });
    const { bars, builder } = build(spec, trades);
    const late = bars.map((b) => ({ ...b }));
    late[3] = { ...late[3], ticks: late[3].ticks + 1 };
    expect(checkIntrinsicBars(spec, trades, late, builder.openBar()).join('\n')).toMatch(/bar 3: trade \d+ of \d+ already reached the threshold/);
    expect(checkIntrinsicBars(spec, trades.slice(1), bars, builder.openBar()).join('\n')).toMatch(/volume not conserved/);
  });

  it('reports imbalance bars whose threshold was crossed early, never reached, or out of bounds', () => {
    const spec = parseIntrinsicBarSpec({ kind: 'tick_imbalance', initialExpectedTicks: 1000 });
    const { bars, builder } = build(spec, trades);
    const withThreshold = (i: number, threshold: number) => bars.map((b) => (b.seq === i ? { ...b, threshold } : b));
    const check = (changed: IntrinsicBarRecord[]) => checkIntrinsicBars(spec, trades, changed, builder.openBar()).join('\n');
    expect(check(withThreshold(5, bars[5].threshold + 1))).toMatch(/bar 5: closed at theta \d+ below/);
    expect(check(withThreshold(5, 1))).toMatch(/bar 5: trade 1 of \d+ already crossed 1/);
    expect(check(withThreshold(5, 1))).toMatch(/bar 5: threshold 1 outside/);
    expect(check(withThreshold(0, bars[0].threshold - 1))).toMatch(/warm-up bar threshold/);
  });
});
