import { InvalidRecordError, type AdjustmentSegmentRecord, type CorporateActionRecord, type RawBar } from '@md/contracts';
import {
  MICROS_PER_DAY, SymbolAdjustments, cleanBar, newYorkMidnightUs, priceActionOf, restatementRanges, type AdjustmentFactors, type AdjustmentSchedule, type Restatement,
} from '@md/market';

/** The live stage keeps the closes of its last 40 dates with bars; 60 calendar days hold at least 40 NYSE trading days. */
const REFERENCE_LOOKBACK_DAYS = 60;
/** A dividend resolves at the first bar on or after its ex-date; a week reaches past any NYSE closure run. */
const REFERENCE_LOOKAHEAD_DAYS = 7;
/** The schedule of a symbol without actions (SymbolAdjustments computes the same). */
const NO_ADJUSTMENT: AdjustmentSchedule = [{ untilExclusiveUs: null, splitFactor: 1, dividendFactor: 1 }];

type StoredAction = Omit<CorporateActionRecord, 'ingestTime'>;

/** A time range of stored bars, [fromUs, toUs) UTC micros. */
export interface Span {
  fromUs: number;
  toUs: number;
}

/**
 * Where the stored bars are whose closes the live rule needs: around the ex-date of each dividend
 * stored without a reference price (the live stage took the close before the ex-date from the bars
 * it saw). Sorted, overlapping spans merged, so a walk over them is in time order.
 */
export function referenceSpans(actions: readonly StoredAction[]): Span[] {
  const spans = actions
    .filter((a) => a.kind === 'CASH_DIVIDEND' && a.referencePrice === null)
    .map((a) => newYorkMidnightUs(a.exDate))
    .map((ex) => ({ fromUs: ex - REFERENCE_LOOKBACK_DAYS * MICROS_PER_DAY, toUs: ex + REFERENCE_LOOKAHEAD_DAYS * MICROS_PER_DAY }))
    .sort((a, b) => a.fromUs - b.fromUs);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.fromUs <= last.toUs) last.toUs = Math.max(last.toUs, s.toUs);
    else merged.push({ ...s });
  }
  return merged;
}

/** A stored schedule (adjustment_segments rows in order) as the domain's; [] stays [] (factors 1 everywhere). */
export function scheduleOf(segments: readonly AdjustmentSegmentRecord[]): AdjustmentSchedule {
  return segments.map((s) => ({ untilExclusiveUs: s.toTime, splitFactor: s.splitFactor, dividendFactor: s.dividendFactor }));
}

/**
 * One symbol's adjustments rebuilt from nothing with the live stage's rules (SymbolAdjustments):
 * every stored action first, with its stored reference price, then the stored bars of the
 * reference spans in time order, which resolve the dividends stored without one exactly as the
 * live stage did when it saw those bars. Its schedule is then complete for every bar.
 */
export class RebuiltAdjustments {
  private readonly adjustments = SymbolAdjustments.fromJSON(undefined);
  private current: AdjustmentSchedule = NO_ADJUSTMENT;
  /** Stored actions the rules refuse (the live stage dead-lettered them too), with the reason. */
  readonly refused: string[] = [];

  constructor(actions: readonly StoredAction[]) {
    for (const a of actions) {
      try {
        const reference = a.referencePrice === null ? undefined : Number(a.referencePrice);
        this.current = this.adjustments.addAction(priceActionOf(a), reference).schedule;
      } catch (err) {
        if (!(err instanceof InvalidRecordError)) throw err;
        this.refused.push(err.message);
      }
    }
  }

  get schedule(): AdjustmentSchedule {
    return this.current;
  }

  /** A stored bar of a reference span; one the rules now refuse is skipped, as the live stage never observed it. */
  observe(raw: RawBar): void {
    let bar;
    try {
      bar = cleanBar(raw);
    } catch (err) {
      if (err instanceof InvalidRecordError) return;
      throw err;
    }
    const change = this.adjustments.observeBar(bar);
    if (change) this.current = change.schedule;
  }

  /** The reference close each dividend holds now (undefined: still waiting for the close before its ex-date). */
  dividendReferences(): Array<{ exDate: string; amount: string; referencePrice: number | undefined }> {
    return this.adjustments.toJSON().actions
      .filter((a) => a.kind === 'cash_dividend')
      .map((a) => ({ exDate: a.exDate, amount: a.amount ?? '', referencePrice: a.referencePrice }));
  }

  factorsAt(eventTimeUs: number): AdjustmentFactors {
    return this.adjustments.factorsAt(eventTimeUs);
  }

  /** Ranges whose factors differ from `stored` (empty: the stored schedule already matches, no restatement is due). */
  changedFrom(stored: AdjustmentSchedule): Restatement[] {
    return restatementRanges(stored, this.current);
  }
}
