import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STORAGE_OPTIONS, PgDb, PgliteDb, barMonths, ensureMonthlyPartitions, migrate, queryBars, upsertBars, type Db } from '@md/storage';
import { chunks } from '@md/kafka';
import type { CleanBar } from '@md/contracts';

const SCHEMA = 'bench_read';

/**
 * Fills `bars` with `total` one-minute bars: the real DBB series repeated under as many symbols
 * as needed (so every symbol has the real file's gaps and sessions), in batches of the sink's
 * own upsert. Returns the symbols and the trading days of the series.
 */
async function fill(db: Db, series: CleanBar[], total: number, onProgress: (n: number) => void): Promise<string[]> {
  const symbols: string[] = [];
  let written = 0;
  for (let s = 0; written < total; s++) {
    const symbol = `R${String(s).padStart(4, '0')}`;
    symbols.push(symbol);
    const bars = series.slice(0, Math.min(series.length, total - written)).map((b) => ({ ...b, symbol }));
    for (const batch of chunks(bars, 5000)) {
      await db.transaction(async (tx) => {
        if (db.kind === 'pg') await ensureMonthlyPartitions(tx, SCHEMA, 'bars', barMonths(batch));
        await upsertBars(tx, batch, SCHEMA);
      });
    }
    written += bars.length;
    onProgress(written);
  }
  return symbols;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export interface ReadLatency {
  rows: number;
  p50: number;
  p95: number;
  p99: number;
  compression?: number;
}

/** One day of 1-minute bars of one symbol, `queries` times at random (symbol, day), in ms. */
async function measureReads(db: Db, symbols: string[], series: CleanBar[], queries: number): Promise<number[]> {
  const days = [...new Set(series.map((b) => new Date(b.eventTime / 1000).toISOString().slice(0, 10)))];
  const times: number[] = [];
  for (let i = 0; i < queries; i++) {
    const symbol = symbols[Math.floor(Math.random() * symbols.length)];
    const day = days[Math.floor(Math.random() * days.length)];
    const from = new Date(`${day}T00:00:00Z`);
    const started = process.hrtime.bigint();
    await queryBars(db, SCHEMA, { symbol, timeframe: '1m', from, to: new Date(from.getTime() + 86_400_000), limit: 2000, adjusted: false });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

export async function readLatency(target: 'pg' | 'embedded', databaseUrl: string, series: CleanBar[], total: number, queries: number, log: (s: string) => void): Promise<ReadLatency> {
  const dir = target === 'embedded' ? mkdtempSync(join(tmpdir(), 'md-bench-pglite-')) : undefined;
  const db: Db = target === 'pg' ? new PgDb(databaseUrl) : await PgliteDb.open({ dataDir: dir });
  try {
    if (target === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    const { capabilities } = await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema: SCHEMA });
    const started = Date.now();
    const symbols = await fill(db, series, total, (n) => log(`  ${target}: ${n} rows loaded (${Math.round(n / ((Date.now() - started) / 1000))} rows/s)`));
    let compression: number | undefined;
    if (capabilities.timescale) {
      await db.query(`SELECT count(compress_chunk(c, true)) FROM show_chunks('${SCHEMA}.bars') c`);
      const { rows } = await db.query<{ before: string; after: string }>(
        `SELECT before_compression_total_bytes AS before, after_compression_total_bytes AS after FROM hypertable_compression_stats('${SCHEMA}.bars')`);
      compression = Number(rows[0].before) / Number(rows[0].after);
    } else {
      await db.query(`ANALYZE ${SCHEMA}.bars`);
    }
    await measureReads(db, symbols, series, 20);
    const times = await measureReads(db, symbols, series, queries);
    return { rows: total, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), compression };
  } finally {
    if (target === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
    await db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
