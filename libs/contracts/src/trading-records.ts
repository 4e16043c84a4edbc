// Trading records (issue 17): what a broker account did, in the platform's terms, whichever
// broker reported it (Alpaca trade_updates and REST, E*TRADE accounts API, Fidelity exports).
// Prices and quantities are exact decimal strings (Avro decimal(20,8)), times microseconds UTC.
// No personal data: an account appears only as the alias configured for it.

export type OrderSide = 'BUY' | 'SELL';

/**
 * md.orders.v1 (schemas/md.orders.v1.avsc), keyed by orderId: an order's state after one broker
 * event. The latest revision of an order is its state; every revision is its history.
 */
export interface OrderEventRecord {
  broker: string;
  accountAlias: string;
  orderId: string;
  clientOrderId: string | null;
  symbol: string;
  side: OrderSide;
  /** market, limit, stop, stop_limit, trailing_stop (the broker's word, lower case). */
  orderType: string;
  timeInForce: string | null;
  quantity: string;
  filledQuantity: string;
  limitPrice: string | null;
  stopPrice: string | null;
  averageFillPrice: string | null;
  /** The broker's order status after the event, lower case: new, partially_filled, filled, canceled, replaced, ... */
  status: string;
  /** The event: new, fill, partial_fill, canceled, ...; `snapshot` for a state read over REST. */
  event: string;
  /** The order this one replaces (a replace creates a new order id). */
  replacesOrderId: string | null;
  eventTime: number;
  /** The broker's event sequence for the order: a higher revision is a later state. */
  revision: number;
  ingestTime: number;
}

/**
 * md.executions.v1, keyed by executionId: one fill. The id is `<orderId>@<cumulative quantity
 * after the fill>`, which every source of the same fill agrees on (a stream event and a REST
 * activity carry different broker ids); brokerExecutionId keeps the broker's own.
 */
export interface ExecutionRecord {
  broker: string;
  accountAlias: string;
  executionId: string;
  brokerExecutionId: string | null;
  orderId: string;
  symbol: string;
  side: OrderSide;
  price: string;
  quantity: string;
  cumulativeQuantity: string;
  executionTime: number;
  ingestTime: number;
}

/** md.positions.v1, compacted, keyed by `<accountAlias>|<symbol>`: the broker's position at asOf. */
export interface PositionRecord {
  broker: string;
  accountAlias: string;
  symbol: string;
  /** Signed: negative is short; "0" closes the position. */
  quantity: string;
  averageEntryPrice: string;
  /** The broker's price of the symbol at asOf (Alpaca current_price, E*TRADE lastTrade, Fidelity Last Price), when given. */
  lastPrice?: string | null;
  asOf: number;
  /** Where it was read: rest, after_fill, export, ... */
  source: string;
  ingestTime: number;
}

export type SignalDirection = 'LONG' | 'SHORT' | 'FLAT';

/** md.signals.v1, keyed by symbol: the contract downstream models publish. */
export interface SignalRecord {
  symbol: string;
  direction: SignalDirection;
  /** Model-defined strength, usually in [0, 1] or a z-score; stored as given. */
  strength: number;
  model: string;
  modelVersion: string;
  /** The asOf of the features the model read (md.features.v1 availableTime or earlier). */
  featuresAsOf: number;
  signalTime: number;
  /** When the signal could first be known (>= featuresAsOf). */
  availableTime: number;
}

export type RiskSeverity = 'INFO' | 'WARNING' | 'CRITICAL';

/** md.risk.events.v1, keyed by symbol or account alias: one risk alert with the numbers behind it. */
export interface RiskEventRecord {
  /** quality_issue, vix_regime_change, stale_feed, position_concentration. */
  type: string;
  severity: RiskSeverity;
  symbol: string | null;
  accountAlias: string | null;
  /** JSON object: the numbers that raised it. */
  metrics: string;
  detectedAt: number;
  availableTime: number;
}
