import { DateTime } from 'luxon';
import { MICROS_PER_MS, fromScaled } from '@md/market';

// LEAN US equity trade ticks (LEAN docs, Data Format > US Equity > Tick): one zip per day,
//   ms since New York midnight, price x 10,000, size, exchange, sale condition flags, suspicious (0/1)
// e.g. "34200094,1674200,100,BATS,20000020,0" = 09:30:00.094, $167.42, 100 shares on BATS.
export const LEAN_TICK_FORMAT = 'ms since New York midnight,price*10000,size,exchange,condition flags,suspicious';

export interface LeanTradeTick {
  /** UTC micros. */
  readonly eventTime: number;
  readonly price: string;
  readonly size: number;
  readonly exchange: string;
  /** LEAN's sale-condition flags as written (hex digits), e.g. "20000020". */
  readonly condition: string;
  /** LEAN's own bad-print flag (LEAN filters these out of algorithms by default). */
  readonly suspicious: boolean;
}

const NEW_YORK = 'America/New_York';
const MS_PER_DAY = 86_400_000;

/**
 * Wall-clock ms since New York midnight on `date` to UTC micros. One offset serves the whole day
 * except on the two DST change days, where luxon resolves each time (LEAN times are wall clock).
 */
export function newYorkDayClock(date: string): (msOfDay: number) => number {
  const midnight = DateTime.fromISO(date, { zone: NEW_YORK });
  const lastMinute = midnight.set({ hour: 23, minute: 59 });
  if (midnight.offset !== lastMinute.offset) {
    return (ms) => midnight.set({ hour: Math.floor(ms / 3_600_000), minute: Math.floor(ms / 60_000) % 60, second: Math.floor(ms / 1000) % 60, millisecond: ms % 1000 }).toMillis() * MICROS_PER_MS;
  }
  const start = midnight.toMillis();
  return (ms) => (start + ms) * MICROS_PER_MS;
}

function whole(text: string, name: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new Error(`${name} ${JSON.stringify(text)} is not a whole number`);
  return value;
}

/** One tick line; throws an Error saying which field is wrong. */
export function parseLeanTradeTick(line: string, clock: (msOfDay: number) => number): LeanTradeTick {
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length !== 6) throw new Error(`got ${fields.length} fields`);
  const [ms, price, size, exchange, condition, suspicious] = fields;
  const msOfDay = whole(ms, 'time');
  if (msOfDay >= MS_PER_DAY) throw new Error(`time ${msOfDay} ms is past the end of the day`);
  if (whole(price, 'price') === 0) throw new Error('price is 0');
  if (!['0', '1'].includes(suspicious)) throw new Error(`suspicious flag ${JSON.stringify(suspicious)} is not 0 or 1`);
  return {
    eventTime: clock(msOfDay),
    price: fromScaled(BigInt(whole(price, 'price')) * 10_000n), // x10^-4 in the file, x10^-8 in memory
    size: whole(size, 'size'),
    exchange,
    condition,
    suspicious: suspicious === '1',
  };
}
