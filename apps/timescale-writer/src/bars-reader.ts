import { timeframeMicros, type Timeframe } from '@md/contracts';
import { fillGaps, fillReach, microsToIso, newYorkDate, sessionWindow, type FillableBar, type GapFillOptions, type GapPolicy, type SeriesSegment, type SessionScope } from '@md/market';
import { queryBars, querySessionBars, type BarRow, type CoarseTimeframe, type Db } from '@md/storage';

/**
 * A gap with more empty open slots than one regular session holds (a week of days) stays empty:
 * that is a missing session, which the quality monitor reports, not a quiet market.
 */
const MAX_FILL_BARS: Record<Timeframe, number> = { '1m': 390, '5m': 78, '15m': 26, '1h': 7, '1d': 5 };

export interface BarsRequest {
  symbol: string;
  timeframe: Timeframe;
  from: Date;
  to: Date;
  limit: number;
  adjusted: boolean;
  fill: GapPolicy;
  sessions: SessionScope;
  asOf?: Date;
  /** For an adjusted request: the symbol's series of tickers (storedSymbolSeries). */
  series?: readonly SeriesSegment[];
}

/** A bar as the read API answers it: `availableTime` is its end, when it could first be known. */
export type ApiBar = Omit<BarRow, 'timeframe'> & { timeframe: Timeframe; availableTime: string; fill: string };

type StoredBar = Omit<BarRow, 'volume'> & FillableBar;

/**
 * End of a bar, when it could first be known: a minute after a 1-minute bar's start; a coarse
 * bucket's nominal end, cut at the session's end (15:30-16:00, 12:30-13:00 on an early close), and
 * a day's at its close. Not the last minute seen: a quiet bucket is not complete before its end.
 */
export function barEnd(startUs: number, timeframe: Timeframe, sessions: SessionScope): number {
  if (timeframe === '1m') return startUs + timeframeMicros('1m');
  const window = sessionWindow(newYorkDate(startUs), sessions === 'extended');
  if (timeframe === '1d') return window?.endUs ?? startUs + timeframeMicros('1d');
  const nominal = startUs + timeframeMicros(timeframe);
  return window && window.endUs > startUs ? Math.min(nominal, window.endUs) : nominal;
}

/** Stored bars of one request: 1-minute rows, or session-aligned buckets of them (session-bars.ts). */
async function storedBars(db: Db, schema: string, r: BarsRequest, range: Partial<BarsRequest> & { order?: 'asc' | 'desc' } = {}): Promise<StoredBar[]> {
  const q = { ...r, ...range };
  const rows: BarRow[] = q.timeframe === '1m'
    ? await queryBars(db, schema, { ...q, timeframe: '1m' })
    : await querySessionBars(db, schema, { ...q, timeframe: q.timeframe as CoarseTimeframe });
  const bars = rows.map((row) => ({ ...row, timeframe: q.timeframe, eventTime: Date.parse(row.time) * 1000, volume: Number(row.volume), tradeCount: null }));
  // As of a time, a bucket still filling is not known yet: only bars ended by then (1-minute rows: filtered in SQL).
  return q.asOf && q.timeframe !== '1m' ? bars.filter((b) => barEnd(b.eventTime, q.timeframe, q.sessions) <= q.asOf!.getTime() * 1000) : bars;
}

const toApi = (b: StoredBar & { fill: string }, sessions: SessionScope): ApiBar => ({
  symbol: b.symbol, timeframe: b.timeframe, time: microsToIso(b.eventTime), availableTime: microsToIso(barEnd(b.eventTime, b.timeframe, sessions)),
  open: b.open, high: b.high, low: b.low, close: b.close, volume: String(b.volume), vwap: b.vwap, fill: b.fill,
});

/**
 * The bars of a request, with the empty open slots filled when asked. The nearest stored bar on
 * each side (within fillReach) anchors the first and last gap, so a page that starts or ends in
 * a gap is filled as the whole series would be. The limit counts the rows returned, fills included.
 */
export async function readBars(db: Db, schema: string, r: BarsRequest): Promise<ApiBar[]> {
  if (r.fill === 'none') return (await storedBars(db, schema, r)).map((b) => toApi({ ...b, fill: 'none' }, r.sessions));
  const options: GapFillOptions = { policy: r.fill, sessions: r.sessions, timeframe: r.timeframe, maxFillBars: MAX_FILL_BARS[r.timeframe] };
  const [from, to] = [r.from.getTime() * 1000, r.to.getTime() * 1000];
  const reach = fillReach(from, to, options);
  const [rows, before] = await Promise.all([storedBars(db, schema, r), storedBars(db, schema, r, { from: new Date(reach.from / 1000), to: r.from, limit: 1, order: 'desc' })]);
  // A full page stops short of the range's end: its last gap belongs to the next page.
  const after = rows.length === r.limit ? [] : await storedBars(db, schema, r, { from: r.to, to: new Date(reach.to / 1000), limit: 1 });
  const filled = fillGaps([...before, ...rows, ...after], options);
  const inRange = filled.slice(before.length, filled.length - after.length).filter((b) => b.fill === 'none' || (b.eventTime >= from && b.eventTime < to));
  return inRange.slice(0, r.limit).map((b) => toApi(b, r.sessions));
}
