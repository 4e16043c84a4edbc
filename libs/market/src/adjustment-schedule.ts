import { DateTime } from 'luxon';
import { type CorporateAction, assertCorporateActions, latestRevisions } from './corporate-actions';
import { InvalidRecordError } from '@md/contracts';
import { MICROS_PER_MS } from './time';

// Back-adjustment as LEAN's DataNormalizationMode.Adjusted does it: adjusted = raw x split factor
// x price factor, both read from LEAN's factor file (CorporateFactorRow: date, price factor,
// split factor, reference price). A bar is adjusted by every action whose ex-date is after the bar's
// New York date; the factors are products over those actions, so history before the first
// action carries all of them and bars on or after the last carry 1.

export interface AdjustmentFactors {
  readonly splitFactor: number;
  readonly dividendFactor: number;
}

/** Bars with eventTime below untilExclusiveUs (and at or above the previous segment's bound). */
export interface AdjustmentSegment extends AdjustmentFactors {
  /** UTC micros of New York midnight of the ex-date that ends the segment; null for the last. */
  readonly untilExclusiveUs: number | null;
}

/** Segments sorted by time; the last one is open-ended with factors 1, 1. */
export type AdjustmentSchedule = readonly AdjustmentSegment[];

/** Raw close of the last trading day before exDate, or undefined when not known. */
export type PreviousClose = (exDate: string) => number | undefined;

const NO_ADJUSTMENT: AdjustmentFactors = { splitFactor: 1, dividendFactor: 1 };

/** Start of a New York date in UTC micros: a bar before it has a New York date before exDate. */
export function newYorkMidnightUs(date: string): number {
  return DateTime.fromISO(date, { zone: 'America/New_York' }).toMillis() * MICROS_PER_MS;
}

/**
 * LEAN's dividend factor (close - dividend) / close, with the raw close of the trading day before
 * the ex-date (CorporateFactorRow.Apply(Dividend)). Exported so a provider that derives amounts
 * from factors (lean-corporate-actions.ts) rounds against the very number computed here.
 */
export function cashDividendFactor(amount: string, close: number): number {
  return 1 - Number(amount) / close;
}

function dividendFactor(a: CorporateAction, previousClose: PreviousClose): number {
  const close = previousClose(a.exDate);
  const where = `${a.symbol} cash_dividend ex ${a.exDate}`;
  if (close === undefined || !(close > 0)) {
    throw new InvalidRecordError(`${where}: no raw close for the trading day before ${a.exDate}; load that day's bar first`);
  }
  const amount = Number(a.amount);
  if (amount >= close) throw new InvalidRecordError(`${where}: amount ${a.amount} is not below the previous close ${close}; check it is per share, in pre-ex-date prices`);
  return cashDividendFactor(a.amount!, close);
}

function factorsOf(a: CorporateAction, previousClose: PreviousClose): AdjustmentFactors {
  if (a.kind === 'split') return { splitFactor: a.ratio!.from / a.ratio!.to, dividendFactor: 1 };
  return { splitFactor: 1, dividendFactor: dividendFactor(a, previousClose) };
}

function assertOneSymbol(actions: readonly CorporateAction[]): void {
  const symbols = [...new Set(actions.map((a) => a.symbol))];
  if (symbols.length > 1) throw new InvalidRecordError(`an adjustment schedule is per symbol, got ${symbols.join(', ')}; group the actions by symbol first`);
}

/** Cumulative back-adjustment segments of one symbol's actions (latest revision of each). */
export function adjustmentSchedule(actions: readonly CorporateAction[], previousClose: PreviousClose): AdjustmentSchedule {
  assertCorporateActions(actions);
  const current = latestRevisions(actions).sort((a, b) => (a.exDate < b.exDate ? -1 : a.exDate > b.exDate ? 1 : 0));
  assertOneSymbol(current);
  const segments: AdjustmentSegment[] = [{ untilExclusiveUs: null, ...NO_ADJUSTMENT }];
  let { splitFactor, dividendFactor } = NO_ADJUSTMENT;
  // Walk back from the latest ex-date, so each product is over the actions after a segment.
  for (let i = current.length - 1; i >= 0; i--) {
    const f = factorsOf(current[i], previousClose);
    splitFactor *= f.splitFactor;
    dividendFactor *= f.dividendFactor;
    const untilExclusiveUs = newYorkMidnightUs(current[i].exDate);
    if (segments[segments.length - 1].untilExclusiveUs === untilExclusiveUs) segments.pop(); // same ex-date
    segments.push({ untilExclusiveUs, splitFactor, dividendFactor });
  }
  return segments.reverse();
}

/** The factors for a bar starting at eventTimeUs (binary search over the segments). */
export function factorsAt(schedule: AdjustmentSchedule, eventTimeUs: number): AdjustmentFactors {
  let lo = 0;
  let hi = schedule.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const until = schedule[mid].untilExclusiveUs;
    if (until === null || eventTimeUs < until) hi = mid;
    else lo = mid + 1;
  }
  const { splitFactor, dividendFactor } = schedule[lo] ?? NO_ADJUSTMENT;
  return { splitFactor, dividendFactor };
}

/** A time range of history whose factors changed, with its new absolute factors. */
export interface Restatement extends AdjustmentFactors {
  /** Inclusive start, UTC micros; null from the beginning of history. */
  readonly fromUs: number | null;
  readonly untilExclusiveUs: number | null;
}

function bounds(...schedules: AdjustmentSchedule[]): number[] {
  const all = schedules.flatMap((s) => s.map((seg) => seg.untilExclusiveUs).filter((u): u is number => u !== null));
  return [...new Set(all)].sort((a, b) => a - b);
}

function sameFactors(a: AdjustmentFactors, b: AdjustmentFactors): boolean {
  return a.splitFactor === b.splitFactor && a.dividendFactor === b.dividendFactor;
}

/**
 * What a store must rewrite when a symbol's schedule changes from `before` to `after`: the
 * ranges whose factors differ, each with the NEW absolute factors, so applying a restatement
 * twice, or after a replay, leaves the same rows (DESIGN.md, exactly-once-keyed).
 */
export function restatementRanges(before: AdjustmentSchedule, after: AdjustmentSchedule): Restatement[] {
  const cuts = bounds(before, after);
  const starts: (number | null)[] = [null, ...cuts];
  const ranges: Restatement[] = [];
  starts.forEach((fromUs, i) => {
    const untilExclusiveUs = i < cuts.length ? cuts[i] : null;
    const probe = fromUs ?? (untilExclusiveUs ?? 0) - 1;
    const next = factorsAt(after, probe);
    if (sameFactors(factorsAt(before, probe), next)) return;
    const last = ranges[ranges.length - 1];
    if (last && last.untilExclusiveUs === fromUs && sameFactors(last, next)) ranges[ranges.length - 1] = { ...last, untilExclusiveUs };
    else ranges.push({ fromUs, untilExclusiveUs, ...next });
  });
  return ranges;
}
