// A symbol's chance of a trade in each part of the regular session, learned from its own
// finished days, and how improbable a run of empty bar slots is under it. Pure functions over a
// small JSON state (one pair of numbers per bucket), so the missing-bars detector can keep it in
// its changelog record.
//
// Model: trades arrive as a Poisson process whose intensity has a time-of-day shape (the
// intraday U of activity: Admati & Pfleiderer 1988, RFS 1(1); Jain & Joh 1988, JFQA 23(3)) and a
// level that varies from day to day (a doubly stochastic, "Cox", process: Cox 1955, JRSS B
// 17(2)). A slot is empty with probability 1 - p = exp(-lambda), so a run of empty slots has
// probability exp(-sum lambda_i), and a day k times as busy as usual scales that sum by k.
// p per bucket is a Beta-Bernoulli posterior mean with exponential forgetting (a prior worth a
// few slots for a symbol with no history; old days weigh less, so the state stays bounded).

export interface TradeProfileConfig {
  /** Width of a time-of-day bucket, from the open; each bucket has its own trade probability. */
  bucketMinutes: number;
  /** Effective memory in trading days: each finished day's counts weigh 1 - 1/lookbackDays less. */
  lookbackDays: number;
  /** A new symbol's trade probability per slot, before it has history. */
  priorProbability: number;
  /** How many slots of evidence the prior is worth, per bucket. */
  priorSlots: number;
  /** Pseudo-count (expected slots with a bar) that shrinks today's activity factor towards 1. */
  activityPseudoSlots: number;
}

export const DEFAULT_TRADE_PROFILE_CONFIG: TradeProfileConfig = {
  bucketMinutes: 15,
  lookbackDays: 20,
  // Uninformative: half the slots traded. A liquid symbol's first day is then judged at once
  // (30 empty minutes: 0.5^30 ~ 1e-9) and a thin one's learned profile replaces it within days.
  priorProbability: 0.5,
  priorSlots: 15,
  activityPseudoSlots: 10,
};

export interface TradeProfileState {
  /** Per bucket, slots with a bar, exponentially weighted over finished days. */
  traded: number[];
  /** Per bucket, session slots, weighted the same way. */
  slots: number[];
}

export function emptyTradeProfile(): TradeProfileState {
  return { traded: [], slots: [] };
}

/** Posterior mean chance that a slot in `bucket` has a bar. */
export function tradeProbability(profile: TradeProfileState, bucket: number, c: TradeProfileConfig): number {
  const traded = profile.traded[bucket] ?? 0;
  const slots = profile.slots[bucket] ?? 0;
  return (c.priorProbability * c.priorSlots + traded) / (c.priorSlots + slots);
}

/** Poisson intensity of a slot in `bucket`: -ln(1 - p). */
export function slotIntensity(profile: TradeProfileState, bucket: number, c: TradeProfileConfig): number {
  return -Math.log1p(-tradeProbability(profile, bucket, c));
}

/** The profile after one more finished day: its per-bucket counts of traded and session slots. */
export function learnDay(profile: TradeProfileState, traded: readonly number[], slots: readonly number[], c: TradeProfileConfig): TradeProfileState {
  const keep = 1 - 1 / c.lookbackDays;
  const n = Math.max(profile.slots.length, slots.length);
  const next = emptyTradeProfile();
  for (let b = 0; b < n; b++) {
    next.traded.push(keep * (profile.traded[b] ?? 0) + (traded[b] ?? 0));
    next.slots.push(keep * (profile.slots[b] ?? 0) + (slots[b] ?? 0));
  }
  return next;
}

/**
 * Today's activity relative to the profile, from the slots seen so far only (no look-ahead):
 * (observed + k) / (expected + k). 1 before anything is known; above 1 on a busy day.
 */
export function activityFactor(observedSlots: number, expectedSlots: number, c: TradeProfileConfig): number {
  return (observedSlots + c.activityPseudoSlots) / (expectedSlots + c.activityPseudoSlots);
}

/** ln P(every slot empty) for slots in the given buckets, on a day `activity` times as busy as usual. */
export function emptyRunLogProbability(profile: TradeProfileState, buckets: readonly number[], activity: number, c: TradeProfileConfig): number {
  let intensity = 0;
  for (const b of buckets) intensity += slotIntensity(profile, b, c);
  return -activity * intensity;
}

/** Expected slots with a bar among the given buckets' slots (the denominator of the activity factor). */
export function expectedTradedSlots(profile: TradeProfileState, buckets: readonly number[], c: TradeProfileConfig): number {
  let sum = 0;
  for (const b of buckets) sum += tradeProbability(profile, b, c);
  return sum;
}
