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

/** md.corporate.actions.v1 (schemas/md.corporate.actions.v1.avsc). */
export interface CorporateActionRecord {
  symbol: string;
  exDate: string;
  kind: 'SPLIT' | 'CASH_DIVIDEND';
  ratioTo: number | null;
  ratioFrom: number | null;
  amount: string | null;
  referencePrice: string | null;
  provider: string;
  revision: number;
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
