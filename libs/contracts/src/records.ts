// TypeScript shapes of the topic values (bars in bar.ts, derived topics in derived-records.ts).
// Declared once, here at the bottom layer: the domain libraries and the services import them.
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

/**
 * md.corporate-actions.v1 (schemas/md.corporate-actions.v1.avsc): kinds upper case as Avro enums
 * are, amounts as exact decimal strings. libs/market's CorporateAction is the parsed form.
 */
export interface CorporateActionRecord {
  symbol: string;
  exDate: string;
  kind: CorporateActionRecordKind;
  ratioTo: number | null;
  ratioFrom: number | null;
  amount: string | null;
  referencePrice: string | null;
  provider: string;
  /** SYMBOL_CHANGE: the new ticker; MERGER: the acquirer; SPIN_OFF: the new company. Absent or null otherwise. */
  newSymbol?: string | null;
  revision: number;
  ingestTime: number;
}

/** SPLIT and CASH_DIVIDEND adjust prices; the others are stored with their terms (SYMBOL_CHANGE also links tickers). */
export type CorporateActionRecordKind = 'SPLIT' | 'CASH_DIVIDEND' | 'SYMBOL_CHANGE' | 'MERGER' | 'SPIN_OFF';

/** The kinds that move a price series (the preprocessor's adjustment schedule takes only these). */
export const PRICE_ACTION_KINDS: ReadonlySet<CorporateActionRecordKind> = new Set(['SPLIT', 'CASH_DIVIDEND']);

/**
 * md.options.chain.v1 (schemas/md.options.chain.v1.avsc), keyed by the compact OCC symbol
 * (libs/options parses and prices it). Missing source fields stay null, never zero.
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
  /** End of the input bar that revealed the finding (the wall clock for staleness); see PointInTime. */
  availableTime: number | null;
  /** The quality-monitor's GENERATION. */
  generation: number;
}
