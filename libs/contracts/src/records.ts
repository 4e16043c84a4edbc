// TypeScript shapes of the non-bar records (bars are in @md/domain, which owns their rules).
export interface DeadLetterRecord {
  stage: string;
  reason: string;
  errorType: string;
  sourceTopic: string | null;
  sourcePartition: number | null;
  sourceOffset: number | null;
  sourceLocation: string | null;
  key: Buffer | null;
  payload: Buffer;
  failedAt: number;
}

export interface TradeRecord {
  symbol: string;
  provider: string;
  eventTime: number;
  ingestTime: number;
  price: string;
  size: number;
  exchange: string | null;
  tradeId: string | null;
  conditions: string[];
  tape: string | null;
  correction: 'NONE' | 'CORRECTED' | 'CANCELLED';
}

export interface QuoteRecord {
  symbol: string;
  provider: string;
  eventTime: number;
  ingestTime: number;
  bidPrice: string;
  bidSize: number;
  bidExchange: string | null;
  askPrice: string;
  askSize: number;
  askExchange: string | null;
  conditions: string[];
  tape: string | null;
}

/** md.corporate-actions.v1 (schemas/md.corporate-actions.v1.avsc): the domain's shape. */
export type { CorporateActionEvent as CorporateActionRecord } from '@md/domain';

/**
 * md.options.chain.v1 (schemas/md.options.chain.v1.avsc), keyed by the compact OCC symbol; the
 * same shape as OptionQuote in libs/domain/src/options, which parses and prices it.
 */
export interface OptionQuoteRecord {
  occSymbol: string;
  underlying: string;
  expiry: string;
  strike: string;
  optionType: 'C' | 'P';
  snapshotTime: number;
  lastTradeTime: number | null;
  bid: string | null;
  ask: string | null;
  last: string | null;
  volume: number | null;
  openInterest: number | null;
  impliedVolatility: number | null;
  underlyingPrice: string | null;
  /** Theta per calendar day; vega per 1 volatility point; rho per 1 rate point. */
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  rho: number | null;
  greeksSource: 'provider' | 'computed' | null;
  provider: string;
  ingestTime: number;
}

export interface AdjustmentSegmentRecord {
  fromTime: number | null;
  toTime: number | null;
  splitFactor: number;
  dividendFactor: number;
}

/** md.restatements.v1: a symbol's complete adjustment schedule and the range that changed. */
export interface RestatementRecord {
  symbol: string;
  segments: AdjustmentSegmentRecord[];
  changedFrom: number | null;
  changedTo: number | null;
  cause: string;
  publishedAt: number;
}

/** md.quality.issues.v1 (schemas/md.quality.issues.v1.avsc); evidence is a JSON object as text. */
export interface QualityIssueRecord {
  type: string;
  severity: 'INFO' | 'WARNING' | 'CRITICAL';
  symbol: string;
  timeframe: string;
  windowStart: number;
  windowEnd: number;
  evidence: string;
  detectedAt: number;
}

/** md.features.v1 (schemas/md.features.v1.avsc); a null value is a feature still warming up. */
export interface FeatureVectorRecord {
  symbol: string;
  timeframe: string;
  provider: string;
  eventTime: number;
  ingestTime: number;
  featureSet: string;
  values: Record<string, number | null>;
}

/** md.bars.intrinsic.v1 (schemas/md.bars.intrinsic.v1.avsc): the domain's IntrinsicBar, prices as decimal strings. */
export type { IntrinsicBar as IntrinsicBarRecord } from '@md/domain';

// The regime levels and the signal shape are the domain's (libs/domain/src/altdata), which owns
// their rules; contracts re-export them under the record names instead of declaring them twice.
export { VIX_REGIME_LEVELS as VIX_REGIMES } from '@md/domain';
import type { VixRegime } from '@md/domain';
export type VixRegimeLevel = VixRegime;

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
}

/** md.altdata.signals.v1 (schemas/md.altdata.signals.v1.avsc). */
export type { AltSignal as AltSignalRecord } from '@md/domain';
