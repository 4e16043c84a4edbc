import type { Queryable } from './db-port';
import { sqlIdentifier } from './sql-identifier';

// Plain PostgreSQL fallback: `bars` is PARTITION BY RANGE (time) with one partition per UTC
// month and deliberately no DEFAULT partition, because a row in the default partition blocks
// creating the partition that should hold it later ("updated partition constraint for default
// partition would be violated", https://www.postgresql.org/docs/15/ddl-partitioning.html).
// So writers call ensureMonthlyPartitions for the months of a batch before inserting it.

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Bounds of the per-process cache (STYLE.md habit 10). */
const MAX_TABLES = 64;
const MAX_MONTHS_PER_TABLE = 1200;

interface TableState {
  partitioned: boolean;
  /** Months seen in the catalog. A month we created ourselves is trusted only once seen there on a later call. */
  confirmed: Set<string>;
}
const known = new Map<string, TableState>();

/** 'YYYY-MM' of a UTC instant. */
export function monthOf(time: Date): string {
  return time.toISOString().slice(0, 7);
}

/** The month `offset` months after `month` (negative goes back). */
export function addMonths(month: string, offset: number): string {
  const [y, m] = parseMonth(month);
  return monthOf(new Date(Date.UTC(y, m - 1 + offset, 1)));
}

/** `count` consecutive months starting at `first`. */
export function monthSpan(first: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addMonths(first, i));
}

/** Partition name and its [from, to) bounds as UTC timestamptz literals. */
export function monthlyPartition(table: string, month: string): { name: string; from: string; to: string } {
  parseMonth(month);
  return { name: `${table}_p${month.replace('-', '_')}`, from: `${month}-01 00:00:00+00`, to: `${addMonths(month, 1)}-01 00:00:00+00` };
}

/**
 * Creates the missing monthly range partitions of `schema.table` for `monthsUtc`. Idempotent and
 * safe against concurrent writers (creation is serialised by an advisory lock and uses IF NOT
 * EXISTS). A table that is not range partitioned (a TimescaleDB hypertable) makes it a no-op.
 * The answer is cached per process, so a batch in known months costs no query. A partition this
 * call creates is re-checked on the next call before being trusted: if the caller's transaction
 * rolled back, it is created again instead of being assumed.
 */
export async function ensureMonthlyPartitions(db: Queryable, schema: string, table: string, monthsUtc: Iterable<string>): Promise<void> {
  const key = `${sqlIdentifier(schema)}.${sqlIdentifier(table)}`;
  const wanted = [...new Set(monthsUtc)];
  wanted.forEach(parseMonth);
  const cached = known.get(key);
  if (cached && (!cached.partitioned || wanted.every((m) => cached.confirmed.has(m)))) return;

  const state = await readPartitions(db, schema, table);
  remember(key, state);
  if (!state.partitioned) return;
  for (const month of wanted) if (!state.confirmed.has(month)) await createMonthlyPartition(db, schema, table, month);
}

/** Creates one monthly partition (no cache). Used by migrations and ensureMonthlyPartitions. */
export async function createMonthlyPartition(db: Queryable, schema: string, table: string, month: string): Promise<void> {
  const s = sqlIdentifier(schema);
  const parent = sqlIdentifier(table);
  const { name, from, to } = monthlyPartition(parent, month);
  // One DO block = one transaction even outside an explicit one, so the advisory lock covers the
  // CREATE; two writers creating the same month then queue instead of failing on the catalog.
  await db.query(`DO $$ BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('${s}.${parent} partitions'));
    CREATE TABLE IF NOT EXISTS ${s}.${name} PARTITION OF ${s}.${parent} FOR VALUES FROM ('${from}') TO ('${to}');
  END $$`);
}

/** Forgets what this process knows (tests, or after dropping partitions by hand). */
export function forgetPartitions(): void {
  known.clear();
}

async function readPartitions(db: Queryable, schema: string, table: string): Promise<TableState> {
  const parent = await db.query<{ partitioned: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p WHERE p.partrelid = c.oid) AS partitioned
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, table],
  );
  if (parent.rowCount === 0) throw new Error(`table ${schema}.${table} does not exist: run migrations first`);
  if (!parent.rows[0].partitioned) return { partitioned: false, confirmed: new Set() };
  const children = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
      WHERE n.nspname = $1 AND p.relname = $2`,
    [schema, table],
  );
  const pattern = new RegExp(`^${table}_p(\\d{4})_(\\d{2})$`);
  const confirmed = new Set<string>();
  for (const { name } of children.rows) {
    const m = pattern.exec(name);
    if (m) confirmed.add(`${m[1]}-${m[2]}`);
  }
  return { partitioned: true, confirmed };
}

function remember(key: string, state: TableState): void {
  if (!known.has(key) && known.size >= MAX_TABLES) known.clear();
  // Past the bound, keep only what the catalog showed now; the next unknown month re-reads it.
  if (state.confirmed.size > MAX_MONTHS_PER_TABLE) state.confirmed = new Set([...state.confirmed].sort().slice(-MAX_MONTHS_PER_TABLE));
  known.set(key, state);
}

function parseMonth(month: string): [number, number] {
  const m = MONTH.exec(month);
  if (!m) throw new Error(`"${month}" is not a UTC month 'YYYY-MM'`);
  return [Number(m[1]), Number(m[2])];
}
