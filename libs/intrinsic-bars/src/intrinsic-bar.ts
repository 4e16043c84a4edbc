import type { TradeRecord } from '@md/contracts';

// Bars sampled by trading activity instead of the clock (Lopez de Prado, Advances in Financial
// Machine Learning (AFML), ch. 2.3). A bar is an IntrinsicBarRecord of libs/contracts
// (schemas/md.bars.intrinsic.v1.avsc).

export const THRESHOLD_BAR_KINDS = ['tick', 'volume', 'dollar'] as const;
export const IMBALANCE_BAR_KINDS = ['tick_imbalance', 'volume_imbalance', 'dollar_imbalance'] as const;
export const RUN_BAR_KINDS = ['tick_run', 'volume_run', 'dollar_run'] as const;
export const INTRINSIC_BAR_KINDS = [...THRESHOLD_BAR_KINDS, ...IMBALANCE_BAR_KINDS, ...RUN_BAR_KINDS] as const;

export type ThresholdBarKind = (typeof THRESHOLD_BAR_KINDS)[number];
export type AdaptiveBarKind = (typeof IMBALANCE_BAR_KINDS)[number] | (typeof RUN_BAR_KINDS)[number];
export type IntrinsicBarKind = (typeof INTRINSIC_BAR_KINDS)[number];

/** What a bar measures per trade: 1 (tick), shares (volume) or price x shares (dollar). */
export type TradeMeasure = 'tick' | 'volume' | 'dollar';

/**
 * The fields of a trade that bars need: a TradeRecord of md.raw.trades.v1 is assignable to it as
 * it is (an absent correction means NONE).
 */
export type IntrinsicTrade = Pick<TradeRecord, 'symbol' | 'provider' | 'eventTime' | 'ingestTime' | 'price' | 'size'> & Partial<Pick<TradeRecord, 'correction'>>;

export function intrinsicMeasure(kind: IntrinsicBarKind): TradeMeasure {
  return kind.startsWith('tick') ? 'tick' : kind.startsWith('volume') ? 'volume' : 'dollar';
}
