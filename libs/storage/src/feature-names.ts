import type { Timeframe } from '@md/contracts';
import type { Queryable } from './db-port';
import type { DerivedRange } from './derived-queries';
import { sqlIdentifier } from './sql-identifier';

// The same bound as featureVectors' (derived-queries.ts) for rows stored before availableTime existed.
const TIMEFRAME_INTERVAL: Record<Timeframe, string> = { '1m': '1 minute', '5m': '5 minutes', '15m': '15 minutes', '1h': '1 hour', '1d': '1 day' };

/**
 * The feature names of one (symbol, timeframe)'s vectors whose bar starts in [from, to), known at
 * asOf (availableTime as featureVectors reads it), sorted as layouts sort them: the columns of a
 * columnar export. Decided by the range, not the page, so the pages of one range share them and
 * a later page with the same `to` never has a name the first lacked. One pass over the range's
 * layout ids, then the few layouts they name.
 */
export async function featureNamesIn(db: Queryable, schema: string, q: Omit<DerivedRange, 'limit'> & { symbol: string; timeframe: Timeframe }): Promise<string[]> {
  const s = sqlIdentifier(schema);
  const available = `coalesce(f.available_time, f.time + $6::interval)`;
  const { rows } = await db.query<{ name: string }>(
    `SELECT n.name FROM ${s}.feature_layouts l CROSS JOIN LATERAL unnest(l.names) AS n(name)
      WHERE l.id IN (SELECT DISTINCT f.layout FROM ${s}.feature_vectors f
                      WHERE f.symbol = $1 AND f.timeframe = $2 AND f.time >= $3::timestamptz AND f.time < $4::timestamptz
                        AND ($5::timestamptz IS NULL OR ${available} <= $5::timestamptz))
      GROUP BY n.name ORDER BY n.name COLLATE "C"`,
    [q.symbol, q.timeframe, q.from.toISOString(), q.to.toISOString(), q.asOf?.toISOString() ?? null, TIMEFRAME_INTERVAL[q.timeframe]],
  );
  return rows.map((r) => r.name);
}
