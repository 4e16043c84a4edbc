import { type IntrinsicBarRecord } from '@md/contracts';
import { type IntrinsicBarSpec, type IntrinsicTrade } from '@md/intrinsic-bars';
import { compareDecimal, fromScaled, parseDecimal, plainDecimal, toScaled } from '@md/market';

// An independent check of intrinsic bars against the trades they were built from, written
// plainly (whole-stream loops, no shared state with the builders) so it can catch them out:
// the bars and the open remainder partition the trades in order, each bar's fields are what its
// trades say, volume and dollar value are conserved, and each bar closes on the trade that
// crosses its threshold and no earlier one. The thresholds of imbalance and run bars are taken
// from the bars (the EWMA arithmetic is unit-tested in libs/intrinsic-bars); here they are only
// checked against their bounds.

/** Relative slack for dollar thetas, which are doubles summed in a different order than the builder's; tick and volume thetas are exact integers. */
const DOLLAR_THETA_SLACK = 1e-12;

function measure(kind: string, t: IntrinsicTrade): number {
  if (kind.startsWith('tick')) return 1;
  if (kind.startsWith('volume')) return t.size;
  return Number(t.price) * t.size;
}

/** Tick-rule signs of the whole stream: +1 up, -1 down, previous sign when unchanged (AFML 2.3.2.1). */
function tickRuleSigns(trades: readonly IntrinsicTrade[], first: 1 | -1): Array<1 | -1> {
  const signs: Array<1 | -1> = [];
  trades.forEach((t, i) => {
    const c = i === 0 ? 0 : compareDecimal(t.price, trades[i - 1].price);
    signs.push(i === 0 ? first : c > 0 ? 1 : c < 0 ? -1 : signs[i - 1]);
  });
  return signs;
}

function fieldProblems(bar: IntrinsicBarRecord, slice: readonly IntrinsicTrade[]): string[] {
  const problems: string[] = [];
  const last = slice[slice.length - 1];
  const exactDollars = slice.reduce((sum, t) => sum + toScaled(t.price) * BigInt(t.size), 0n);
  const expect: Partial<IntrinsicBarRecord> = {
    openTime: slice[0].eventTime,
    closeTime: last.eventTime,
    ingestTime: last.ingestTime,
    provider: last.provider,
    symbol: last.symbol,
    open: parseDecimal(slice[0].price),
    close: parseDecimal(last.price),
    high: parseDecimal(slice.reduce((h, t) => (compareDecimal(t.price, h) > 0 ? t.price : h), slice[0].price)),
    low: parseDecimal(slice.reduce((l, t) => (compareDecimal(t.price, l) < 0 ? t.price : l), slice[0].price)),
    volume: slice.reduce((v, t) => v + t.size, 0),
    dollarValue: Number(fromScaled(exactDollars)),
    ticks: slice.length,
  };
  for (const [key, value] of Object.entries(expect)) {
    const got = bar[key as keyof IntrinsicBarRecord];
    if (got !== value) problems.push(`bar ${bar.seq}: ${key} is ${JSON.stringify(got)}, its trades say ${JSON.stringify(value)}`);
  }
  if (bar.volume <= 0) problems.push(`bar ${bar.seq}: zero volume`);
  return problems;
}

function fixedCrossing(spec: IntrinsicBarSpec & { threshold: number }, bar: IntrinsicBarRecord, slice: readonly IntrinsicTrade[]): string[] {
  // Running totals after each trade; exact integers for dollars (scaled by 10^8).
  const limit = spec.kind === 'dollar' ? toScaled(parseDecimal(plainDecimal(spec.threshold))) : BigInt(spec.threshold);
  let total = 0n;
  const problems: string[] = [];
  slice.forEach((t, i) => {
    total += spec.kind === 'tick' ? 1n : spec.kind === 'volume' ? BigInt(t.size) : toScaled(t.price) * BigInt(t.size);
    const crossed = total >= limit;
    if (crossed && i < slice.length - 1) problems.push(`bar ${bar.seq}: trade ${i + 1} of ${slice.length} already reached the threshold`);
    if (!crossed && i === slice.length - 1) problems.push(`bar ${bar.seq}: closed below its threshold ${spec.threshold}`);
  });
  if (bar.threshold !== spec.threshold) problems.push(`bar ${bar.seq}: threshold ${bar.threshold}, spec says ${spec.threshold}`);
  return problems;
}

function thetas(kind: string, slice: readonly IntrinsicTrade[], signs: ReadonlyArray<1 | -1>): number[] {
  let net = 0;
  let buy = 0;
  let sell = 0;
  return slice.map((t, i) => {
    const v = measure(kind, t);
    net += signs[i] * v;
    if (signs[i] > 0) buy += v;
    else sell += v;
    return kind.endsWith('_run') ? Math.max(buy, sell) : Math.abs(net);
  });
}

/** Problems found, as sentences; empty when the bars are right. `trades` are the trades the builder kept (corrections already removed). */
export function checkIntrinsicBars(spec: IntrinsicBarSpec, trades: readonly IntrinsicTrade[], bars: readonly IntrinsicBarRecord[], remainder: IntrinsicBarRecord | null): string[] {
  const problems: string[] = [];
  const adaptive = 'initialExpectedTicks' in spec ? spec : null;
  const signs = adaptive ? tickRuleSigns(trades, adaptive.initialSign) : [];
  const theta0 = bars[0]?.threshold ?? 0;
  let start = 0;
  for (const [i, bar] of bars.entries()) {
    if (bar.seq !== i) problems.push(`bar ${i} has seq ${bar.seq}`);
    if (bar.kind !== spec.kind) problems.push(`bar ${i} has kind ${bar.kind}`);
    const slice = trades.slice(start, start + bar.ticks);
    if (bar.ticks <= 0 || slice.length < bar.ticks) {
      problems.push(`bar ${i}: ${bar.ticks} ticks but only ${slice.length} trades left`);
      return problems;
    }
    problems.push(...fieldProblems(bar, slice));
    if (!adaptive) {
      problems.push(...fixedCrossing(spec as IntrinsicBarSpec & { threshold: number }, bar, slice));
    } else {
      const path = thetas(spec.kind, slice, signs.slice(start, start + bar.ticks));
      const slack = spec.kind.startsWith('dollar') ? DOLLAR_THETA_SLACK : 0;
      if (i === 0) {
        // The warm-up bar: initialExpectedTicks trades, threshold = the largest theta they reached.
        if (bar.ticks !== adaptive.initialExpectedTicks) problems.push(`warm-up bar has ${bar.ticks} ticks, not ${adaptive.initialExpectedTicks}`);
        const peak = Math.max(...path);
        if (Math.abs(peak - bar.threshold) > slack * peak) problems.push(`warm-up bar threshold ${bar.threshold}, its peak theta is ${peak}`);
      } else {
        const lo = adaptive.minThresholdMultiple * theta0 * (1 - slack);
        const hi = adaptive.maxThresholdMultiple * theta0 * (1 + slack);
        if (bar.threshold < lo || bar.threshold > hi) problems.push(`bar ${i}: threshold ${bar.threshold} outside [${lo}, ${hi}]`);
        const early = path.slice(0, -1).findIndex((theta) => theta >= bar.threshold * (1 + slack));
        if (early >= 0) problems.push(`bar ${i}: trade ${early + 1} of ${bar.ticks} already crossed ${bar.threshold} (theta ${path[early]})`);
        const closed = path[path.length - 1] >= bar.threshold * (1 - slack) || bar.ticks === adaptive.maxBarTicks;
        if (!closed) problems.push(`bar ${i}: closed at theta ${path[path.length - 1]} below ${bar.threshold} with ${bar.ticks} ticks`);
      }
    }
    start += bar.ticks;
  }
  const rest = trades.slice(start);
  if (rest.length === 0 && remainder) problems.push('a remainder is reported but every trade is in a bar');
  if (rest.length > 0) {
    if (!remainder) problems.push(`${rest.length} trades are in no bar and no remainder`);
    else if (remainder.ticks !== rest.length) problems.push(`remainder has ${remainder.ticks} ticks, ${rest.length} trades are left`);
    else problems.push(...fieldProblems(remainder, rest));
  }
  // Conservation over the day, stated on its own so a failure reads as what it is.
  const all = remainder ? [...bars, remainder] : [...bars];
  const volume = trades.reduce((v, t) => v + t.size, 0);
  const barVolume = all.reduce((v, b) => v + b.volume, 0);
  if (barVolume !== volume) problems.push(`volume not conserved: bars ${barVolume}, trades ${volume}`);
  const dollars = Number(fromScaled(trades.reduce((sum, t) => sum + toScaled(t.price) * BigInt(t.size), 0n)));
  const barDollars = all.reduce((d, b) => d + b.dollarValue, 0);
  if (Math.abs(barDollars - dollars) > 1e-9 * dollars) problems.push(`dollar value not conserved: bars ${barDollars}, trades ${dollars}`);
  return problems;
}
