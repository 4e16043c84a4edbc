/** A record of a platform topic, decoded, with where it was in the log. */
export interface MdRecord<T = Record<string, unknown>> {
  topic: string;
  partition: number;
  offset: string;
  /** The Kafka key as text (the symbol for bars and features). */
  key: string | null;
  /** The record's Kafka timestamp (the producer's CreateTime). */
  timestamp: Date;
  value: T;
}

/** md.bars.v1 (schemas/md.bars.v1.avsc): prices exact decimal strings with 8 places. */
export interface Bar {
  symbol: string;
  timeframe: string;
  provider: string;
  eventTime: Date;
  eventTimeMicros: number;
  ingestTime: Date;
  ingestTimeMicros: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: number;
  tradeCount: number | null;
  vwap: string | null;
  /** A provider correction of the same bar has a higher revision. */
  revision: number;
  session: 'PRE' | 'REGULAR' | 'POST' | 'CLOSED' | 'UNKNOWN';
  splitFactor: number;
  dividendFactor: number;
  /** Rule version of the stage that produced it; a reprocess emits a higher one. */
  generation: number;
}

/** md.features.v1 (schemas/md.features.v1.avsc): one vector per bar, null where a window is not full yet. */
export interface FeatureVector {
  symbol: string;
  timeframe: string;
  provider: string;
  eventTime: Date;
  eventTimeMicros: number;
  ingestTime: Date;
  ingestTimeMicros: number;
  featureSet: string;
  values: Record<string, number | null>;
  /** When the vector could first be known (its bar's end); null on records older than the field. */
  availableTime: Date | null;
  availableTimeMicros?: number;
  generation: number;
}

/**
 * md.signals.v1 (schemas/md.signals.v1.avsc), the contract a model publishes, keyed by symbol;
 * identity (symbol, model, signalTime). To publish, times are microsecond numbers (RecordEncoder);
 * decoded, they come as Dates plus `<field>Micros`.
 */
export interface SignalValue {
  symbol: string;
  direction: 'LONG' | 'SHORT' | 'FLAT';
  strength: number;
  model: string;
  modelVersion: string;
  /** The asOf of the features the model read (their availableTime). */
  featuresAsOf: number;
  signalTime: number;
  /** When the signal could first be known: not before featuresAsOf. */
  availableTime: number;
}

/** The value types of the topics the client types; other topics decode to plain records. */
export interface TopicValues {
  'md.bars.v1': Bar;
  'md.features.v1': FeatureVector;
}

export type ValueOf<K extends string> = K extends keyof TopicValues ? TopicValues[K] : Record<string, unknown>;
