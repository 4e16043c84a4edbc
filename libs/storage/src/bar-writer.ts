import type { CleanBar } from '@md/contracts';
import type { Queryable } from './db-port';
import { barUpsertSql } from './bar-upsert-sql';

const COLUMNS = [
  'symbol', 'timeframe', 'time', 'open', 'high', 'low', 'close', 'volume', 'trade_count', 'vwap',
  'session', 'split_factor', 'dividend_factor', 'provider', 'revision', 'ingest_time', 'generation',
] as const;
const TYPES = [
  'text', 'text', 'timestamptz', 'numeric', 'numeric', 'numeric', 'numeric', 'bigint', 'bigint', 'numeric',
  'text', 'float8', 'float8', 'text', 'bigint', 'timestamptz', 'bigint',
];

/** UTC months ('YYYY-MM') of the records' event times (bars, trades, quotes), for creating range partitions before the write. */
export function barMonths(records: ReadonlyArray<{ eventTime: number }>): Set<string> {
  const months = new Set<string>();
  for (const r of records) months.add(new Date(Math.floor(r.eventTime / 1000)).toISOString().slice(0, 7));
  return months;
}

export const toIso = (us: number) => new Date(Math.floor(us / 1000)).toISOString().replace('Z', `${String(us % 1000).padStart(3, '0')}Z`);

/** (generation, revision) of a, compared with b's: the order in which a bar replaces another. */
export function barOrder(a: Pick<CleanBar, 'generation' | 'revision'>, b: Pick<CleanBar, 'generation' | 'revision'>): number {
  return a.generation !== b.generation ? a.generation - b.generation : a.revision - b.revision;
}

/**
 * Idempotent upsert on the natural key (symbol, timeframe, time). Revision rule: a row is
 * replaced only by a strictly higher (generation, revision) with other content (or a higher
 * generation), so a provider correction, a settled REST bar or a reprocess under newer rules wins
 * and a replayed, stale or confirming duplicate changes nothing; the replaced version goes to
 * `bar_revisions` in the same statement (bar-upsert-sql.ts). Within one batch the highest of a
 * key is kept first, since ON CONFLICT cannot touch the same row twice in one statement.
 */
export async function upsertBars(db: Queryable, bars: readonly CleanBar[], schema = 'md'): Promise<number> {
  if (bars.length === 0) return 0;
  const latest = new Map<string, CleanBar>();
  for (const bar of bars) {
    const key = `${bar.symbol}|${bar.timeframe}|${bar.eventTime}`;
    const seen = latest.get(key);
    if (!seen || barOrder(bar, seen) > 0) latest.set(key, bar);
  }
  const rows = [...latest.values()];
  const columns: unknown[][] = COLUMNS.map(() => []);
  for (const b of rows) {
    const values = [
      b.symbol, b.timeframe, toIso(b.eventTime), b.open, b.high, b.low, b.close, b.volume, b.tradeCount, b.vwap,
      b.session, b.splitFactor, b.dividendFactor, b.provider, b.revision, toIso(b.ingestTime), b.generation ?? 0,
    ];
    values.forEach((v, i) => columns[i].push(v));
  }
  const unnest = TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
  const sql = barUpsertSql(schema, COLUMNS, `SELECT * FROM unnest(${unnest}) AS u(${COLUMNS.join(', ')})`);
  const result = await db.query(sql, columns);
  return result.rowCount;
}
