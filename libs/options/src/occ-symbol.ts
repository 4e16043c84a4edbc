import { fromScaled, parseDecimal, toScaled } from '@md/market';
import { InvalidRecordError } from '@md/contracts';

// OCC Options Symbology Initiative (OSI, 2010), 21 characters:
//   root (1-6, space-padded to 6) | expiry yymmdd | C or P | strike x 1000, 8 digits (5.3)
// e.g. "AAPL  240802C00100000" = AAPL, 2024-08-02, call, 100.000. Vendors (Yahoo, Polygon without
// its "O:" prefix) drop the padding: "AAPL240802C00100000". Both forms are read; either is written.
export type OptionType = 'C' | 'P';

export interface OccSymbol {
  /** OSI root: the underlying's ticker, or an adjusted/weekly root such as AAPL1 or SPXW. */
  readonly root: string;
  /** Expiration date, 'YYYY-MM-DD'. */
  readonly expiry: string;
  readonly type: OptionType;
  /** Strike as a canonical 8-decimal string ("100.00000000"). */
  readonly strike: string;
}

const ROOT = /^[A-Z][A-Z0-9]{0,5}$/;
const TAIL = /^(\d{2})(\d{2})(\d{2})([CP])(\d{8})$/;
/** OSI strikes are thousandths of a dollar: 8 digits hold 0.001 to 99,999.999. */
const MAX_STRIKE_UNITS = 99_999_999n;
/** The decimal scale of a price (1e8) over the OSI scale (1e3). */
const OSI_TO_PRICE = 100_000n;

function symbolError(text: string, problem: string): InvalidRecordError {
  return new InvalidRecordError(`OCC symbol ${JSON.stringify(text)}: ${problem}; expected root(1-6) yymmdd C|P strike*1000 (8 digits), e.g. AAPL240802C00100000`);
}

/** 'YYYY-MM-DD' names a real calendar day (plain Date: this runs for every contract of a chain). */
function isCalendarDate(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === m - 1 && day.getUTCDate() === d;
}

/** OSI years are two digits; listed options expire within decades of 2010, so yy means 20yy. */
function expiryDate(text: string, yy: string, mm: string, dd: string): string {
  const date = `20${yy}-${mm}-${dd}`;
  if (!isCalendarDate(date)) throw symbolError(text, `expiry ${yy}${mm}${dd} is not a calendar date`);
  return date;
}

/** Reads the compact ("AAPL240802C00100000") or padded 21-character ("AAPL  240802C00100000") form. */
export function parseOccSymbol(text: string): OccSymbol {
  if (text.length < 16 || text.length > 21) throw symbolError(text, `length ${text.length} is outside 16-21`);
  const root = text.slice(0, -15).trimEnd();
  const tail = TAIL.exec(text.slice(-15));
  if (!ROOT.test(root)) throw symbolError(text, `root ${JSON.stringify(root)} is not 1-6 upper-case letters or digits starting with a letter`);
  if (!tail) throw symbolError(text, `${JSON.stringify(text.slice(-15))} is not yymmdd, C or P and 8 strike digits`);
  const [, yy, mm, dd, type, strike] = tail;
  if (strike === '00000000') throw symbolError(text, 'strike is zero');
  return { root, expiry: expiryDate(text, yy, mm, dd), type: type as OptionType, strike: fromScaled(BigInt(strike) * OSI_TO_PRICE) };
}

function strikeDigits(strike: string): string {
  const scaled = toScaled(parseDecimal(strike));
  if (scaled % OSI_TO_PRICE !== 0n) throw new InvalidRecordError(`strike ${strike} has more than 3 decimals, which OSI cannot encode`);
  const units = scaled / OSI_TO_PRICE;
  if (units <= 0n || units > MAX_STRIKE_UNITS) throw new InvalidRecordError(`strike ${strike} is outside OSI's 0.001-99999.999`);
  return units.toString().padStart(8, '0');
}

function expiryDigits(expiry: string): string {
  const m = /^20(\d{2})-(\d{2})-(\d{2})$/.exec(expiry);
  if (!m || !isCalendarDate(expiry)) throw new InvalidRecordError(`expiry ${JSON.stringify(expiry)} is not a YYYY-MM-DD date in 2000-2099`);
  return `${m[1]}${m[2]}${m[3]}`;
}

/** The OSI symbol; `padded` gives the 21-character form with the root padded to 6. */
export function formatOccSymbol(s: OccSymbol, options: { padded?: boolean } = {}): string {
  if (!ROOT.test(s.root)) throw new InvalidRecordError(`root ${JSON.stringify(s.root)} is not 1-6 upper-case letters or digits starting with a letter`);
  if (s.type !== 'C' && s.type !== 'P') throw new InvalidRecordError(`option type ${JSON.stringify(s.type)} is not C or P`);
  const root = options.padded ? s.root.padEnd(6, ' ') : s.root;
  return `${root}${expiryDigits(s.expiry)}${s.type}${strikeDigits(s.strike)}`;
}
