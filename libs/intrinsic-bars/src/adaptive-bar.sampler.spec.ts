import type { IntrinsicBarRecord } from '@md/contracts';
import { type AdaptiveBarSpec, parseIntrinsicBarSpec } from './intrinsic-bar-spec.schema';
import { IntrinsicBarBuilder } from './intrinsic-bar.builder';
import { IMBALANCE_BAR_KINDS, RUN_BAR_KINDS, type IntrinsicTrade } from './intrinsic-bar';
import { streamOf } from './test-trades.fixture';

const feed = (builder: IntrinsicBarBuilder, trades: IntrinsicTrade[]): IntrinsicBarRecord[] => trades.flatMap((t) => builder.push(t));
// alpha = 1: each estimate is just the latest value, so the thresholds can be worked out by hand.
const handSpec = { initialExpectedTicks: 4, expectedTicksSpan: 1, expectedImbalanceSpan: 1, maxExpectedTicks: 8, maxBarTicks: 8 };

describe('tick imbalance bars, worked by hand', () => {
  // The first trade has no previous price: b = +1 (initialSign). Moves in cents.
  const moves = [0, 1, 1, 1, /* bar 1 */ -1, 0, 0, 0, /* bar 2: balanced, capped at 8 */ 1, -1, 1, -1, 1, -1, 1, -1, /* bar 3 */ -1];
  const builder = IntrinsicBarBuilder.create({ kind: 'tick_imbalance', ...handSpec });
  const bars = feed(builder, streamOf(moves, 100));

  it('warms up on initialExpectedTicks trades and sets the first threshold to their |sum b|', () => {
    expect(bars[0]).toMatchObject({ seq: 0, ticks: 4, threshold: 4, open: '100.00000000', close: '100.03000000' });
  });

  it('closes the next bar when |theta| reaches E0[T] |E0[b]| = 4 x |0 - 1| on the sell side', () => {
    expect(bars[1]).toMatchObject({ seq: 1, ticks: 4, threshold: 4 });
  });

  it('closes a balanced bar at maxBarTicks and counts it as capped', () => {
    expect(bars[2]).toMatchObject({ seq: 2, ticks: 8, threshold: 4 });
    expect(builder.stats().cappedBars).toBe(1);
  });

  it('lets E0[T] follow the capped bar up to maxExpectedTicks and scales the threshold with it', () => {
    expect(bars).toHaveLength(3);
    expect(builder.estimates()).toMatchObject({ expectedTicks: 8, threshold: 8, expectedBuy: 0, expectedSell: 1, buy: 0, sell: 1 });
  });
});

describe('tick run bars, worked by hand', () => {
  it('measures the longer side: 3 buys against 1 sell closes the warm-up with threshold 3', () => {
    const bars = feed(IntrinsicBarBuilder.create({ kind: 'tick_run', ...handSpec }), streamOf([0, 0, -1, 1], 1));
    expect(bars.map((b) => [b.ticks, b.threshold])).toEqual([[4, 3]]);
  });

  it('closes on the buy run once it reaches E0[T] max(E0[v+], E0[v-])', () => {
    // Warm-up: 4 buys (threshold 4); then E0[v+] = 1: the next bar needs 4 buys whatever the sells.
    const bars = feed(IntrinsicBarBuilder.create({ kind: 'tick_run', ...handSpec, expectedImbalanceSpan: 1000 }), streamOf([0, 1, 1, 1, 1, -1, 1, -1, 1, 1], 1));
    expect(bars.map((b) => [b.ticks, b.threshold])).toEqual([[4, 4], [6, 4]]);
  });
});

describe('volume and dollar imbalance bars', () => {
  it('weights each tick-rule sign by shares, and warms up to the peak imbalance, not the last one', () => {
    // Warm-up: +100 +300 -200 -100: theta runs 100, 400, 200, 100, so theta_0 = 400.
    // Then E0[v+] = 400 / 4 = 100, E0[v-] = 300 / 4 = 75: 4 x 25 = 100, raised to the floor 0.5 x 400.
    const builder = IntrinsicBarBuilder.create({ kind: 'volume_imbalance', ...handSpec });
    const bars = feed(builder, streamOf([0, 1, -1, 0, 1, 1], [100, 300, 200, 100, 150, 100]));
    expect(bars.map((b) => [b.ticks, b.volume, b.threshold])).toEqual([[4, 700, 400], [2, 250, 200]]);
  });

  it('weights by price x shares for dollar bars', () => {
    const bars = feed(IntrinsicBarBuilder.create({ kind: 'dollar_imbalance', ...handSpec }), streamOf([0, 1, 1, 1], 10));
    expect(bars.map((b) => [b.ticks, b.threshold])).toEqual([[4, 100 * 10 + 100.01 * 10 + 100.02 * 10 + 100.03 * 10]]);
  });
});

/** A deterministic pseudo-random sign stream (a 32-bit LCG), so a failure reproduces. */
function randomMoves(n: number, seed: number, upProbability = 0.5): number[] {
  let x = seed >>> 0;
  return Array.from({ length: n }, () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return x / 2 ** 32 < upProbability ? 1 : -1;
  });
}

describe.each([...IMBALANCE_BAR_KINDS, ...RUN_BAR_KINDS])('bounded estimates under an adversarial stream: %s', (kind) => {
  // 5,000 trades all buying (every price an uptick), then 20,000 alternating up/down: the two
  // regimes that make unbounded estimates run away or collapse.
  const spec = parseIntrinsicBarSpec({ kind, initialExpectedTicks: 50, maxBarTicks: 2000 }) as AdaptiveBarSpec;
  const moves = [...Array(5000).fill(1), ...Array.from({ length: 20_000 }, (_, i) => (i % 2 ? -1 : 1))];
  const trades = streamOf(moves, [100, 300, 200]);

  it('keeps every threshold within its multiples of the first and E0[T] within its bounds, and keeps closing bars', () => {
    const builder = IntrinsicBarBuilder.create(spec);
    const closes: number[] = [];
    const thresholds: number[] = [];
    let [lowestT, highestT] = [Infinity, -Infinity];
    trades.forEach((t, index) => {
      for (const bar of builder.push(t)) {
        closes.push(index);
        thresholds.push(bar.threshold);
      }
      const { expectedTicks } = builder.estimates()!;
      [lowestT, highestT] = [Math.min(lowestT, expectedTicks), Math.max(highestT, expectedTicks)];
    });
    expect([lowestT >= spec.minExpectedTicks, highestT <= spec.maxExpectedTicks]).toEqual([true, true]);
    const theta0 = thresholds[0];
    expect(Math.min(...thresholds.slice(1))).toBeGreaterThanOrEqual(spec.minThresholdMultiple * theta0);
    expect(Math.max(...thresholds.slice(1))).toBeLessThanOrEqual(spec.maxThresholdMultiple * theta0);
    // Bars keep closing: no stretch of maxBarTicks trades without a close, in either regime.
    const gaps = [-1, ...closes, trades.length - 1].slice(1).map((c, i, all) => c - (i === 0 ? -1 : all[i - 1]));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(spec.maxBarTicks);
    expect(closes.filter((i) => i >= 5000).length).toBeGreaterThanOrEqual(10);
  });
});

describe('why the bounds are there', () => {
  // Bounds opened as wide as the spec allows: close to the unbounded estimator of AFML / mlfinlab.
  const wide = { initialExpectedTicks: 50, minExpectedTicks: 1, maxExpectedTicks: 1e6, maxBarTicks: 1e6, minThresholdMultiple: 1e-9, maxThresholdMultiple: 1e6 };

  it('without them balanced flow after a trend stops imbalance bars from closing at all', () => {
    const moves = [...Array(500).fill(1), ...Array.from({ length: 20_000 }, (_, i) => (i % 2 ? -1 : 1))];
    const open = IntrinsicBarBuilder.create({ kind: 'tick_imbalance', ...wide });
    const bounded = IntrinsicBarBuilder.create({ kind: 'tick_imbalance', initialExpectedTicks: 50 });
    const trades = streamOf(moves, 100);
    const [trend, balanced] = [trades.slice(0, 500), trades.slice(500)];
    expect(feed(open, trend).length).toBeGreaterThan(0);
    expect(feed(bounded, trend).length).toBeGreaterThan(0);
    expect(feed(open, balanced)).toHaveLength(0); // the open bar grows without limit
    expect(feed(bounded, balanced).length).toBeGreaterThanOrEqual(20_000 / 2000); // maxBarTicks (default 10 x 4 x 50)
  });

  it('without them a random walk collapses imbalance bars to single trades; with them E0[T] and the threshold stay inside', () => {
    for (const [seed, up] of [[1, 0.5], [7, 0.55], [42, 0.45]]) {
      const trades = streamOf(randomMoves(50_000, seed, up), [100, 200, 500, 100]);
      const open = IntrinsicBarBuilder.create({ kind: 'volume_imbalance', ...wide });
      const openBars = feed(open, trades);
      expect(open.estimates()!.expectedTicks).toBeLessThan(2);
      expect(openBars.slice(-1000).filter((b) => b.ticks === 1).length).toBeGreaterThan(900);

      const spec = parseIntrinsicBarSpec({ kind: 'volume_imbalance', initialExpectedTicks: 50 }) as AdaptiveBarSpec;
      const bounded = IntrinsicBarBuilder.create(spec);
      const bars = feed(bounded, trades);
      const theta0 = bars[0].threshold;
      expect(bounded.estimates()!.expectedTicks).toBeGreaterThanOrEqual(spec.minExpectedTicks);
      expect(Math.min(...bars.map((b) => b.threshold))).toBeGreaterThanOrEqual(spec.minThresholdMultiple * theta0);
      expect(Math.max(...bars.map((b) => b.threshold))).toBeLessThanOrEqual(spec.maxThresholdMultiple * theta0);
    }
  });
});
