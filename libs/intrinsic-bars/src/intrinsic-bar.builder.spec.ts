import fc from 'fast-check';
import { ConfigError, type IntrinsicBarRecord, InvalidRecordError } from '@md/contracts';
import type { IntrinsicBarSpecInput } from './intrinsic-bar-spec.schema';
import { IntrinsicBarBuilder } from './intrinsic-bar.builder';
import type { IntrinsicTrade } from './intrinsic-bar';
import { streamOf, trade } from './test-trades.fixture';

const feed = (builder: IntrinsicBarBuilder, trades: readonly IntrinsicTrade[]): IntrinsicBarRecord[] => trades.flatMap((t) => builder.push(t));
const restore = (builder: IntrinsicBarBuilder, spec: IntrinsicBarSpecInput) => IntrinsicBarBuilder.fromJSON(JSON.parse(JSON.stringify(builder.toJSON())), spec);

// Small thresholds so a few hundred trades make many bars of every kind.
const SPECS: IntrinsicBarSpecInput[] = [
  { kind: 'tick', threshold: 7 },
  { kind: 'volume', threshold: 2500 },
  { kind: 'dollar', threshold: 150_000.5 },
  { kind: 'tick_imbalance', initialExpectedTicks: 10, expectedTicksSpan: 3, expectedImbalanceSpan: 30 },
  { kind: 'volume_imbalance', initialExpectedTicks: 10, maxBarTicks: 60, maxExpectedTicks: 40 },
  { kind: 'dollar_imbalance', initialExpectedTicks: 12, initialSign: -1 },
  { kind: 'tick_run', initialExpectedTicks: 10 },
  { kind: 'volume_run', initialExpectedTicks: 8, minThresholdMultiple: 0.1, maxThresholdMultiple: 10 },
  { kind: 'dollar_run', initialExpectedTicks: 10, expectedTicksSpan: 1 },
];

const arbitraryTrades = fc
  .array(fc.record({ move: fc.integer({ min: -3, max: 3 }), size: fc.integer({ min: 1, max: 1500 }), correction: fc.constantFrom('NONE', 'NONE', 'NONE', 'NONE', 'CORRECTED', 'CANCELLED') }), { minLength: 1, maxLength: 600 })
  .map((rows) => streamOf(rows.map((r) => r.move), rows.map((r) => r.size)).map((t, i) => ({ ...t, correction: rows[i].correction as IntrinsicTrade['correction'] })));

describe('intrinsic bar builder: restart from JSON', () => {
  it.each(SPECS.map((s) => [s.kind, s] as const))('%s: restored at random points, it emits exactly what one uninterrupted run emits', (_, spec) => {
    fc.assert(
      fc.property(arbitraryTrades, fc.array(fc.nat(), { maxLength: 4 }), (trades, cuts) => {
        const whole = IntrinsicBarBuilder.create(spec);
        const expected = feed(whole, trades);
        const points = [...new Set(cuts.map((c) => c % (trades.length + 1)))].sort((a, b) => a - b);
        let builder = IntrinsicBarBuilder.create(spec);
        const got: IntrinsicBarRecord[] = [];
        let from = 0;
        for (const point of [...points, trades.length]) {
          got.push(...feed(builder, trades.slice(from, point)));
          builder = restore(builder, spec);
          from = point;
        }
        // JSON text, not only deep equality: doubles must match bit for bit.
        expect(JSON.stringify(got)).toBe(JSON.stringify(expected));
        expect(JSON.stringify(builder.toJSON())).toBe(JSON.stringify(whole.toJSON()));
        expect(JSON.stringify(builder.openBar())).toBe(JSON.stringify(whole.openBar()));
      }),
      { numRuns: 150 },
    );
  });

  it('refuses state written under another spec, since its seq range and estimates belong to that spec', () => {
    const builder = IntrinsicBarBuilder.create({ kind: 'volume', threshold: 1000 });
    feed(builder, [trade(10_000, 400, 0)]);
    expect(() => restore(builder, { kind: 'volume', threshold: 2000 })).toThrow(ConfigError);
    expect(() => restore(builder, { kind: 'volume', threshold: 1000 })).not.toThrow();
  });

  it('refuses malformed state, naming the field', () => {
    const state = JSON.parse(JSON.stringify(IntrinsicBarBuilder.create({ kind: 'tick_run', initialExpectedTicks: 5 }).toJSON()));
    state.sampler.expectedTicks = 'lots';
    expect(() => IntrinsicBarBuilder.fromJSON(state, { kind: 'tick_run', initialExpectedTicks: 5 })).toThrow(new InvalidRecordError('intrinsic bar state: sampler.expectedTicks Expected number, received string'));
  });
});

describe('intrinsic bar builder: input', () => {
  it('skips and counts CORRECTED and CANCELLED trades, so they change no bar', () => {
    const plain = feed(IntrinsicBarBuilder.create({ kind: 'tick', threshold: 2 }), [trade(10_000, 100, 0), trade(10_010, 100, 2)]);
    const builder = IntrinsicBarBuilder.create({ kind: 'tick', threshold: 2 });
    const bars = feed(builder, [trade(10_000, 100, 0), trade(99_999, 5, 1, { correction: 'CANCELLED' }), trade(1, 7, 1, { correction: 'CORRECTED' }), trade(10_010, 100, 2)]);
    expect(bars).toEqual(plain);
    expect(builder.stats()).toEqual({ trades: 2, bars: 1, corrected: 1, cancelled: 1, cappedBars: 0 });
  });

  it.each([
    ['a zero size', trade(10_000, 0, 1), /has size 0; a positive whole number of shares is required/],
    ['a fractional size', trade(10_000, 1.5, 1), /has size 1.5/],
    ['a zero price', trade(0, 10, 1), /has price 0.00000000; it must be positive/],
    ['a malformed price', { ...trade(10_000, 10, 1), price: '1e3' }, /not a decimal number: "1e3"/],
  ])('refuses %s with InvalidRecordError and keeps its state', (_, bad, message) => {
    const builder = IntrinsicBarBuilder.create({ kind: 'volume_imbalance', initialExpectedTicks: 3 });
    feed(builder, [trade(10_000, 10, 0)]);
    const before = JSON.stringify(builder.toJSON());
    expect(() => builder.push(bad)).toThrow(InvalidRecordError);
    expect(() => builder.push(bad)).toThrow(message);
    expect(JSON.stringify(builder.toJSON())).toBe(before);
  });

  it('refuses a trade of another symbol: builders are per symbol', () => {
    const builder = IntrinsicBarBuilder.create({ kind: 'tick', threshold: 5 });
    builder.push(trade(10_000, 10, 0));
    expect(() => builder.push(trade(10_000, 10, 1, { symbol: 'QQQ' }))).toThrow('a QQQ trade reached the SPY tick builder');
  });

  it('keeps non-canonical price text out of the bars', () => {
    const bars = feed(IntrinsicBarBuilder.create({ kind: 'tick', threshold: 3 }), [{ ...trade(0, 1, 0), price: '167.4' }, { ...trade(0, 1, 1), price: '0167.42100000' }, { ...trade(0, 1, 2), price: '0.50000000' }]);
    expect(bars.map((b) => [b.open, b.high, b.low, b.close])).toEqual([['167.40000000', '167.42100000', '0.50000000', '0.50000000']]);
  });

  it('shows the open bar without emitting it, numbered as the next bar', () => {
    const builder = IntrinsicBarBuilder.create({ kind: 'volume', threshold: 1000 });
    feed(builder, [trade(10_000, 700, 0), trade(10_000, 400, 1), trade(10_001, 50, 2)]);
    expect(builder.openBar()).toMatchObject({ seq: 1, ticks: 1, volume: 50, open: '100.01000000', threshold: 1000 });
    expect(builder.stats().bars).toBe(1);
  });
});
