import type { RawBar } from '@md/contracts';
import { clockText, newYorkClock, sessionWindow, tradingDay } from '@md/market';
import { newIssue, type QualityIssue, type QualityStream } from './quality-issue';

// Zone mislabelling: a file whose UTC times were declared New York (or the reverse) shifts the
// whole day by whole hours. The regular session is where a day's trading concentrates, so for
// each hour offset h the detector measures the share of the day's activity inside the regular
// session shifted by h ("session fit"), and reports the day when some h != 0 fits clearly better.
//
// Activity is weighted by log(1 + volume) per bar, not by volume: measured on the real DBB file
// (498 days), a 30-minute after/before-open volume ratio picked the wrong hour on 42 correctly
// labelled days because one block print (38,100 shares at 09:29 on 2025-05-05, 95,800 at the
// 16:00 cross on 2023-07-14) outweighs a thin half hour. The log-weighted fit picked h = 0 on all
// 498 days, and h = +4/+5 on all 498 days read in the wrong zone, gaining 0.21 or more.
// On AAPL minute bars (LEAN sample, active 04:00-20:00) shifted by 4 hours the gain was 0.18-0.28.

export interface ZoneMislabelConfig {
  /** Bars a day needs before it is judged. */
  minBars: number;
  /** How much more of the day's activity the best shifted session must hold than the declared one (0..1). */
  minFitGain: number;
  /** Offsets tried: -maxOffsetHours..+maxOffsetHours. */
  maxOffsetHours: number;
}

export const DEFAULT_ZONE_MISLABEL_CONFIG: ZoneMislabelConfig = { minBars: 20, minFitGain: 0.1, maxOffsetHours: 6 };

const SLOT_MINUTES = 30; // session edges (09:30, 13:00, 16:00) fall on half hours, and so do whole-hour shifts of them
const SLOTS = 1440 / SLOT_MINUTES;

export interface ZoneMislabelState {
  lastEventUs: number | null;
  /** The current New York (as labelled) date, its bar count and log-volume weight per half hour. */
  date: string | null;
  bars: number;
  weights: number[];
}

type LabelledBar = Pick<RawBar, 'eventTime' | 'volume'>;

export class ZoneMislabelDetector {
  private readonly config: ZoneMislabelConfig;
  private readonly state: ZoneMislabelState;

  constructor(private readonly stream: QualityStream, config: Partial<ZoneMislabelConfig> = {}, state?: ZoneMislabelState) {
    this.config = { ...DEFAULT_ZONE_MISLABEL_CONFIG, ...config };
    this.state = state ? structuredClone(state) : { lastEventUs: null, date: null, bars: 0, weights: new Array(SLOTS).fill(0) };
  }

  static fromJSON(stream: QualityStream, state: ZoneMislabelState, config: Partial<ZoneMislabelConfig> = {}): ZoneMislabelDetector {
    return new ZoneMislabelDetector(stream, config, state);
  }

  toJSON(): ZoneMislabelState {
    return structuredClone(this.state);
  }

  /** Judges a day when the first bar of a later day arrives. Intraday bars up to 30 minutes wide only. */
  observe(bar: LabelledBar): QualityIssue[] {
    if (!['1m', '5m', '15m'].includes(this.stream.timeframe)) return [];
    if (this.state.lastEventUs !== null && bar.eventTime <= this.state.lastEventUs) return [];
    this.state.lastEventUs = bar.eventTime;
    const clock = newYorkClock(bar.eventTime);
    const issues: QualityIssue[] = [];
    if (clock.date !== this.state.date) {
      issues.push(...this.judgeDay());
      Object.assign(this.state, { date: clock.date, bars: 0, weights: new Array(SLOTS).fill(0) });
    }
    this.state.bars++;
    this.state.weights[Math.floor(clock.minute / SLOT_MINUTES)] += Math.log1p(bar.volume);
    return issues;
  }

  /** Share of the day's weight inside the regular session shifted by `hours`. */
  private fit(hours: number, openMinute: number, closeMinute: number): number {
    const from = openMinute / SLOT_MINUTES + 2 * hours;
    const to = closeMinute / SLOT_MINUTES + 2 * hours;
    const weights = this.state.weights;
    const total = weights.reduce((a, b) => a + b, 0);
    const inside = weights.slice(Math.max(0, from), Math.max(0, Math.min(SLOTS, to))).reduce((a, b) => a + b, 0);
    return total > 0 ? inside / total : 0;
  }

  private judgeDay(): QualityIssue[] {
    const { date, bars } = this.state;
    if (date === null || bars < this.config.minBars) return [];
    const day = tradingDay(date);
    if (!day.open) return [];
    const declared = this.fit(0, day.openMinute, day.closeMinute);
    let best = { hours: 0, fit: declared };
    for (let h = 1; h <= this.config.maxOffsetHours; h++) {
      for (const hours of [h, -h]) {
        const fit = this.fit(hours, day.openMinute, day.closeMinute);
        if (fit > best.fit) best = { hours, fit };
      }
    }
    if (best.hours === 0 || best.fit - declared < this.config.minFitGain) return [];
    const window = sessionWindow(date)!;
    return [newIssue(this.stream, {
      type: 'zone_mislabel', severity: 'critical', windowStartUs: window.startUs, windowEndUs: window.endUs,
      evidence: {
        date, expectedOpenLocal: clockText(day.openMinute), observedJumpLocal: clockText(day.openMinute + 60 * best.hours),
        offsetHours: best.hours, declaredFit: declared, observedFit: best.fit, bars,
      },
    })];
  }
}
