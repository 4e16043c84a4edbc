// TypeScript shapes of the derived topics' values (feature-engine, alt-data-aggregator).

/** md.features.v1 (schemas/md.features.v1.avsc); a null value is a feature still warming up. */
export interface FeatureVectorRecord {
  symbol: string;
  timeframe: string;
  provider: string;
  eventTime: number;
  ingestTime: number;
  featureSet: string;
  values: Record<string, number | null>;
  /** End of the bar the vector describes (bucket end, the close for a day's last bucket); see PointInTime. */
  availableTime: number | null;
  /** The feature-engine's GENERATION. */
  generation: number;
}

/**
 * One bar of md.bars.intrinsic.v1 (schemas/md.bars.intrinsic.v1.avsc), sampled by trading activity
 * (libs/intrinsic-bars); identity (symbol, kind, seq).
 */
export interface IntrinsicBarRecord {
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
  /** Exact decimal strings (price scale 8): prices never pass through a float. */
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
  /** The closing trade's event time (closeTime); see PointInTime. */
  availableTime: number | null;
  /** The feature-engine's GENERATION. */
  generation: number;
}

/** The seven VIX regimes of md.vix.regime.v1, calmest first (libs/altdata classifies). */
export const VIX_REGIMES = ['COMPLACENT', 'LOW', 'NORMAL', 'ELEVATED', 'HIGH', 'EXTREME', 'CRISIS'] as const;
export type VixRegimeLevel = (typeof VIX_REGIMES)[number];

/** md.vix.regime.v1 (schemas/md.vix.regime.v1.avsc). */
export interface VixRegimeRecord {
  symbol: string;
  provider: string;
  eventTime: number;
  ingestTime: number;
  value: number;
  regime: VixRegimeLevel;
  previousRegime: VixRegimeLevel | null;
  changed: boolean;
  /** The classified close's event time; see PointInTime. */
  availableTime: number | null;
}

/**
 * md.altdata.signals.v1 (schemas/md.altdata.signals.v1.avsc): a per-document score, a series
 * value or a symbol's composite (libs/altdata's AltDataBook makes them).
 */
export interface AltSignalRecord {
  symbol: string;
  signal: string;
  provider: string;
  eventTime: number;
  ingestTime: number;
  value: number;
  observations: number;
  components: Record<string, number>;
  sourceId: string | null;
  /** Event time of the newest input the signal reflects; see PointInTime. */
  availableTime: number | null;
}

/**
 * md.reprocessed.v1 (schemas/md.reprocessed.v1.avsc): one symbol's window of a stage recomputed
 * under generation `generation`; outputs of that stage, symbol, timeframes and window with a lower
 * generation are superseded.
 */
export interface ReprocessedRecord {
  stage: string;
  symbol: string;
  timeframes: string[];
  from: number;
  to: number;
  generation: number;
  outputs: number;
  warmupFrom: number;
  completedAt: number;
  cause: string;
}
