import { InvalidRecordError } from '@md/contracts';
import type { OptionType } from './occ-symbol';

// Black-Scholes-Merton for a European option on a stock paying a continuous dividend yield q
// (Hull, Options, Futures and Other Derivatives: ch. 15; ch. 17 for the yield; ch. 19 for the
// Greek letters). Listed US equity options are American: for calls without dividends the value
// is the same; for puts and dividend payers these are the usual European approximations that
// vendors quote too.

export interface OptionInputs {
  readonly type: OptionType;
  /** Underlying price S. */
  readonly spot: number;
  readonly strike: number;
  /** Time to expiry T in years (ACT/365). */
  readonly years: number;
  /** Risk-free rate r, continuously compounded, per year (0.05 = 5%). */
  readonly rate: number;
  /** Dividend yield q, continuously compounded, per year; 0 for none. */
  readonly dividendYield: number;
  /** Volatility sigma per year (0.2 = 20%). */
  readonly volatility: number;
}

/**
 * Greeks in the units traders and vendors quote (Hull ch. 19 gives per-year and per-1.00
 * values; these are divided down):
 * theta per calendar day (per-year / 365), vega per 1 volatility point (per 1.00 / 100),
 * rho per 1 percentage point of the rate (per 1.00 / 100). Delta and gamma per $1 of the underlying.
 */
export interface Greeks {
  readonly delta: number;
  readonly gamma: number;
  readonly theta: number;
  readonly vega: number;
  readonly rho: number;
}

const DAYS_PER_YEAR = 365;
const PER_POINT = 100;

/**
 * Standard normal CDF, absolute error under 1e-15 (checked against erfc): Hart (1968) as given by G. West, "Better
 * approximations to cumulative normal functions" (Wilmott, 2005), figure 2.
 */
export function normalCdf(x: number): number {
  const z = Math.abs(x);
  if (z > 37) return x > 0 ? 1 : 0;
  const e = Math.exp(-z * z / 2);
  let tail: number;
  if (z < 7.07106781186547) {
    const num = ((((((0.0352624965998911 * z + 0.700383064443688) * z + 6.37396220353165) * z + 33.912866078383) * z + 112.079291497871) * z + 221.213596169931) * z + 220.206867912376);
    const den = (((((((0.0883883476483184 * z + 1.75566716318264) * z + 16.064177579207) * z + 86.7807322029461) * z + 296.564248779674) * z + 637.333633378831) * z + 793.826512519948) * z + 440.413735824752);
    tail = (e * num) / den;
  } else {
    tail = e / (z + 1 / (z + 2 / (z + 3 / (z + 4 / (z + 0.65))))) / 2.506628274631;
  }
  return x > 0 ? 1 - tail : tail;
}

export function normalPdf(x: number): number {
  return Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
}

function assertInputs(i: OptionInputs): void {
  const positive = [i.spot, i.strike, i.years, i.volatility].every((v) => Number.isFinite(v) && v > 0);
  if (positive && Number.isFinite(i.rate) && Number.isFinite(i.dividendYield)) return;
  throw new InvalidRecordError(
    `Black-Scholes inputs S=${i.spot} K=${i.strike} T=${i.years} sigma=${i.volatility} r=${i.rate} q=${i.dividendYield}: S, K, T and sigma must be > 0, r and q finite`,
  );
}

/** d1 and d2 (Hull ch. 17, with the yield q): d1 = (ln(S/K) + (r - q + sigma^2/2) T) / (sigma sqrt T). */
function d1d2(i: OptionInputs): [number, number] {
  const sd = i.volatility * Math.sqrt(i.years);
  const d1 = (Math.log(i.spot / i.strike) + (i.rate - i.dividendYield + (i.volatility * i.volatility) / 2) * i.years) / sd;
  return [d1, d1 - sd];
}

/** Discounted spot S e^(-qT) and strike K e^(-rT). */
function discounted(i: OptionInputs): [number, number] {
  return [i.spot * Math.exp(-i.dividendYield * i.years), i.strike * Math.exp(-i.rate * i.years)];
}

/** Option value (Hull ch. 17): c = S e^(-qT) N(d1) - K e^(-rT) N(d2); p by symmetry. */
export function optionPrice(i: OptionInputs): number {
  assertInputs(i);
  const [d1, d2] = d1d2(i);
  const [s, k] = discounted(i);
  return i.type === 'C' ? s * normalCdf(d1) - k * normalCdf(d2) : k * normalCdf(-d2) - s * normalCdf(-d1);
}

/** Hull ch. 19's Greek letters for an asset paying a yield q, in the units of `Greeks`. */
export function optionGreeks(i: OptionInputs): Greeks {
  assertInputs(i);
  const [d1, d2] = d1d2(i);
  const [s, k] = discounted(i);
  const sign = i.type === 'C' ? 1 : -1;
  const nd1 = normalCdf(sign * d1);
  const nd2 = normalCdf(sign * d2);
  const decay = (-s * normalPdf(d1) * i.volatility) / (2 * Math.sqrt(i.years));
  const thetaPerYear = decay + sign * (i.dividendYield * s * nd1 - i.rate * k * nd2);
  return {
    delta: sign * Math.exp(-i.dividendYield * i.years) * nd1,
    gamma: (Math.exp(-i.dividendYield * i.years) * normalPdf(d1)) / (i.spot * i.volatility * Math.sqrt(i.years)),
    theta: thetaPerYear / DAYS_PER_YEAR,
    vega: vegaPerUnit(i) / PER_POINT,
    rho: (sign * k * i.years * nd2) / PER_POINT,
  };
}

/** No-arbitrage bounds of a European price (Hull ch. 11, and ch. 17 with a yield): (lower, upper). */
export function priceBounds(i: Omit<OptionInputs, 'volatility'>): [number, number] {
  const [s, k] = discounted({ ...i, volatility: 1 });
  return i.type === 'C' ? [Math.max(0, s - k), s] : [Math.max(0, k - s), k];
}

/** dV/dsigma per 1.00 of volatility (Hull ch. 19): S e^(-qT) sqrt(T) N'(d1). */
function vegaPerUnit(i: OptionInputs): number {
  return discounted(i)[0] * Math.sqrt(i.years) * normalPdf(d1d2(i)[0]);
}

const MIN_VOL = 1e-9;
const MAX_VOL = 100;
const MAX_ITERATIONS = 200;

/**
 * The volatility at which the model matches `price`: Newton steps kept inside a shrinking
 * bisection bracket (Numerical Recipes' rtsafe), so it always converges for a price strictly
 * inside the no-arbitrage bounds; a price on or outside them has no implied volatility and is
 * refused with the bound it breaks.
 */
export function impliedVolatility(price: number, i: Omit<OptionInputs, 'volatility'>, tolerance = 1e-10): number {
  assertInputs({ ...i, volatility: 1 });
  const [lower, upper] = priceBounds(i);
  if (!(price > lower && price < upper)) {
    throw new InvalidRecordError(`price ${price} is outside the no-arbitrage bounds (${lower.toFixed(6)}, ${upper.toFixed(6)}) of a ${i.type === 'C' ? 'call' : 'put'} with S=${i.spot} K=${i.strike} T=${i.years}: no implied volatility exists`);
  }
  let [lo, hi] = [MIN_VOL, MAX_VOL];
  if (optionPrice({ ...i, volatility: hi }) < price) throw new InvalidRecordError(`price ${price} needs a volatility above ${MAX_VOL * 100}%`);
  let vol = 0.3;
  for (let n = 0; n < MAX_ITERATIONS; n++) {
    const diff = optionPrice({ ...i, volatility: vol }) - price;
    if (Math.abs(diff) < tolerance) return vol;
    if (diff > 0) hi = vol;
    else lo = vol;
    const newton = vol - diff / vegaPerUnit({ ...i, volatility: vol });
    vol = newton > lo && newton < hi ? newton : (lo + hi) / 2;
    if (hi - lo < tolerance * 1e-3) return vol;
  }
  return vol;
}
