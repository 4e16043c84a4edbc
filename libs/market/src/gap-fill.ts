import { DateTime } from 'luxon';
import { timeframeMicros, type RawBar, type Timeframe } from '@md/contracts';
import { fromScaled, toScaled } from './decimal';
import { CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR, tradingDay } from './exchange-calendar';
import { newYorkDate } from './session-gaps';

// Gap policies: a consumer that needs one bar per slot (an indicator, a chart) can ask for the
// empty slots of a thin instrument to be filled. Only slots the exchange calendar says were open
// are filled, and every bar says whether it is real: a fill is a view for that consumer, never
// data to store.
export type GapPolicy = 'none' | 'ffill' | 'interpolate';
export const GAP_POLICIES: readonly GapPolicy[] = ['none', 'ffill', 'interpolate'];
export type FillMark = 'none' | 'ffill' | 'interpolated';
export type SessionScope = 'regular' | 'extended';
export const SESSION_SCOPES: readonly SessionScope[] = ['regular', 'extended'];

export interface GapFillOptions {
  readonly policy: GapPolicy;
  readonly timeframe: Timeframe;
  /** Open slots: 'regular' 09:30 to the close; 'extended' 04:00 to 20:00 (17:00 after a 13:00 early close, as sessionAt). */
  readonly sessions: SessionScope;
  /** A gap with more open slots than this stays empty: a long hole is an outage, not a quiet market. */
  readonly maxFillBars: number;
}

/** The fields a fill reads or writes; RawBar and CleanBar have them. */
export type FillableBar = Pick<RawBar, 'eventTime' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'tradeCount' | 'vwap'>;

export type FilledBar<B extends FillableBar> = B & { readonly fill: FillMark };

const MINUTE = 60_000_000;
const PRE_OPEN = 4 * 60;
const POST_CLOSE = 20 * 60;
const EARLY_POST_CLOSE = 17 * 60;

const HOUR = 60 * MINUTE;
const HALF_HOUR = 30 * MINUTE;

/**
 * Intraday slot start of an instant, on the exchange session's grid (the bars of the read API and
 * of the feature engine's resampler): slots start at the 09:30 New York open. 1m, 5m and 15m
 * slots are epoch-aligned (30 minutes is a whole number of them), hours are shifted half an hour;
 * New York's offsets from UTC are whole hours, so the grid holds in summer and winter.
 */
const slotOf = (us: number, step: number) => (step === HOUR ? Math.floor((us - HALF_HOUR) / step) * step + HALF_HOUR : Math.floor(us / step) * step);
const CACHE_LIMIT = 20_000;
const dateByHour = new Map<number, string>();
const windowByDay = new Map<string, { first: number; end: number } | null>();

/** Memoised in a bounded map (cleared when full): a consumer asks for the same few days on every gap. */
function cached<K, V>(cache: Map<K, V>, key: K, compute: () => V): V {
  if (cache.has(key)) return cache.get(key)!;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const value = compute();
  cache.set(key, value);
  return value;
}

/**
 * The New York date a slot belongs to, constant within an hour (1d slots are labelled by the
 * session open, 09:30 or 04:00 New York, so their date is their New York date too).
 */
function dateOf(us: number, _timeframe: Timeframe): string {
  const hour = Math.floor(us / HOUR);
  return cached(dateByHour, hour, () => newYorkDate(hour * HOUR));
}

const shiftDate = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const newYorkMicros = (date: string, minute: number) =>
  DateTime.fromISO(date, { zone: 'America/New_York' }).set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis() * 1000;

/** First open slot and end of the open window of a date; null when closed. Outside the calendar's years: no calendar, no fill. */
function openWindow(date: string, timeframe: Timeframe, sessions: SessionScope): { first: number; end: number } | null {
  const year = Number(date.slice(0, 4));
  if (year < CALENDAR_FIRST_YEAR || year > CALENDAR_LAST_YEAR) return null;
  const day = tradingDay(date);
  if (!day.open) return null;
  const regular = sessions === 'regular';
  // One 1d slot a trading day, labelled by the session's open.
  if (timeframe === '1d') {
    const open = newYorkMicros(date, regular ? day.openMinute : PRE_OPEN);
    return { first: open, end: open + 1 };
  }
  // A slot is open when it overlaps the window: the 03:30 hour holds the 04:00 pre-market open.
  const first = slotOf(newYorkMicros(date, regular ? day.openMinute : PRE_OPEN), timeframeMicros(timeframe));
  return { first, end: newYorkMicros(date, regular ? day.closeMinute : day.earlyClose ? EARLY_POST_CLOSE : POST_CLOSE) };
}

/** Open slot starts of one date within [lo, hi] (both slot starts), oldest first. */
function daySlots(date: string, timeframe: Timeframe, sessions: SessionScope, lo = -Infinity, hi = Infinity): number[] {
  const window = cached(windowByDay, `${date} ${timeframe} ${sessions}`, () => openWindow(date, timeframe, sessions));
  const slots: number[] = [];
  if (!window) return slots;
  for (let s = window.first; s < window.end && s <= hi; s += timeframeMicros(timeframe)) if (s >= lo) slots.push(s);
  return slots;
}

/** Open slots strictly between the slots of two bars, oldest first; undefined when there are more than `max`. */
export function openSlotsBetween(prevUs: number, nextUs: number, timeframe: Timeframe, sessions: SessionScope, max: number): number[] | undefined {
  // Strictly between the two bars' slots; 1d bars are their slot (a day's label).
  const step = timeframeMicros(timeframe);
  const first = (timeframe === '1d' ? prevUs : slotOf(prevUs, step)) + 1;
  const last = (timeframe === '1d' ? nextUs : slotOf(nextUs, step)) - 1;
  const slots: number[] = [];
  if (first > last) return slots;
  for (let date = dateOf(first, timeframe); date <= dateOf(last, timeframe); date = shiftDate(date, 1)) {
    for (const s of daySlots(date, timeframe, sessions, first, last)) if (slots.push(s) > max) return undefined;
  }
  return slots;
}

/** Start of the n-th open slot before `start` (direction -1) or at or after it (+1); `start` if there is none. */
function nthOpenSlot(start: number, n: number, direction: 1 | -1, timeframe: Timeframe, sessions: SessionScope): number {
  let seen = 0;
  let found = start;
  // Every week holds an open day (the longest closure, 11-14 September 2001, left seven days between open days).
  for (let date = dateOf(start, timeframe), days = 0; seen < n && days <= 7 * (n + 1); date = shiftDate(date, direction), days++) {
    const side = daySlots(date, timeframe, sessions).filter((s) => (direction < 0 ? s < start : s >= start));
    for (const s of direction < 0 ? side.reverse() : side) {
      if (seen === n) break;
      seen++;
      found = s;
    }
  }
  return found;
}

/**
 * [from, to) widened to every bar that could anchor a fill inside it: a bar further away has more
 * than maxFillBars open slots between it and the range, so its gap stays empty anyway. The read
 * API fetches the nearest stored bar on each side within it, so a page that starts or ends inside
 * a gap is filled as the whole series would be.
 */
export function fillReach(fromUs: number, toUs: number, options: GapFillOptions): { from: number; to: number } {
  const { timeframe, sessions, maxFillBars } = options;
  return {
    from: nthOpenSlot(fromUs, maxFillBars + 1, -1, timeframe, sessions),
    to: nthOpenSlot(toUs, maxFillBars + 1, 1, timeframe, sessions) + timeframeMicros(timeframe),
  };
}

/** Exact quotient rounded half-even; d > 0. BigInt division truncates toward zero. */
function divideHalfEven(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice < d || (twice === d && q % 2n === 0n)) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/**
 * Close at `t` on the straight line between two real closes, in time. Exact in scaled integers
 * (c0 * span + (c1 - c0) * elapsed) / span, then one rounding, half-even at scale 8.
 */
export function interpolateClose(prev: FillableBar, next: FillableBar, t: number): string {
  const c0 = toScaled(prev.close);
  const span = BigInt(next.eventTime - prev.eventTime);
  const numerator = c0 * span + (toScaled(next.close) - c0) * BigInt(t - prev.eventTime);
  return fromScaled(divideHalfEven(numerator, span));
}

/**
 * Every other field (symbol, provider, revision, and the per-slot session and ingestTime) is the
 * previous real bar's; a consumer that publishes fills sets those it needs per slot.
 */
function synthetic<B extends FillableBar>(prev: B, t: number, price: string, fill: FillMark): FilledBar<B> {
  return { ...prev, eventTime: t, open: price, high: price, low: price, close: price, volume: 0, tradeCount: 0, vwap: null, fill };
}

function fillBetween<B extends FillableBar>(prev: B, next: B, options: GapFillOptions): FilledBar<B>[] {
  if (options.policy === 'none') return [];
  const slots = openSlotsBetween(prev.eventTime, next.eventTime, options.timeframe, options.sessions, options.maxFillBars) ?? [];
  if (options.policy === 'ffill') return slots.map((t) => synthetic(prev, t, prev.close, 'ffill'));
  return slots.map((t) => synthetic(prev, t, interpolateClose(prev, next, t), 'interpolated'));
}

/**
 * Streaming form for a consumer: one per (symbol, timeframe); its state is the last bar, and one
 * push returns at most maxFillBars + 1 bars. A gap is
 * filled when the bar after it arrives (interpolation needs it; ffill waits too, so both forms
 * agree). A bar at or before the last one passes through marked real, unfilled.
 */
export class GapFiller<B extends FillableBar> {
  private last: B | undefined;

  constructor(private readonly options: GapFillOptions) {}

  push(bar: B): FilledBar<B>[] {
    const prev = this.last;
    const real: FilledBar<B> = { ...bar, fill: 'none' };
    if (prev && bar.eventTime <= prev.eventTime) return [real];
    this.last = bar;
    return prev ? [...fillBetween(prev, bar, this.options), real] : [real];
  }
}

/**
 * Bars of one symbol and timeframe, sorted by time, with the open empty slots between them filled
 * by the policy. Slots before the first bar and after the last stay empty: there is no neighbour.
 */
export function fillGaps<B extends FillableBar>(bars: readonly B[], options: GapFillOptions): FilledBar<B>[] {
  const filler = new GapFiller<B>(options);
  return bars.flatMap((bar) => filler.push(bar));
}
