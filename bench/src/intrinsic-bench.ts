import { IntrinsicBarBuilder, type IntrinsicBarSpecInput, type IntrinsicTrade } from '@md/intrinsic-bars';
import { readSpyTrades } from '@md/testing';

// Intrinsic bars (`npm run bench -- --only intrinsic`): trades per second through builders on one
// core, over every SPY trade of 2013-10-07 (fixtures/lean/tick/spy, 241,020 trades). The
// specs are those of the real-data checks (libs/testing/src/intrinsic-bars-spy.spec.ts). No
// stack needed: builders are pure.
export const INTRINSIC_BENCH_SPECS: IntrinsicBarSpecInput[] = [
  { kind: 'tick', threshold: 1000 },
  { kind: 'volume', threshold: 1_000_000 },
  { kind: 'dollar', threshold: 100_000_000 },
  { kind: 'tick_imbalance', initialExpectedTicks: 1000 },
  { kind: 'volume_imbalance', initialExpectedTicks: 1000 },
  { kind: 'dollar_imbalance', initialExpectedTicks: 1000 },
  { kind: 'tick_run', initialExpectedTicks: 1000 },
  { kind: 'volume_run', initialExpectedTicks: 1000 },
  { kind: 'dollar_run', initialExpectedTicks: 1000 },
];

export interface IntrinsicBenchResult {
  trades: number;
  /** Trades/s with every trade pushed into all builders (the feature-engine's per-symbol load). */
  allBuilders: number;
  bars: number;
  perKind: Array<{ kind: string; tradesPerSecond: number; bars: number }>;
}

/** Best of `rounds` passes (the first warms the JIT). */
function rate(trades: readonly IntrinsicTrade[], specs: IntrinsicBarSpecInput[], rounds: number): { tradesPerSecond: number; bars: number } {
  let best = Infinity;
  let bars = 0;
  for (let round = 0; round < rounds; round++) {
    const builders = specs.map((s) => IntrinsicBarBuilder.create(s));
    bars = 0;
    const start = process.hrtime.bigint();
    for (const t of trades) for (const b of builders) bars += b.push(t).length;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { tradesPerSecond: trades.length / best, bars };
}

export async function intrinsicBench(rounds = 3): Promise<IntrinsicBenchResult> {
  const trades = await readSpyTrades();
  const all = rate(trades, INTRINSIC_BENCH_SPECS, rounds);
  const perKind = INTRINSIC_BENCH_SPECS.map((s) => ({ kind: s.kind, ...rate(trades, [s], rounds) }));
  return { trades: trades.length, allBuilders: all.tradesPerSecond, bars: all.bars, perKind };
}

export function formatIntrinsicBench(r: IntrinsicBenchResult): string {
  const lines = [`intrinsic bars, ${r.trades} SPY trades through all ${r.perKind.length} builders: ${Math.round(r.allBuilders)} trades/s on one core (${r.bars} bars)`];
  for (const k of r.perKind) lines.push(`  ${k.kind.padEnd(17)} ${String(Math.round(k.tradesPerSecond)).padStart(9)} trades/s  ${k.bars} bars`);
  return lines.join('\n');
}
