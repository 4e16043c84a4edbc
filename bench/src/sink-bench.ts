import type { CleanBar } from '@md/contracts';
import { DEFAULT_STORAGE_OPTIONS, PgDb, barMonths, copyMergeBars, ensureMonthlyPartitions, migrate, upsertBars, type Queryable } from '@md/storage';
import { chunks } from '@md/kafka';

export interface SinkRates {
  unnest: number;
  copyMerge: number;
}

const BATCH = 5000;

async function timeSink(db: PgDb, schema: string, bars: CleanBar[], write: (tx: Queryable, batch: CleanBar[]) => Promise<number>): Promise<number> {
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema });
  await db.transaction((tx) => ensureMonthlyPartitions(tx, schema, 'bars', barMonths(bars)));
  const started = process.hrtime.bigint();
  for (const batch of chunks(bars, BATCH)) await db.transaction((tx) => write(tx, batch));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  return bars.length / seconds;
}

/** The two upsert forms of the sink, each into a freshly migrated schema, in rows/s. */
export async function sinkRates(databaseUrl: string, bars: CleanBar[]): Promise<SinkRates> {
  const db = new PgDb(databaseUrl);
  try {
    const unnest = await timeSink(db, 'bench_sink_unnest', bars, (tx, batch) => upsertBars(tx, batch, 'bench_sink_unnest'));
    const copyMerge = await timeSink(db, 'bench_sink_copy', bars, (tx, batch) => copyMergeBars(tx, batch, 'bench_sink_copy'));
    return { unnest, copyMerge };
  } finally {
    await db.close();
  }
}
