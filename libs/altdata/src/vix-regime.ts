import { VIX_REGIMES, type VixRegimeLevel } from '@md/contracts';

// VIX regime classification with hysteresis (issue #6, alt-data-aggregator 1). Pure: the state is
// a plain JSON object the caller keeps (and may checkpoint), the step function returns the next one.


/**
 * Default boundaries between the seven levels, in index points: <12 COMPLACENT, 12-15 LOW,
 * 15-20 NORMAL, 20-25 ELEVATED, 25-30 HIGH, 30-40 EXTREME, >=40 CRISIS. Why these numbers: the
 * VIX has averaged about 19-20 since 1990 (CBOE's VIX_History.csv) with its median in the high
 * teens, so 15-20 is "normal"; closes under 12 come in long calm stretches (2017 held most of
 * them, with the record low close 9.14 on 2017-11-03), which market commentary calls
 * complacency; above 20 CBOE and the press speak of elevated fear, 30 and up is the usual
 * "high fear" band, and closes at or above 40 came only in crises (2008, 2011, 2015-08-24 at
 * 40.74, 2020-03-16 at the record 82.69). Closes quoted from CBOE's published history.
 */
export const DEFAULT_VIX_THRESHOLDS: readonly number[] = [12, 15, 20, 25, 30, 40];

export interface VixRegimePolicy {
  /** Six increasing boundaries; level i covers [thresholds[i-1], thresholds[i]). */
  thresholds: readonly number[];
  /**
   * Dead band around each boundary, in index points: to move up across boundary b the value must
   * reach b + band, to move down it must fall below b - band (a Schmitt trigger per boundary).
   */
  bandPoints: number;
  /** Also a fraction of the boundary (0.02 = 2%); the wider of the two bands applies. */
  bandFraction: number;
  /** Consecutive observations that must point out of the current regime before it changes. */
  confirmations: number;
}

/** 0.5 point: about one daily standard deviation of the VIX in calm markets; one confirmation. */
export const DEFAULT_VIX_POLICY: VixRegimePolicy = { thresholds: DEFAULT_VIX_THRESHOLDS, bandPoints: 0.5, bandFraction: 0, confirmations: 1 };

/** JSON-serialisable classifier state for one index. */
export interface VixRegimeState {
  regime: VixRegimeLevel | null;
  /** Event time (UTC micros) of the last observation taken; older or equal ones are repeats. */
  lastEventTime: number | null;
  /** Observations in a row that pointed out of the regime, and where the latest pointed. */
  pending: { regime: VixRegimeLevel; count: number } | null;
}

export const INITIAL_VIX_STATE: VixRegimeState = { regime: null, lastEventTime: null, pending: null };

export interface VixRegimeStep {
  state: VixRegimeState;
  /** False for an observation at or before the last one taken (a re-read of the same history). */
  accepted: boolean;
  regime: VixRegimeLevel;
  previousRegime: VixRegimeLevel | null;
  changed: boolean;
}

/** Refuses a policy that cannot classify (wrong count, not increasing, negative band, no confirmations). */
export function validateVixPolicy(policy: VixRegimePolicy): VixRegimePolicy {
  const t = policy.thresholds;
  if (t.length !== VIX_REGIMES.length - 1) throw new Error(`VIX thresholds: need ${VIX_REGIMES.length - 1} boundaries, got ${t.length}`);
  if (!t.every((b, i) => Number.isFinite(b) && (i === 0 || b > t[i - 1]))) throw new Error(`VIX thresholds must increase strictly: ${t.join(',')}`);
  if (!(policy.bandPoints >= 0) || !(policy.bandFraction >= 0)) throw new Error('VIX hysteresis band must be >= 0');
  if (!Number.isInteger(policy.confirmations) || policy.confirmations < 1) throw new Error('VIX confirmations must be an integer >= 1');
  return policy;
}

/** The level a value falls in with no memory: the number of boundaries at or below it. */
export function rawVixRegime(value: number, thresholds: readonly number[] = DEFAULT_VIX_THRESHOLDS): VixRegimeLevel {
  let level = 0;
  while (level < thresholds.length && value >= thresholds[level]) level++;
  return VIX_REGIMES[level];
}

function band(boundary: number, policy: VixRegimePolicy): number {
  return Math.max(policy.bandPoints, policy.bandFraction * Math.abs(boundary));
}

/**
 * Where a value points from `current`: up to the highest level whose lower boundary it clears by
 * the band, down to the lowest level whose upper boundary it undercuts by the band, else stay.
 * A jump over several boundaries lands on the furthest one cleared, not on the raw level.
 */
export function proposedVixRegime(value: number, current: VixRegimeLevel, policy: VixRegimePolicy): VixRegimeLevel {
  const t = policy.thresholds;
  const at = VIX_REGIMES.indexOf(current);
  let up = at;
  while (up < t.length && value >= t[up] + band(t[up], policy)) up++;
  if (up > at) return VIX_REGIMES[up];
  let down = at;
  while (down > 0 && value < t[down - 1] - band(t[down - 1], policy)) down--;
  return VIX_REGIMES[down];
}

/** One observation through the classifier. The first observation takes its raw level. */
export function stepVixRegime(state: VixRegimeState, value: number, eventTime: number, policy: VixRegimePolicy = DEFAULT_VIX_POLICY): VixRegimeStep {
  if (!Number.isFinite(value) || value < 0) throw new Error(`VIX value must be a finite number >= 0, got ${value}`);
  if (state.regime !== null && state.lastEventTime !== null && eventTime <= state.lastEventTime) {
    return { state, accepted: false, regime: state.regime, previousRegime: state.regime, changed: false };
  }
  if (state.regime === null) {
    const regime = rawVixRegime(value, policy.thresholds);
    return { state: { regime, lastEventTime: eventTime, pending: null }, accepted: true, regime, previousRegime: null, changed: false };
  }
  const current = state.regime;
  const proposed = proposedVixRegime(value, current, policy);
  if (proposed === current) {
    return { state: { regime: current, lastEventTime: eventTime, pending: null }, accepted: true, regime: current, previousRegime: current, changed: false };
  }
  // Confirmations count observations pointing the same way (up or down) out of the regime.
  const up = (r: VixRegimeLevel) => VIX_REGIMES.indexOf(r) > VIX_REGIMES.indexOf(current);
  const count = state.pending && up(state.pending.regime) === up(proposed) ? state.pending.count + 1 : 1;
  if (count < policy.confirmations) {
    return { state: { regime: current, lastEventTime: eventTime, pending: { regime: proposed, count } }, accepted: true, regime: current, previousRegime: current, changed: false };
  }
  return { state: { regime: proposed, lastEventTime: eventTime, pending: null }, accepted: true, regime: proposed, previousRegime: current, changed: true };
}
