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
