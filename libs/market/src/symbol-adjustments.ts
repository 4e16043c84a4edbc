import { adjustmentSchedule, factorsAt, restatementRanges, type AdjustmentFactors, type AdjustmentSchedule, type Restatement } from './adjustment-schedule';
import { type CleanBar, InvalidRecordError } from '@md/contracts';
import { corporateActionViolations, latestRevisions, type CorporateAction } from './corporate-actions';
import { newYorkDate } from './session-gaps';
import { toScaledNumber } from './decimal';

/** An action as the preprocessor keeps it: with the raw close its dividend factor divides by. */
export interface KnownAction extends CorporateAction {
  /** Raw close of the last trading day before exDate (given by the provider or seen in the bars). */
  referencePrice?: number;
}

export interface AdjustmentChange {
  schedule: AdjustmentSchedule;
  /** Ranges of history whose factors changed; empty when nothing did. */
  changed: Restatement[];
  cause: string;
}

interface State {
  actions: KnownAction[];
  /** Last regular-session (or daily) raw close per New York date, recent days only. */
  closes: Record<string, number>;
}

/** Enough days to resolve a dividend announced ahead of its ex-date; older need referencePrice. */
const KEPT_CLOSES = 40;

/**
 * One symbol's corporate actions and recent closes: the factors a bar gets now, and the
 * restatement of history when an action arrives, is corrected, or (a dividend announced before
 * its ex-date) becomes computable once the close before the ex-date is seen. JSON state, so the
 * preprocessor can checkpoint it in its changelog.
 */
export class SymbolAdjustments {
  private schedule: AdjustmentSchedule;

  private constructor(private readonly state: State) {
    this.schedule = this.compute();
  }

  static fromJSON(stored: unknown): SymbolAdjustments {
    const s = stored as State | undefined;
    return new SymbolAdjustments({ actions: s?.actions ?? [], closes: s?.closes ?? {} });
  }

  toJSON(): State {
    return this.state;
  }

  factorsAt(eventTimeUs: number): AdjustmentFactors {
    return factorsAt(this.schedule, eventTimeUs);
  }

  /**
   * Adds or corrects an action. Throws InvalidRecordError (dead-letter, nothing changes) when it
   * is malformed, or when it is a dividend for a day already past whose previous close is unknown.
   */
  addAction(action: CorporateAction, referencePrice?: number): AdjustmentChange {
    const problems = corporateActionViolations(action);
    if (problems.length) throw new InvalidRecordError(`${action.symbol} ${action.kind} ex ${action.exDate}: ${problems.join('; ')}`);
    const known: KnownAction = { ...action, referencePrice: referencePrice ?? this.closeBefore(action.exDate) };
    if (action.kind === 'cash_dividend' && known.referencePrice === undefined && this.pastDate(action.exDate)) {
      throw new InvalidRecordError(
        `${action.symbol} cash_dividend ex ${action.exDate}: no raw close of the trading day before it is known here; resend the action with referencePrice`,
      );
    }
    const cause = action.kind === 'split'
      ? `SPLIT ${action.exDate} ${action.ratio!.to}:${action.ratio!.from} (${action.provider} r${action.revision})`
      : `CASH_DIVIDEND ${action.exDate} ${action.amount} (${action.provider} r${action.revision})`;
    return this.replaceActions([...this.state.actions, known], cause);
  }

  /**
   * Records a bar's close and resolves dividends waiting for the close before their ex-date.
   * Returns the change when one was resolved, else undefined.
   */
  observeBar(bar: CleanBar): AdjustmentChange | undefined {
    const date = newYorkDate(bar.eventTime);
    if (bar.timeframe === '1d' || bar.session === 'REGULAR') {
      const close = toScaledNumber(bar.close);
      if (close !== undefined) this.recordClose(date, close / 1e8);
    }
    if (!this.state.actions.length) return undefined;
    const ready = this.state.actions.filter((a) => this.waiting(a) && a.exDate <= date && this.closeBefore(a.exDate) !== undefined);
    if (!ready.length) return undefined;
    const actions = this.state.actions.map((a) => (ready.includes(a) ? { ...a, referencePrice: this.closeBefore(a.exDate) } : a));
    return this.replaceActions(actions, ready.map((a) => `CASH_DIVIDEND ${a.exDate} ${a.amount} (close before ex-date now known)`).join('; '));
  }

  private replaceActions(actions: KnownAction[], cause: string): AdjustmentChange {
    const before = this.schedule;
    this.state.actions = latestRevisionsKeepingLast(actions);
    this.schedule = this.compute();
    return { schedule: this.schedule, changed: restatementRanges(before, this.schedule), cause };
  }

  /** Dividends still waiting for their reference close contribute nothing yet. */
  private compute(): AdjustmentSchedule {
    const usable = this.state.actions.filter((a) => !this.waiting(a));
    const refs = new Map(usable.map((a) => [a.exDate, a.referencePrice]));
    return adjustmentSchedule(usable, (exDate) => refs.get(exDate));
  }

  private waiting(a: KnownAction): boolean {
    return a.kind === 'cash_dividend' && a.referencePrice === undefined;
  }

  private recordClose(date: string, close: number): void {
    const known = date in this.state.closes;
    this.state.closes[date] = close;
    if (known) return; // only a new day can push the oldest out
    const dates = Object.keys(this.state.closes).sort();
    for (const old of dates.slice(0, Math.max(0, dates.length - KEPT_CLOSES))) delete this.state.closes[old];
  }

  /** The close of the latest seen day before exDate, only if that day's data is complete (a later day was seen). */
  private closeBefore(exDate: string): number | undefined {
    const dates = Object.keys(this.state.closes).sort();
    const before = dates.filter((d) => d < exDate);
    if (!before.length || !this.pastDate(before[before.length - 1], true)) return undefined;
    return this.state.closes[before[before.length - 1]];
  }

  /** True when bars of a later New York date (or, strictly, of this date or later) were seen. */
  private pastDate(date: string, strictlyAfter = false): boolean {
    const dates = Object.keys(this.state.closes);
    return dates.some((d) => (strictlyAfter ? d > date : d >= date));
  }
}

/** latestRevisions keeps the first of equal revisions; a re-sent action should win, so reverse first. */
function latestRevisionsKeepingLast(actions: KnownAction[]): KnownAction[] {
  return latestRevisions([...actions].reverse()) as KnownAction[];
}
