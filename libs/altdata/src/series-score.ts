import { decayFactor } from './decayed-mean';

// Web traffic, card spending, satellite counts and supply-chain series are levels in their own
// units (visits, dollars, cars); the composite needs a score in [-1, 1]. Each observation is
// standardised against the series' own exponentially weighted mean and variance *before* it
// (backward-only, by event time; West 1979 weighted incremental update, numerically stable),
// then squashed: score = tanh(z / 2), so one standard deviation above the norm scores 0.46 and
// three score 0.91. Until the series has `minObservations` of effective history it has no score.

export interface EwMoments {
  weight: number;
  mean: number;
  /** Σ w (x - mean)², decayed with the weights. */
  m2: number;
  atUs: number;
  count: number;
}

export const EMPTY_MOMENTS: EwMoments = { weight: 0, mean: 0, m2: 0, atUs: Number.NEGATIVE_INFINITY, count: 0 };

export interface SeriesPolicy {
  /** Half-life of the mean and variance, milliseconds. */
  halfLifeMs: number;
  /** Effective observations needed before a score is given (warm-up). */
  minObservations: number;
}

export const DEFAULT_SERIES_POLICY: SeriesPolicy = { halfLifeMs: 28 * 24 * 3_600_000, minObservations: 3 };

/** The score of x against the moments so far; null while warming up or for a late observation. */
export function seriesScore(m: EwMoments, x: number, eventTimeUs: number, policy: SeriesPolicy): number | null {
  if (m.count === 0 || eventTimeUs < m.atUs) return null;
  const weight = m.weight * decayFactor(eventTimeUs - m.atUs, policy.halfLifeMs * 1000);
  if (weight < policy.minObservations) return null;
  const sd = Math.sqrt(m.m2 / m.weight);
  const diff = x - m.mean;
  if (sd === 0) return diff === 0 ? 0 : Math.sign(diff);
  return Math.tanh(diff / sd / 2);
}

/** Folds x in: decays the moments to the newer time, or weighs a late x by its age. */
export function addMoment(m: EwMoments, x: number, eventTimeUs: number, policy: SeriesPolicy): EwMoments {
  if (!Number.isFinite(x)) throw new Error(`series: value must be finite, got ${x}`);
  const halfLifeUs = policy.halfLifeMs * 1000;
  const late = m.count > 0 && eventTimeUs < m.atUs;
  const d = m.count === 0 || late ? 1 : decayFactor(eventTimeUs - m.atUs, halfLifeUs);
  const w = late ? decayFactor(m.atUs - eventTimeUs, halfLifeUs) : 1;
  const weight = m.weight * d + w;
  const mean = m.mean + (w / weight) * (x - m.mean);
  const m2 = m.m2 * d + w * (x - m.mean) * (x - mean);
  return { weight, mean, m2, atUs: late ? m.atUs : eventTimeUs, count: m.count + 1 };
}
