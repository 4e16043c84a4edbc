import type { StorageCapabilities } from './capabilities';
import type { Db } from './db-port';
import { BAR_AGGREGATES } from './migrations/bar-aggregates-sql';
import { sqlIdentifier } from './sql-identifier';

// Refresh before compressing, compress before dropping: a refresh of a range whose raw chunks
// were already dropped would erase its aggregated rows.
const JOB_ORDER = ['policy_refresh_continuous_aggregate', 'policy_compression', 'policy_retention'];

/**
 * Periodic upkeep, by layout:
 * - TimescaleDB server: nothing; its background scheduler runs our policies.
 * - Embedded TimescaleDB (PGlite): there are no background workers, so the policies never fire
 *   by themselves; run each of ours once with CALL run_job
 *   (https://docs.timescale.com/api/latest/jobs-automation/run_job/).
 * - Plain PostgreSQL: recompute the aggregate materialised views. CONCURRENTLY keeps readers
 *   unblocked, but needs a populated view, so an unpopulated one is refreshed plainly first.
 * Must not be called inside a transaction (refreshes refuse to run in one).
 */
export async function runMaintenance(db: Db, caps: StorageCapabilities, schema: string): Promise<void> {
  const s = sqlIdentifier(schema);
  if (caps.timescale) {
    if (db.kind === 'pglite') await runOurJobs(db, s);
    return;
  }
  for (const { view } of BAR_AGGREGATES) {
    const populated = await db.query<{ ispopulated: boolean }>(
      `SELECT ispopulated FROM pg_matviews WHERE schemaname = $1 AND matviewname = $2`,
      [s, view],
    );
    const concurrently = populated.rows[0]?.ispopulated ? 'CONCURRENTLY ' : '';
    await db.query(`REFRESH MATERIALIZED VIEW ${concurrently}${s}.${view}`);
  }
}

async function runOurJobs(db: Db, schema: string): Promise<void> {
  const jobs = await db.query<{ job_id: number; proc_name: string }>(
    `SELECT job_id, proc_name FROM timescaledb_information.jobs
      WHERE hypertable_schema = $1 AND proc_name = ANY($2::text[])`,
    [schema, JOB_ORDER],
  );
  const ordered = [...jobs.rows].sort((a, b) => JOB_ORDER.indexOf(a.proc_name) - JOB_ORDER.indexOf(b.proc_name) || a.job_id - b.job_id);
  for (const job of ordered) await db.query(`CALL run_job($1)`, [job.job_id]);
}
