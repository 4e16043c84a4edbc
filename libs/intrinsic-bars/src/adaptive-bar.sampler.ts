import { clamp, ewmaAlpha, ewmaStep } from './ewma';
import type { AdaptiveBarSpec } from './intrinsic-bar-spec.schema';
import { intrinsicMeasure, type TradeMeasure } from './intrinsic-bar';
import type { BarSampler } from './bar-sampler';
import type { OpenBar, PricedTrade } from './open-bar';
import { tickSign, type TickSign } from './tick-rule';

/** The sampler's state as JSON; every number is finite, so JSON round-trips it bit for bit. */
export interface AdaptiveSamplerState {
  /** Scaled price of the previous trade (integer digits); null before the first trade. */
  lastPrice: string | null;
  lastSign: TickSign;
  /** The open bar's sums of v_t over buys (b_t = +1) and over sells (b_t = -1). */
  buy: number;
  sell: number;
  /** The largest theta the warm-up bar reached so far (its first threshold); frozen after the warm-up. */
  warmUpPeak: number;
  /** E0[T], bounded to [minExpectedTicks, maxExpectedTicks]. */
  expectedTicks: number;
  /** Per-trade EWMAs of v_t 1{b_t=+1} and v_t 1{b_t=-1}; null until the warm-up bar has initialExpectedTicks trades. */
  expectedBuy: number | null;
  expectedSell: number | null;
  /** The first threshold, set at the end of the warm-up; the bounds are multiples of it. */
  initialThreshold: number | null;
  /** The open bar's threshold; null during the warm-up (until the warm-up bar closes). */
  threshold: number | null;
  /** Bars closed by maxBarTicks instead of their threshold. */
  cappedBars: number;
}

// Imbalance and run bars (AFML ch. 2.3.2). With b_t from the tick rule and v_t = 1, shares or
// price x shares:
//   imbalance: theta_T = |sum b_t v_t|, closes when theta_T >= E0[T] |E0[b v]|            (2.3.2.1-2)
//   run:       theta_T = max(sum_{b=+1} v_t, sum_{b=-1} v_t),
//              closes when theta_T >= E0[T] max(P[b=1] E0[v|b=1], P[b=-1] E0[v|b=-1])      (2.3.2.3)
// Both expectations come from two per-trade EWMAs, of v_t 1{b_t=+1} and of v_t 1{b_t=-1}:
// their difference is E0[b v] = P[b=1]E0[v|b=1] - P[b=-1]E0[v|b=-1] (the book's 2v+ - E0[v]),
// and each is one side of the run expectation. They are updated on every trade, E0[T] on every
// bar close, and the threshold is recomputed only at a close, so it is fixed within a bar.
//
// Warm-up: with no history there is no expectation, so the first bar is a tick bar of
// initialExpectedTicks trades. It seeds the EWMAs with its per-trade means and reports as its
// threshold theta_0 = the largest theta it reached: the level a bar of E0[T] trades actually
// reaches, noise included. (E0[T] |E0[b v]| of the same trades is the theta it ended on, which a
// balanced warm-up leaves near 0, and every bound, a multiple of theta_0, would collapse with it.)
//
// Bounds. Unbounded, the estimates feed on their own bars: a bar that ends early lowers E0[T],
// which lowers the next threshold, down to single-trade bars; one that ends late raises both
// until bars stop closing (hudson-and-thames/mlfinlab#98, BlackArbsCEO/Adv_Fin_ML_Exercises#1
// and #9; both reproduced in adaptive-bar.sampler.spec.ts). So E0[T] is clamped to
// [minExpectedTicks, maxExpectedTicks], the threshold to [minThresholdMultiple,
// maxThresholdMultiple] x theta_0, and a bar that reaches maxBarTicks trades closes anyway
// (balanced flow keeps an imbalance below any positive threshold forever).
export class AdaptiveBarSampler implements BarSampler {
  private readonly measure: TradeMeasure;
  private readonly run: boolean;
  private readonly ticksAlpha: number;
  private readonly imbalanceAlpha: number;
  private readonly s: AdaptiveSamplerState;
  private lastPrice: bigint | null;

  constructor(private readonly spec: AdaptiveBarSpec, state?: AdaptiveSamplerState) {
    this.measure = intrinsicMeasure(spec.kind);
    this.run = spec.kind.endsWith('_run');
    this.ticksAlpha = ewmaAlpha(spec.expectedTicksSpan);
    this.imbalanceAlpha = ewmaAlpha(spec.expectedImbalanceSpan);
    this.s = state
      ? { ...state }
      : {
          lastPrice: null,
          lastSign: spec.initialSign,
          buy: 0,
          sell: 0,
          warmUpPeak: 0,
          expectedTicks: spec.initialExpectedTicks,
          expectedBuy: null,
          expectedSell: null,
          initialThreshold: null,
          threshold: null,
          cappedBars: 0,
        };
    this.lastPrice = this.s.lastPrice === null ? null : BigInt(this.s.lastPrice);
  }

  private tradeValue(t: PricedTrade): number {
    if (this.measure === 'tick') return 1;
    if (this.measure === 'volume') return t.trade.size;
    return Number(t.price) * t.trade.size;
  }

  /** Expected theta of a bar of `ticks` trades, from the per-trade expectations. */
  private expectedTheta(ticks: number, buy: number, sell: number): number {
    return ticks * (this.run ? Math.max(buy, sell) : Math.abs(buy - sell));
  }

  observe(t: PricedTrade, bar: OpenBar): boolean {
    const s = this.s;
    const sign = this.lastPrice === null ? this.spec.initialSign : tickSign(this.lastPrice, t.scaled, s.lastSign);
    this.lastPrice = t.scaled;
    s.lastSign = sign;
    const v = this.tradeValue(t);
    if (sign > 0) s.buy += v;
    else s.sell += v;

    if (s.expectedBuy !== null && s.expectedSell !== null) {
      s.expectedBuy = ewmaStep(s.expectedBuy, sign > 0 ? v : 0, this.imbalanceAlpha);
      s.expectedSell = ewmaStep(s.expectedSell, sign < 0 ? v : 0, this.imbalanceAlpha);
    }
    const theta = this.run ? Math.max(s.buy, s.sell) : Math.abs(s.buy - s.sell);
    if (s.threshold === null) {
      if (theta > s.warmUpPeak) s.warmUpPeak = theta;
      if (bar.ticks < this.spec.initialExpectedTicks) return false;
      this.endWarmUp(bar.ticks);
      return true;
    }
    if (theta >= s.threshold) return true;
    if (bar.ticks < this.spec.maxBarTicks) return false;
    s.cappedBars += 1;
    return true;
  }

  private endWarmUp(ticks: number): void {
    const s = this.s;
    s.expectedBuy = s.buy / ticks;
    s.expectedSell = s.sell / ticks;
    s.initialThreshold = s.warmUpPeak;
    s.threshold = s.initialThreshold;
  }

  threshold(): number {
    return this.s.threshold ?? 0;
  }

  barClosed(ticks: number): void {
    const s = this.s;
    const { minExpectedTicks, maxExpectedTicks, minThresholdMultiple, maxThresholdMultiple } = this.spec;
    s.expectedTicks = clamp(ewmaStep(s.expectedTicks, ticks, this.ticksAlpha), minExpectedTicks, maxExpectedTicks);
    const theta0 = s.initialThreshold!;
    const expected = this.expectedTheta(s.expectedTicks, s.expectedBuy!, s.expectedSell!);
    s.threshold = clamp(expected, minThresholdMultiple * theta0, maxThresholdMultiple * theta0);
    s.buy = 0;
    s.sell = 0;
  }

  /** The current estimates, for metrics and tests. */
  estimates(): Readonly<AdaptiveSamplerState> {
    return this.toJSON();
  }

  toJSON(): AdaptiveSamplerState {
    return { ...this.s, lastPrice: this.lastPrice === null ? null : this.lastPrice.toString() };
  }
}
