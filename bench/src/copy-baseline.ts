import { BARS_COPY_COLUMNS, DEFAULT_STORAGE_OPTIONS, PgDb, barMonths, barsCopyText, ensureMonthlyPartitions, migrate } from '@md/storage';
import type { CleanBar } from '@md/contracts';

const SCHEMA = 'bench_copy';

/** Plain COPY of the same rows into the same migrated `bars` table the sink writes, in rows/s. */
export async function postgresCopyRate(databaseUrl: string, bars: CleanBar[]): Promise<number> {
  const db = new PgDb(databaseUrl);
  try {
    await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema: SCHEMA });
    await db.transaction((tx) => ensureMonthlyPartitions(tx, SCHEMA, 'bars', barMonths(bars)));
    const started = process.hrtime.bigint();
    await db.transaction((tx) => tx.copyFrom!(`COPY ${SCHEMA}.bars (${BARS_COPY_COLUMNS}) FROM STDIN`, barsCopyText(bars)));
    return bars.length / (Number(process.hrtime.bigint() - started) / 1e9);
  } finally {
    await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    await db.close();
  }
}
