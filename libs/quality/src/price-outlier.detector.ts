import { type CleanBar, timeframeMicros } from '@md/contracts';
import { newIssue, type QualityIssue, type QualityStream } from './quality-issue';
import { SortedWindow } from './robust-stats';
import { barDate } from '@md/market';

// Price outliers: the log return of the adjusted close (raw x splitFactor x dividendFactor)
// against a robust scale (1.4826 x MAD, Rousseeuw & Croux 1993) of the last `window` returns.
//
// Returns are taken only between bars of the same New York day and session (intraday
// timeframes): the overnight gap and the jump from pre-market quotes into the open have a
// different, wider distribution; mixing them in would inflate the intraday scale and flag every
// gap. Overnight moves are judged on the 1d stream, where consecutive daily bars are compared.
//
// A flagged bar does not become the reference: the next bar is measured from the last good
// price, so a spike that comes back is one issue (the reversal is an ordinary return), and a
// move that persists is accepted as a level shift after that one issue.

export interface PriceOutlierConfig {
  /** Robust z (|return - median| / scale) above which a return is an outlier. */
  thresholdSigmas: number;
  /** Returns kept for the robust scale (390 = one regular session of 1-minute bars). */
  window: number;
  /** Returns needed before any bar is judged. */
  minPeriods: number;
  /** Price increment. The scale is never below one tick's return, so a thin book's single-tick moves are not outliers (SEC Reg NMS Rule 612: $0.01 at or above $1). */
  tickSize: number;
  /** Judge pre- and post-market bars too (each session is its own segment). */
  extendedHours: boolean;
}

export const DEFAULT_PRICE_OUTLIER_CONFIG: PriceOutlierConfig = {
  thresholdSigmas: 10,
  window: 390,
  minPeriods: 60,
  tickSize: 0.01,
  extendedHours: false,
};

export interface PriceReference {
  /** New York date and session the reference belongs to ('' for daily bars). */
  segment: string;
  eventTime: number;
  rawClose: number;
  adjustedClose: number;
  splitFactor: number;
  dividendFactor: number;
}

export interface PriceOutlierState {
  lastEventUs: number | null;
  reference: PriceReference | null;
  /** The bar after the reference was flagged: the next bar decides reversal or level shift. */
  pendingSpike: boolean;
  returns: number[];
}

export type PricedBar = Pick<CleanBar, 'eventTime' | 'close' | 'session' | 'splitFactor' | 'dividendFactor'>;

export class PriceOutlierDetector {
  private readonly config: PriceOutlierConfig;
  private readonly state: PriceOutlierState;
  /** state.returns, sorted (not part of the state: rebuilt from it). */
  private readonly window: SortedWindow;

  constructor(private readonly stream: QualityStream, config: Partial<PriceOutlierConfig> = {}, state?: PriceOutlierState) {
    this.config = { ...DEFAULT_PRICE_OUTLIER_CONFIG, ...config };
    this.state = state ? structuredClone(state) : { lastEventUs: null, reference: null, pendingSpike: false, returns: [] };
    this.window = new SortedWindow(this.state.returns);
  }

  static fromJSON(stream: QualityStream, state: PriceOutlierState, config: Partial<PriceOutlierConfig> = {}): PriceOutlierDetector {
    return new PriceOutlierDetector(stream, config, state);
  }

  toJSON(): PriceOutlierState {
    return structuredClone(this.state);
  }

  observe(bar: PricedBar): QualityIssue[] {
    if (this.state.lastEventUs !== null && bar.eventTime <= this.state.lastEventUs) return [];
    this.state.lastEventUs = bar.eventTime;
    if (!this.judged(bar)) return [];
    const next = this.toReference(bar);
    const ref = this.state.reference;
    if (!ref || ref.segment !== next.segment || ref.splitFactor !== next.splitFactor || ref.dividendFactor !== next.dividendFactor) {
      return this.accept(next, null); // first bar of a segment, or a corporate action between the two bars
    }
    const r = Math.log(next.adjustedClose / ref.adjustedClose);
    if (this.state.returns.length < this.config.minPeriods) return this.accept(next, r);
    const { median, scale } = this.window.robustScale();
    const floor = Math.log(1 + this.config.tickSize / ref.rawClose);
    const sigmas = (r - median) / Math.max(scale, floor);
    if (Math.abs(sigmas) <= this.config.thresholdSigmas) return this.accept(next, r);
    if (this.state.pendingSpike) return this.accept(next, null); // still far from the old level: a level shift
    this.state.pendingSpike = true;
    return [this.issue(bar, next, ref, { logReturn: r, median, scale: Math.max(scale, floor), sigmas })];
  }

  private judged(bar: PricedBar): boolean {
    return this.stream.timeframe === '1d' || bar.session === 'REGULAR' || (this.config.extendedHours && (bar.session === 'PRE' || bar.session === 'POST'));
  }

  private toReference(bar: PricedBar): PriceReference {
    const rawClose = Number(bar.close); // features may be doubles (DESIGN.md, Contracts)
    const segment = this.stream.timeframe === '1d' ? '' : `${barDate(bar.eventTime, this.stream.timeframe)} ${bar.session}`;
    const { splitFactor, dividendFactor } = bar;
    return { segment, eventTime: bar.eventTime, rawClose, adjustedClose: rawClose * splitFactor * dividendFactor, splitFactor, dividendFactor };
  }

  private accept(reference: PriceReference, logReturn: number | null): QualityIssue[] {
    this.state.reference = reference;
    this.state.pendingSpike = false;
    if (logReturn !== null) {
      this.state.returns.push(logReturn);
      this.window.add(logReturn);
      for (const old of this.state.returns.splice(0, Math.max(0, this.state.returns.length - this.config.window))) this.window.remove(old);
    }
    return [];
  }

  private issue(bar: PricedBar, next: PriceReference, ref: PriceReference, stats: Record<string, number>): QualityIssue {
    const severity = Math.abs(stats.sigmas) >= 2 * this.config.thresholdSigmas ? 'critical' : 'warning';
    return newIssue(this.stream, {
      type: 'price_outlier', severity, windowStartUs: bar.eventTime, windowEndUs: bar.eventTime + timeframeMicros(this.stream.timeframe),
      evidence: {
        close: bar.close, adjustedClose: next.adjustedClose, referenceAdjustedClose: ref.adjustedClose, referenceTimeUs: ref.eventTime,
        ...stats, thresholdSigmas: this.config.thresholdSigmas, windowReturns: this.state.returns.length,
      },
    });
  }
}
