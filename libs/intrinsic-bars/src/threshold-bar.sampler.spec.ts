import type { IntrinsicBarRecord } from '@md/contracts';
import { IntrinsicBarBuilder } from './intrinsic-bar.builder';

import { trade } from './test-trades.fixture';

const run = (builder: IntrinsicBarBuilder, trades: ReturnType<typeof trade>[]): IntrinsicBarRecord[] => trades.flatMap((t) => builder.push(t));

describe('tick, volume and dollar bars', () => {
  it('closes a tick bar on every Nth trade', () => {
    const bars = run(IntrinsicBarBuilder.create({ kind: 'tick', threshold: 3 }), Array.from({ length: 10 }, (_, i) => trade(10_000 + i, 1, i)));
    expect(bars.map((b) => [b.seq, b.ticks, b.open, b.close])).toEqual([
      [0, 3, '100.00000000', '100.02000000'],
      [1, 3, '100.03000000', '100.05000000'],
      [2, 3, '100.06000000', '100.08000000'],
    ]);
  });

  it('closes a volume bar on the trade that crosses the threshold, with all of that trade in it', () => {
    const builder = IntrinsicBarBuilder.create({ kind: 'volume', threshold: 1000 });
    const bars = run(builder, [400, 500, 300, 200].map((size, i) => trade(10_000, size, i)));
    expect(bars.map((b) => [b.volume, b.ticks, b.threshold])).toEqual([[1200, 3, 1000]]);
    expect(builder.openBar()).toMatchObject({ seq: 1, volume: 200, ticks: 1 });
  });

  it('closes a volume bar that reaches the threshold exactly', () => {
    const bars = run(IntrinsicBarBuilder.create({ kind: 'volume', threshold: 1000 }), [600, 400, 1].map((size, i) => trade(10_000, size, i)));
    expect(bars.map((b) => b.volume)).toEqual([1000]);
  });

  it('makes one big bar of a block trade many times the threshold rather than splitting it', () => {
    const bars = run(IntrinsicBarBuilder.create({ kind: 'volume', threshold: 1000 }), [100, 95_381, 100].map((size, i) => trade(10_000, size, i)));
    expect(bars.map((b) => [b.volume, b.ticks])).toEqual([[95_481, 2]]);
  });

  it('compares dollar value exactly at the threshold', () => {
    // 3 x $33,333.33 = $99,999.99: one cent short of $100,000, so the fourth trade closes the bar.
    const bars = run(IntrinsicBarBuilder.create({ kind: 'dollar', threshold: 100_000 }), [1, 1, 1, 1].map((size, i) => trade(3_333_333, size, i)));
    expect(bars.map((b) => [b.ticks, b.dollarValue])).toEqual([[4, 133_333.32]]);
    const exact = run(IntrinsicBarBuilder.create({ kind: 'dollar', threshold: 99_999.99 }), [1, 1, 1, 1].map((size, i) => trade(3_333_333, size, i)));
    expect(exact.map((b) => b.ticks)).toEqual([3]);
  });
});
