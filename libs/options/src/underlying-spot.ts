import type { OptionType } from './occ-symbol';

// A chain snapshot without the underlying's price (the Yahoo-style file in shared/data has none)
// still prices it: put-call parity (Hull ch. 11, with a dividend yield ch. 17),
//   c - p = S e^(-qT) - K e^(-rT)   so   S = (c - p + K e^(-rT)) e^(qT),
// holds for European options; for American ones near expiry the early-exercise premium is small.

export interface ParityQuote {
  readonly type: OptionType;
  readonly strike: number;
  readonly bid: number | null;
  readonly ask: number | null;
  /** The vendor's moneyness flag, if any: brackets the spot between two strikes. */
  readonly inTheMoney: boolean | null;
}

export interface ParityInputs {
  readonly rate: number;
  readonly dividendYield: number;
  readonly years: number;
}

/** Pairs nearest the money: where c - p is smallest the quotes are tightest and most liquid. */
const PAIRS_USED = 3;

/** Mid of a two-sided quote; null when a side is missing, zero or crossed. */
function mid(q: ParityQuote): number | null {
  if (q.bid === null || q.ask === null || !(q.bid > 0) || q.ask < q.bid) return null;
  return (q.bid + q.ask) / 2;
}

function midsByStrike(quotes: readonly ParityQuote[], type: OptionType): Map<number, number> {
  const mids = new Map<number, number>();
  for (const q of quotes) {
    const m = q.type === type ? mid(q) : null;
    if (m !== null) mids.set(q.strike, m);
  }
  return mids;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = sorted.length >> 1;
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
}

/**
 * The strikes the moneyness flags put the spot between: above every in-the-money call and
 * out-of-the-money put strike, below every out-of-the-money call and in-the-money put strike.
 */
export function moneynessBracket(quotes: readonly ParityQuote[]): [number, number] {
  let [lo, hi] = [-Infinity, Infinity];
  for (const q of quotes) {
    if (q.inTheMoney === null) continue;
    const below = (q.type === 'C') === q.inTheMoney; // the strike is below the spot
    if (below) lo = Math.max(lo, q.strike);
    else hi = Math.min(hi, q.strike);
  }
  return [lo, hi];
}

/**
 * The underlying's price implied by one expiry's chain: the median of the parity spots at the
 * PAIRS_USED strikes with the smallest |c - p| (mid quotes, both sides bid), kept inside the
 * moneyness bracket when the flags give a consistent one. Null when no strike has both a
 * two-sided call and put quote.
 */
export function paritySpot(quotes: readonly ParityQuote[], p: ParityInputs): number | null {
  const calls = midsByStrike(quotes, 'C');
  const puts = midsByStrike(quotes, 'P');
  const pairs = [...calls].filter(([k]) => puts.has(k)).map(([k, c]) => ({ k, gap: c - puts.get(k)! }));
  if (pairs.length === 0) return null;
  pairs.sort((a, b) => Math.abs(a.gap) - Math.abs(b.gap));
  const spots = pairs.slice(0, PAIRS_USED).map(({ k, gap }) => (gap + k * Math.exp(-p.rate * p.years)) * Math.exp(p.dividendYield * p.years));
  const [lo, hi] = moneynessBracket(quotes);
  const spot = median(spots);
  return lo <= hi ? Math.min(Math.max(spot, lo), hi) : spot;
}
