import type { OpenBar, PricedTrade } from './open-bar';

/** When a bar closes. One implementation per family: fixed thresholds, adaptive (imbalance and run). */
export interface BarSampler {
  /** Called after `t` joined `bar`: true when `t` closes it. */
  observe(t: PricedTrade, bar: OpenBar): boolean;
  /** The open bar's threshold (0 while an adaptive sampler is still warming up). */
  threshold(): number;
  /** Called once the bar that `observe` closed has been emitted. */
  barClosed(ticks: number): void;
  toJSON(): unknown;
}
