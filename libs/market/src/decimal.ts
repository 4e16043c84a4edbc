import { InvalidRecordError } from '@md/contracts';

// Prices travel as exact decimals (Avro decimal(20,8), SQL numeric(20,8)), never binary
// floats. In memory a price is its canonical decimal string with exactly PRICE_SCALE
// fraction digits; comparisons go through scaled bigints so no rounding can creep in.
export const PRICE_SCALE = 8;
export const PRICE_PRECISION = 20;

const DECIMAL = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** Parses a plain decimal ("17.921", "-3", "0.5") to canonical form; rejects NaN, Inf, exponents. */
export function parseDecimal(text: string, scale = PRICE_SCALE): string {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new InvalidRecordError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ''] = m;
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) {
    throw new InvalidRecordError(`${text} has more than ${scale} fraction digits`);
  }
  const digits = whole.replace(/^0+(?=\d)/, '');
  if (digits.length > PRICE_PRECISION - scale) {
    throw new InvalidRecordError(`${text} exceeds ${PRICE_PRECISION - scale} integer digits`);
  }
  const body = `${digits}.${frac.slice(0, scale).padEnd(scale, '0')}`;
  return sign === '-' && /[1-9]/.test(body) ? `-${body}` : body;
}

/**
 * The decimal's digits as one integer string, when it is already canonical at `scale`
 * ("-?digits.digits" with exactly `scale` fraction digits). A char loop, not a regex: this runs
 * for every price of every record, and measured several times faster here.
 */
function canonicalDigits(decimal: string, scale: number): string | undefined {
  const dot = decimal.length - scale - 1;
  const start = decimal.charCodeAt(0) === 45 ? 1 : 0;
  if (dot <= start || decimal.charCodeAt(dot) !== 46) return undefined;
  for (let i = start; i < decimal.length; i++) {
    const c = decimal.charCodeAt(i);
    if (i !== dot && (c < 48 || c > 57)) return undefined;
  }
  return decimal.slice(0, dot) + decimal.slice(dot + 1);
}

/**
 * The scaled integer as a JS number when it is exactly representable (|v| < 2^53, i.e. prices
 * under ~90 million at 8 decimals), else undefined. The hot path (validation, Avro encoding)
 * runs on this; bigints are the fallback.
 */
export function toScaledNumber(decimal: string, scale = PRICE_SCALE): number | undefined {
  const digits = canonicalDigits(decimal, scale) ?? canonicalDigits(parseDecimal(decimal, scale), scale)!;
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The decimal as an integer scaled by 10^scale: "17.92100000" -> 1792100000n. */
export function toScaled(decimal: string, scale = PRICE_SCALE): bigint {
  const digits = canonicalDigits(decimal, scale);
  if (digits !== undefined) return BigInt(digits);
  const canonical = parseDecimal(decimal, scale);
  const negative = canonical.startsWith('-');
  const [whole, frac] = canonical.replace('-', '').split('.');
  const value = BigInt(whole + frac);
  return negative ? -value : value;
}

/** Inverse of toScaled. */
export function fromScaled(value: bigint, scale = PRICE_SCALE): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const body = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${body}` : body;
}

export function compareDecimal(a: string, b: string): number {
  const p = toScaledNumber(a);
  const q = toScaledNumber(b);
  if (p !== undefined && q !== undefined) return p < q ? -1 : p > q ? 1 : 0;
  const x = toScaled(a);
  const y = toScaled(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A number from a provider's JSON as plain decimal text: String() gives the shortest digits that
 * round-trip, but switches to exponent form below 1e-6 and from 1e21, which parseDecimal refuses.
 */
export function plainDecimal(value: number | bigint): string {
  const text = String(value);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, lead, rest = '', expText] = m;
  const exp = Number(expText);
  return exp < 0 ? `${sign}0.${'0'.repeat(-exp - 1)}${lead}${rest}` : `${sign}${(lead + rest).padEnd(exp + 1, '0')}`;
}

/**
 * An average (VWAP) from a provider's JSON: not a traded price, so rounded to the price scale
 * instead of refused when it carries more digits. A traded price goes through parseDecimal(plainDecimal(v)).
 */
export function averageDecimal(value: number | bigint): string {
  const text = plainDecimal(value);
  const fraction = text.split('.')[1] ?? '';
  return parseDecimal(fraction.length > PRICE_SCALE && typeof value === 'number' ? value.toFixed(PRICE_SCALE) : text);
}
