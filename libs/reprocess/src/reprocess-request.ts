export interface ReprocessRequest {
  symbols: string[];
  /** Window of the outputs (their event time), UTC micros, [from, to). */
  from: number;
  to: number;
  /** Days before `from` whose stored inputs rebuild the state (warm-up); their outputs are not published. */
  warmupDays: number;
  generation: number;
  cause: string;
}

const DAY_US = 86_400_000_000;

/** Start of the warm-up: the stored inputs from here on rebuild a fresh state. */
export const warmupStart = (r: ReprocessRequest): number => r.from - r.warmupDays * DAY_US;
