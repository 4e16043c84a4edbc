import { InvalidRecordError, type ReprocessedRecord } from '@md/contracts';
import { toIso } from './bar-writer';
import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

// A reprocess marker (md.reprocessed.v1) says: the stage recomputed this symbol's window under
// generation g. Every stored row of that stage's table in the window with a lower generation is
// superseded, including rows the new rules no longer produce (a feature dropped from a set, a bar
// the preprocessor now rejects, an issue that is no longer found). Order-free: the recomputed rows
// carry generation g, so they stay whether the sink wrote them before or after the marker.

/** Per stage: the table its outputs are stored in and the column the marker's window applies to. */
const TABLES: Record<string, { table: string; time: string }> = {
  'feature-engine': { table: 'feature_vectors', time: 'time' },
  preprocessor: { table: 'bars', time: 'time' },
  'quality-monitor': { table: 'quality_issues', time: 'window_start' },
};

/** Removes the rows of the marker's stage left by an older generation in its window; a stage without a table here is an invalid record (dead-lettered). */
export async function removeSuperseded(db: Queryable, marker: ReprocessedRecord, schema = 'md'): Promise<number> {
  const target = TABLES[marker.stage];
  if (!target) throw new InvalidRecordError(`md.reprocessed.v1: no stored outputs of stage "${marker.stage}" to supersede (known: ${Object.keys(TABLES).join(', ')})`);
  const { rowCount } = await db.query(
    `DELETE FROM ${sqlIdentifier(schema)}.${target.table}
      WHERE symbol = $1 AND timeframe = ANY($2::text[]) AND ${target.time} >= $3::timestamptz AND ${target.time} < $4::timestamptz AND generation < $5`,
    [marker.symbol, marker.timeframes, toIso(marker.from), toIso(marker.to), marker.generation],
  );
  return rowCount;
}
