import type { CleanBar } from '@md/contracts';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

const COLUMNS = [
  'symbol', 'timeframe', 'time', 'open', 'high', 'low', 'close', 'volume', 'trade_count', 'vwap',
  'session', 'split_factor', 'dividend_factor', 'provider', 'revision', 'ingest_time',
] as const;
const TYPES = [
  'text', 'text', 'timestamptz', 'numeric', 'numeric', 'numeric', 'numeric', 'bigint', 'bigint', 'numeric',
  'text', 'float8', 'float8', 'text', 'bigint', 'timestamptz',
];

/** UTC months ('YYYY-MM') the bars fall in, for creating range partitions before the write. */
export function barMonths(bars: readonly CleanBar[]): Set<string> {
  const months = new Set<string>();
  for (const b of bars) months.add(new Date(Math.floor(b.eventTime / 1000)).toISOString().slice(0, 7));
  return months;
}

export const toIso = (us: number) => new Date(Math.floor(us / 1000)).toISOString().replace('Z', `${String(us % 1000).padStart(3, '0')}Z`);

/**
 * Idempotent upsert on the natural key (symbol, timeframe, time). Revision rule: a row is
 * replaced only by a strictly higher revision, so a provider correction wins and a replayed or
 * stale duplicate changes nothing. Within one batch the highest revision of a key is kept first,
 * since ON CONFLICT cannot touch the same row twice in one statement.
 */
export async function upsertBars(db: Queryable, bars: readonly CleanBar[], schema = 'md'): Promise<number> {
  const table = `${sqlIdentifier(schema)}.bars`;
  if (bars.length === 0) return 0;
  const latest = new Map<string, CleanBar>();
  for (const bar of bars) {
    const key = `${bar.symbol}|${bar.timeframe}|${bar.eventTime}`;
    const seen = latest.get(key);
    if (!seen || bar.revision > seen.revision) latest.set(key, bar);
  }
  const rows = [...latest.values()];
  const columns: unknown[][] = COLUMNS.map(() => []);
  for (const b of rows) {
    const values = [
      b.symbol, b.timeframe, toIso(b.eventTime), b.open, b.high, b.low, b.close, b.volume, b.tradeCount, b.vwap,
      b.session, b.splitFactor, b.dividendFactor, b.provider, b.revision, toIso(b.ingestTime),
    ];
    values.forEach((v, i) => columns[i].push(v));
  }
  const unnest = TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ');
  const updates = COLUMNS.filter((c) => !['symbol', 'timeframe', 'time'].includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
  const sql = `
    INSERT INTO ${table} AS bars (${COLUMNS.join(', ')})
    SELECT * FROM unnest(${unnest})
    ON CONFLICT (symbol, timeframe, time) DO UPDATE SET ${updates.join(', ')}, stored_at = now()
    WHERE EXCLUDED.revision > bars.revision`;
  const result = await db.query(sql, columns);
  return result.rowCount;
}
