import type { FeatureVector, SignalValue } from '@md-platform/client';

/** The one-bar simple return of the close (the platform's default-v1 feature set). */
export const RETURN_FEATURE = 'ret_1';
/** The 20-bar standard deviation of one-bar log returns (default-v1). */
export const VOLATILITY_FEATURE = 'vol_20';

/** What the service publishes, as JSON, keyed by symbol. */
export interface Signal {
  symbol: string;
  timeframe: string;
  /** Start of the bar the vector describes, ISO 8601 UTC: with symbol and timeframe, the signal's identity. */
  eventTime: string;
  featureSet: string;
  /** ret_1 / vol_20: the last bar's move in units of its recent volatility (a z-score of the move). */
  score: number;
  /** long when score >= threshold, short when score <= -threshold, flat between. */
  direction: 'long' | 'short' | 'flat';
  threshold: number;
}

/**
 * The signal of one vector, or null when it cannot be computed: either input missing or null
 * (the feature engine publishes null while a window is still warming up, see the schema's
 * `values` doc), or a volatility of 0 (a flat window: the ratio has no meaning).
 * Simple and log returns differ by under 0.5% for one-bar moves below 1%, so the ratio reads as
 * "how many standard deviations did the last bar move".
 */
export function signalOf(vector: FeatureVector, threshold: number): Signal | null {
  const ret = vector.values[RETURN_FEATURE];
  const vol = vector.values[VOLATILITY_FEATURE];
  if (typeof ret !== 'number' || typeof vol !== 'number' || !Number.isFinite(ret) || !(vol > 0)) return null;
  const score = ret / vol;
  const direction = score >= threshold ? 'long' : score <= -threshold ? 'short' : 'flat';
  return {
    symbol: vector.symbol, timeframe: vector.timeframe, eventTime: vector.eventTime.toISOString(),
    featureSet: vector.featureSet, score, direction, threshold,
  };
}

/**
 * The signal in the platform's contract (md.signals.v1): identity (symbol, model, signalTime),
 * signalTime the vector's bar, featuresAsOf and availableTime the vector's availableTime (the
 * rule is instant, so the signal is known when its features are). A reprocessed vector makes a
 * signal with the same identity, which replaces the first in the platform's `signals` table.
 */
export function toSignalValue(signal: Signal, vector: FeatureVector, model: string, modelVersion: string): SignalValue {
  const featuresAsOf = vector.availableTimeMicros ?? (vector.availableTime ? vector.availableTime.getTime() * 1000 : vector.ingestTimeMicros);
  return {
    symbol: signal.symbol, direction: signal.direction.toUpperCase() as SignalValue['direction'], strength: signal.score,
    model, modelVersion, featuresAsOf, signalTime: vector.eventTimeMicros, availableTime: featuresAsOf,
  };
}
