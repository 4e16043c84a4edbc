// An exponentially decayed mean by event time (never the wall clock), the building block of the
// per-symbol rolling sentiment: an observation of age a counts 2^(-a / halfLife). The state keeps
// the decayed sums at the time of its newest input, so the value at that time uses only inputs
// at or before it (backward-only), and the result does not depend on arrival order: a late input
// (older than the newest) is added with the weight its age at the state's time gives it.

export interface DecayedMean {
  /** Σ w·x and Σ w, both decayed to `atUs`. */
  sum: number;
  weight: number;
  /** Event time of the newest input, UTC micros. */
  atUs: number;
  /** Inputs taken, undecayed. */
  count: number;
}

export const EMPTY_DECAYED_MEAN: DecayedMean = { sum: 0, weight: 0, atUs: Number.NEGATIVE_INFINITY, count: 0 };

/** 2^(-ageUs / halfLifeUs): the weight left to something ageUs old. */
export function decayFactor(ageUs: number, halfLifeUs: number): number {
  return Math.pow(2, -Math.max(0, ageUs) / halfLifeUs);
}

/** Adds x observed at eventTimeUs; returns the new state (the input is not modified). */
export function addDecayed(state: DecayedMean, x: number, eventTimeUs: number, halfLifeUs: number): DecayedMean {
  if (!Number.isFinite(x)) throw new Error(`decayed mean: input must be finite, got ${x}`);
  if (!(halfLifeUs > 0)) throw new Error(`decayed mean: half-life must be > 0, got ${halfLifeUs}`);
  if (state.count === 0 || eventTimeUs >= state.atUs) {
    const d = state.count === 0 ? 0 : decayFactor(eventTimeUs - state.atUs, halfLifeUs);
    return { sum: state.sum * d + x, weight: state.weight * d + 1, atUs: eventTimeUs, count: state.count + 1 };
  }
  const w = decayFactor(state.atUs - eventTimeUs, halfLifeUs);
  return { sum: state.sum + w * x, weight: state.weight + w, atUs: state.atUs, count: state.count + 1 };
}

/** The decayed mean; null with no input. Unchanged by the passing of time alone. */
export function decayedValue(state: DecayedMean): number | null {
  return state.count === 0 ? null : state.sum / state.weight;
}

/** Effective number of inputs left at `atUs` (≥ the state's time): Σ w decayed further. */
export function effectiveCount(state: DecayedMean, atUs: number, halfLifeUs: number): number {
  return state.count === 0 ? 0 : state.weight * decayFactor(atUs - state.atUs, halfLifeUs);
}
