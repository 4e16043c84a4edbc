import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration } from './migration-context';

/**
 * Point in time and rule generations (issue 12):
 * - `available_time` on the derived tables: when a row could first be known (a feature vector's bar
 *   end, a finding's revealing bar end, a signal's newest input). As-of reads filter on it. Rows
 *   written before it existed keep NULL and the queries fall back to a bound that never admits the
 *   future (the end of the row's window). Intrinsic bars need no column: a bar is known when its
 *   closing trade is, `end_time`.
 * - `generation` on every table a reprocess may rewrite: the rule version of the stage that
 *   produced the row. Sinks keep per identity the highest generation (bars: the highest
 *   (generation, revision)), and a reprocess marker deletes what an older generation left in its
 *   window.
 * ADD COLUMN with a constant default is metadata-only in PostgreSQL 11+ and allowed on compressed
 * hypertables (TimescaleDB docs, "Schema modifications on compressed hypertables").
 */
export const pointInTimeMigration: Migration = {
  name: '0007-point-in-time',
  up: async ({ context: { db, options } }) => {
    const s = sqlIdentifier(options.schema);
    await runStatements(db, [
      `ALTER TABLE ${s}.bars ADD COLUMN IF NOT EXISTS generation bigint NOT NULL DEFAULT 0`,
      `ALTER TABLE ${s}.features ADD COLUMN IF NOT EXISTS available_time timestamptz`,
      `ALTER TABLE ${s}.features ADD COLUMN IF NOT EXISTS generation bigint NOT NULL DEFAULT 0`,
      `ALTER TABLE ${s}.intrinsic_bars ADD COLUMN IF NOT EXISTS generation bigint NOT NULL DEFAULT 0`,
      `ALTER TABLE ${s}.quality_issues ADD COLUMN IF NOT EXISTS available_time timestamptz`,
      `ALTER TABLE ${s}.quality_issues ADD COLUMN IF NOT EXISTS generation bigint NOT NULL DEFAULT 0`,
      `ALTER TABLE ${s}.altdata_signals ADD COLUMN IF NOT EXISTS available_time timestamptz`,
    ]);
  },
};
