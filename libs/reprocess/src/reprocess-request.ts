import { MICROS_PER_DAY } from '@md/market';

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


/** Start of the warm-up: the stored inputs from here on rebuild a fresh state. */
export const warmupStart = (r: ReprocessRequest): number => r.from - r.warmupDays * MICROS_PER_DAY;
