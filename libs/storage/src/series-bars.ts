import { newYorkMidnightUs, symbolSeries, type SeriesSegment, type SymbolChange } from '@md/market';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

// Adjusted bars of a series of tickers (libs/market symbol-lineage.ts): each ticker's 1-minute rows
// in its period, scaled by its own adjustment schedule (as bars_adjusted does) times the schedule
// of every later ticker of the series: a split under the new ticker moves the old ticker's prices
// too. A schedule is absolute per ticker (md.restatements.v1), so the product is exact as long as
// each action is keyed by one ticker of the series, the one in use on the day before its ex-date
// (the LEAN publisher and Alpaca both key them so).

/** Where the bars of a request come from: `from` is a table expression, `where` its symbol predicate; both read `$1`. */
export interface BarsSource {
  readonly from: string;
  readonly where: string;
  readonly param: string;
}

/** A ticker's period with UTC bounds (New York midnight of each date), as the SQL takes it. */
interface Period {
  readonly symbol: string;
  readonly from_time: string | null;
  readonly to_time: string | null;
  readonly later: readonly string[];
}

const instant = (date: string | null): string | null => (date === null ? null : new Date(newYorkMidnightUs(date) / 1000).toISOString());

/** The symbol changes of every ticker connected to `symbol` through changes (a few rows). */
export async function symbolChangesAround(db: Queryable, schema: string, symbol: string): Promise<SymbolChange[]> {
  const s = sqlIdentifier(schema);
  const { rows } = await db.query<{ from_symbol: string; to_symbol: string; effective_date: string }>(
    `WITH RECURSIVE names(sym) AS (
       SELECT $1::text
       UNION
       SELECT CASE WHEN c.from_symbol = n.sym THEN c.to_symbol ELSE c.from_symbol END
         FROM names n JOIN ${s}.symbol_changes c ON c.from_symbol = n.sym OR c.to_symbol = n.sym)
     SELECT from_symbol, to_symbol, effective_date::text FROM ${s}.symbol_changes
      WHERE from_symbol IN (SELECT sym FROM names) ORDER BY effective_date, from_symbol`,
    [symbol],
  );
  return rows.map((r) => ({ fromSymbol: r.from_symbol, toSymbol: r.to_symbol, effectiveDate: r.effective_date }));
}

/** The series `symbol` belongs to as stored (one unbounded segment when it never changed ticker). */
export async function storedSymbolSeries(db: Queryable, schema: string, symbol: string): Promise<SeriesSegment[]> {
  return symbolSeries(symbol, await symbolChangesAround(db, schema, symbol));
}

const inSegment = (a: string) => `(${a}.from_time IS NULL OR b.time >= ${a}.from_time) AND (${a}.to_time IS NULL OR b.time < ${a}.to_time)`;

/**
 * The source of a request's rows: one ticker's `bars` or `bars_adjusted`, or, for an adjusted
 * request whose ticker has a series of more than one, the series computed from `bars`.
 */
export function barsSource(schema: string, symbol: string, adjusted: boolean, series?: readonly SeriesSegment[]): BarsSource {
  const s = sqlIdentifier(schema);
  if (!adjusted || !series || series.length < 2) {
    return { from: adjusted ? `${s}.bars_adjusted` : `${s}.bars`, where: 'symbol = $1', param: symbol };
  }
  const periods: Period[] = series.map((p) => ({ symbol: p.symbol, from_time: instant(p.fromDate), to_time: instant(p.toDate), later: p.laterSymbols }));
  const width = Math.max(...periods.map((p) => p.later.length));
  // One lateral per later ticker (a series has a few): factors multiply exactly, as doubles do in
  // bars_adjusted, where exp(sum(ln())) would not.
  const laterJoins = Array.from({ length: width }, (_, k) =>
    `LEFT JOIN LATERAL (SELECT a.split_factor, a.dividend_factor FROM ${s}.adjustment_segments a
        WHERE a.symbol = n.later[${k + 1}] AND ${inSegment('a')} LIMIT 1) l${k} ON true`).join('\n');
  const product = (column: string, own: string) => [own, ...Array.from({ length: width }, (_, k) => `COALESCE(l${k}.${column}, 1)`)].join(' * ');
  const scaled = (c: string) => `round(b.${c} * f.split::numeric * f.dividend::numeric, 8)::numeric(20,8) AS ${c}`;
  const from = `(SELECT b.symbol, b.timeframe, b.time, b.session, ${['open', 'high', 'low', 'close', 'vwap'].map(scaled).join(', ')},
        round(b.volume::numeric / f.split::numeric)::bigint AS volume
      FROM jsonb_to_recordset($1::jsonb) AS n(symbol text, from_time timestamptz, to_time timestamptz, later text[])
      JOIN ${s}.bars b ON b.symbol = n.symbol AND (n.from_time IS NULL OR b.time >= n.from_time) AND (n.to_time IS NULL OR b.time < n.to_time)
      LEFT JOIN LATERAL (SELECT a.split_factor, a.dividend_factor FROM ${s}.adjustment_segments a
        WHERE a.symbol = b.symbol AND ${inSegment('a')} LIMIT 1) own ON true
      ${laterJoins}
      CROSS JOIN LATERAL (SELECT ${product('split_factor', 'COALESCE(own.split_factor, b.split_factor)')} AS split,
                                 ${product('dividend_factor', 'COALESCE(own.dividend_factor, b.dividend_factor)')} AS dividend) f) AS series_bars`;
  return { from, where: 'true', param: JSON.stringify(periods) };
}
