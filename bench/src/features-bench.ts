import { readFileSync } from 'node:fs';
import * as ti from 'technicalindicators';
import { DEFAULT_FEATURE_SET, FeatureState, type FeatureBar } from '@md/features';
import { parseTimestamp } from '@md/market';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// Features (`npm run bench -- --only features`): bar updates per second on one core through the
// whole default-v1 set (20 values a bar) over the real DBB minute series, and the same against
// recomputing those indicators with technicalindicators on every new bar over a window-bounded
// tail (the last TAIL bars: what a stateless service would do; it needs at least the longest
// warm-up, 34 bars for MACD's signal). The recomputed EMAs start from a 200-bar seed, so their
// values differ slightly from full-history ones: this measures cost, the unit parity test
// (libs/features/src/technicalindicators-parity.spec.ts) measures agreement. No stack needed.
const TAIL = 200;

export interface FeaturesBenchResult {
  bars: number;
  /** Bar updates/s through FeatureState with every default-v1 indicator. */
  engine: number;
  /** Bars/s recomputing the same indicators with technicalindicators over the last TAIL bars. */
  recompute: number;
  recomputeBars: number;
  /** JSON size of one key's checkpoint, and the cost of a checkpoint round trip (stringify, parse, fromJSON). */
  stateBytes: number;
  roundTripMicros: number;
  perIndicator: Array<{ name: string; barsPerSecond: number }>;
}

/** One bar per distinct minute of the DBB file, oldest first. */
export function readDbbFeatureBars(file = fixturePath(DBB_MINUTE_FILE)): FeatureBar[] {
  const bars = new Map<number, FeatureBar>();
  for (const line of readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(1)) {
    const [ts, open, high, low, close, volume] = line.split(',');
    const eventTime = parseTimestamp(ts, 'UTC');
    if (!bars.has(eventTime)) bars.set(eventTime, { eventTime, open: Number(open), high: Number(high), low: Number(low), close: Number(close), volume: Number(volume) });
  }
  return [...bars.values()].sort((a, b) => a.eventTime - b.eventTime);
}

/** Best seconds of `rounds` runs (the first warms the JIT). */
function best(rounds: number, run: () => void): number {
  let seconds = Infinity;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    run();
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return seconds;
}

/** Every default-v1 indicator recomputed from scratch over a tail ending at the newest bar. */
function recomputeTail(tail: readonly FeatureBar[]): number {
  const close = tail.map((b) => b.close);
  const high = tail.map((b) => b.high);
  const low = tail.map((b) => b.low);
  const volume = tail.map((b) => b.volume);
  const logReturns = close.slice(1).map((c, i) => Math.log(c / close[i]));
  const outs = [
    ti.sma({ period: 20, values: close }),
    ti.ema({ period: 12, values: close }),
    ti.ema({ period: 26, values: close }),
    ti.rsi({ period: 14, values: close }),
    ti.macd({ values: close, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }),
    ti.bollingerbands({ period: 20, stdDev: 2, values: close }),
    ti.atr({ period: 14, high, low, close }),
    ti.vwap({ high, low, close, volume }),
    ti.roc({ period: 1, values: close }),
    ti.sd({ period: 20, values: close }),
    ti.sd({ period: 20, values: logReturns }),
    ti.sma({ period: 20, values: volume }),
  ];
  return outs.reduce((n, o) => n + o.length, 0);
}

export function featuresBench(rounds = 3, recomputeBars = 1000): FeaturesBenchResult {
  const bars = readDbbFeatureBars();
  const engineSeconds = best(rounds, () => {
    const state = FeatureState.create(DEFAULT_FEATURE_SET);
    for (const bar of bars) state.update(bar);
  });
  const perIndicator = DEFAULT_FEATURE_SET.indicators.map((spec) => {
    const set = { name: `bench-${spec.name}`, indicators: [spec] };
    const seconds = best(rounds, () => {
      const state = FeatureState.create(set);
      for (const bar of bars) state.update(bar);
    });
    return { name: spec.name, barsPerSecond: bars.length / seconds };
  });
  const from = bars.length - recomputeBars;
  let sink = 0;
  const recomputeSeconds = best(rounds, () => {
    for (let i = from; i < bars.length; i++) sink += recomputeTail(bars.slice(Math.max(0, i + 1 - TAIL), i + 1));
  });
  if (sink === 0) throw new Error('technicalindicators produced nothing');

  const state = FeatureState.create(DEFAULT_FEATURE_SET);
  for (const bar of bars) state.update(bar);
  const json = JSON.stringify(state);
  const trips = 2000;
  const tripSeconds = best(rounds, () => {
    for (let i = 0; i < trips; i++) FeatureState.fromJSON(JSON.parse(JSON.stringify(state)), DEFAULT_FEATURE_SET);
  });
  return {
    bars: bars.length, engine: bars.length / engineSeconds, recompute: recomputeBars / recomputeSeconds, recomputeBars,
    stateBytes: json.length, roundTripMicros: (tripSeconds / trips) * 1e6, perIndicator,
  };
}

export function formatFeaturesBench(r: FeaturesBenchResult): string {
  const lines = [
    `features default-v1, ${r.bars} DBB minute bars on one core: ${Math.round(r.engine)} bar updates/s (20 values a bar)`,
    `  technicalindicators recomputing the same over the last ${TAIL} bars on each new bar (${r.recomputeBars} bars): ${Math.round(r.recompute)} bars/s; incremental / recompute = ${(r.engine / r.recompute).toFixed(0)}x`,
    `  checkpoint: ${r.stateBytes} bytes of JSON per key, round trip (stringify, parse, fromJSON) ${r.roundTripMicros.toFixed(1)} us`,
  ];
  for (const k of r.perIndicator) lines.push(`  ${k.name.padEnd(16)} ${String(Math.round(k.barsPerSecond)).padStart(10)} bars/s alone`);
  return lines.join('\n');
}
