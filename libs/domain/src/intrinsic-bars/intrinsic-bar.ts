// Bars sampled by trading activity instead of the clock (Lopez de Prado, Advances in Financial
// Machine Learning (AFML), ch. 2.3). The shape mirrors IntrinsicBarRecord in libs/contracts
// (schemas/md.bars.intrinsic.v1.avsc) field for field: libs/domain may not import contracts, so
// the type is declared twice and a structural assignment in the feature-engine keeps them equal.

export const THRESHOLD_BAR_KINDS = ['tick', 'volume', 'dollar'] as const;
export const IMBALANCE_BAR_KINDS = ['tick_imbalance', 'volume_imbalance', 'dollar_imbalance'] as const;
export const RUN_BAR_KINDS = ['tick_run', 'volume_run', 'dollar_run'] as const;
export const INTRINSIC_BAR_KINDS = [...THRESHOLD_BAR_KINDS, ...IMBALANCE_BAR_KINDS, ...RUN_BAR_KINDS] as const;

export type ThresholdBarKind = (typeof THRESHOLD_BAR_KINDS)[number];
export type AdaptiveBarKind = (typeof IMBALANCE_BAR_KINDS)[number] | (typeof RUN_BAR_KINDS)[number];
export type IntrinsicBarKind = (typeof INTRINSIC_BAR_KINDS)[number];

/** What a bar measures per trade: 1 (tick), shares (volume) or price x shares (dollar). */
export type TradeMeasure = 'tick' | 'volume' | 'dollar';

/** One bar of md.bars.intrinsic.v1; identity (symbol, kind, seq). */
export interface IntrinsicBar {
  symbol: string;
  kind: string;
  /** Bar number within (symbol, kind), from 0 at the builder's first trade. */
  seq: number;
  /** Provider of the closing trade. */
  provider: string;
  /** Event time of the bar's first trade, UTC micros. */
  openTime: number;
  /** Event time of the trade that closed the bar, UTC micros. */
  closeTime: number;
  /** Ingest time of the closing trade, UTC micros. */
  ingestTime: number;
  /** Exact decimal strings at PRICE_SCALE (decimal.ts): prices never pass through a float. */
  open: string;
  high: string;
  low: string;
  close: string;
  /** Shares. */
  volume: number;
  /** Sum of price x size, summed exactly and rounded to a double once, at the close. */
  dollarValue: number;
  /** Trades in the bar. */
  ticks: number;
  /** The threshold the bar closed on: fixed for tick/volume/dollar bars, the bounded EWMA expectation for imbalance and run bars. */
  threshold: number;
}

/**
 * The fields of a trade that bars need: a TradeRecord of md.raw.trades.v1 (libs/contracts
 * records.ts) is assignable to it as it is.
 */
export interface IntrinsicTrade {
  readonly symbol: string;
  readonly provider: string;
  /** UTC micros. */
  readonly eventTime: number;
  /** UTC micros. */
  readonly ingestTime: number;
  /** Decimal string, e.g. "167.42000000". */
  readonly price: string;
  /** Shares, a positive whole number. */
  readonly size: number;
  /** Absent means NONE. */
  readonly correction?: 'NONE' | 'CORRECTED' | 'CANCELLED';
}

export function intrinsicMeasure(kind: IntrinsicBarKind): TradeMeasure {
  return kind.startsWith('tick') ? 'tick' : kind.startsWith('volume') ? 'volume' : 'dollar';
}
