import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Db, PoolStats, QueryResult, Queryable } from './db-port';

// The code of the worker thread that owns the PGlite instance (see PgliteDb below for why a
// worker). Kept as source text run with `eval: true` so the compiled build needs no extra .js
// asset; it runs under Node's own loader, which PGlite's internal dynamic import() calls need.
// Protocol: one message in ({ id, op, sql, params }), one message out ({ id, ok, result | error }).
const PGLITE_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglitePath);
const { timescaledb } = require(workerData.timescalePath);
let pg;
async function handle({ op, sql, params }) {
  if (op === 'open') {
    // int8 (20) and numeric (1700) stay strings, as node-postgres returns them: exact prices.
    pg = await PGlite.create({ dataDir: workerData.dataDir, extensions: { timescaledb }, parsers: { 20: (v) => v, 1700: (v) => v } });
    // Reopening a data folder that already has the extension: the library is only loaded lazily,
    // and the first licensed (TSL) call, e.g. an insert into a compressed chunk, then fails with
    // "not supported under the current timescale license" (measured here). Loading it up front
    // makes the TSL module available from the first statement.
    const installed = await pg.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
    if (installed.rows.length) await pg.query("LOAD 'timescaledb'");
    return null;
  }
  if (op === 'query') {
    const r = await pg.query(sql, params);
    // node-postgres counts rows returned (SELECT) or touched (DML); PGlite's affectedRows only the latter.
    return { rows: r.rows, rowCount: Math.max(r.affectedRows || 0, r.rows.length) };
  }
  if (op === 'copy') {
    // PGlite reads COPY ... FROM '/dev/blob' from the blob option (its docs, "COPY TO/FROM").
    const r = await pg.query(sql, [], { blob: new Blob([params[0]]) });
    return { rows: [], rowCount: r.affectedRows || 0 };
  }
  if (op === 'close') {
    if (pg && !pg.closed) await pg.close();
    return null;
  }
  throw new Error('unknown op ' + op);
}
parentPort.on('message', (msg) => {
  handle(msg).then(
    (result) => parentPort.postMessage({ id: msg.id, ok: true, result }),
    (err) => parentPort.postMessage({ id: msg.id, ok: false, error: {
      message: String(err && err.message), code: err && err.code, detail: err && err.detail,
      hint: err && err.hint, severity: err && err.severity } }),
  );
});
`;

type Op = 'open' | 'query' | 'copy' | 'close';
interface Reply { id: number; ok: boolean; result?: unknown; error?: { message: string; code?: string; detail?: string; hint?: string } }

/**
 * Embedded TimescaleDB (PGlite: PostgreSQL 17 compiled to WASM, with its timescaledb
 * extension) behind the same port as the `pg` adapter: the zero-setup default and the test
 * target for TimescaleDB-only DDL (DESIGN.md, Storage). In-process only: PGlite's
 * wire-protocol socket server crashed on statements over ~1k rows in a probe.
 *
 * PGlite runs in a worker thread, because (1) WASM queries are synchronous CPU work that would
 * otherwise stall the service's event loop (Kafka heartbeats, probes) during a big upsert or an
 * aggregate refresh, and (2) its CommonJS build loads files with dynamic import(), which
 * Node's own loader serves but Jest's module sandbox rejects.
 *
 * PGlite is a single connection: statements are serialised here, and a transaction holds the
 * connection until it ends, so code inside `transaction(work)` must use the `tx` it is given,
 * never this Db (that would wait on itself). There are no background workers either:
 * TimescaleDB policies never fire by themselves, see runMaintenance (maintenance.ts).
 */
export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  /** Statements and transactions submitted and not finished: the one running, and those queued behind it. */
  private inFlight = 0;
  private failure?: Error;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => this.settle(reply));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => this.fail(new Error(`PGlite worker exited (code ${code})`)));
  }

  /** `dataDir` undefined keeps everything in memory (lost on close). Start-up compiles the WASM: ~2-6 s. */
  static async open(options: { dataDir?: string }): Promise<PgliteDb> {
    // Absolute paths, so the worker's plain require needs neither our resolver nor the package's exports map.
    const pglitePath = require.resolve('@electric-sql/pglite');
    const timescalePath = join(dirname(pglitePath), 'timescaledb', 'index.cjs');
    const worker = new Worker(PGLITE_WORKER_SOURCE, { eval: true, workerData: { pglitePath, timescalePath, dataDir: options.dataDir } });
    const db = new PgliteDb(worker);
    try {
      await db.call('open');
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    return db;
  }

  query<R>(sql: string, params: unknown[] = []): Promise<QueryResult<R>> {
    return this.exclusive(() => this.call<QueryResult<R>>('query', sql, params));
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const tx: Queryable = {
        query: <R>(sql: string, params: unknown[] = []) => this.call<QueryResult<R>>('query', sql, params),
        copyFrom: async (sql, chunks) => {
          // One blob per statement: the text is joined here and crosses to the worker once.
          let text = '';
          for await (const chunk of chunks) text += chunk;
          await this.call('copy', sql.replace(/FROM\s+STDIN\b/i, "FROM '/dev/blob'"), [text]);
        },
      };
      await tx.query('BEGIN');
      try {
        const result = await work(tx);
        await tx.query('COMMIT');
        return result;
      } catch (err) {
        await tx.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async ping(): Promise<boolean> {
    try {
      await this.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  /** One connection, busy or not; whatever waits for it is queued in `exclusive`. */
  poolStats(): PoolStats {
    const busy = this.inFlight > 0 ? 1 : 0;
    return { total: this.failure ? 0 : 1, idle: this.failure ? 0 : 1 - busy, waiting: Math.max(0, this.inFlight - 1), max: 1 };
  }

  async close(): Promise<void> {
    if (this.failure) return;
    await this.exclusive(() => this.call('close'));
    await this.worker.terminate();
  }

  /** Runs `task` after every earlier statement or transaction has finished. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    this.inFlight++;
    const run = this.queue.then(task, task).finally(() => this.inFlight--);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private call<T>(op: Op, sql?: string, params?: unknown[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, sql, params });
    });
  }

  private settle(reply: Reply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (reply.ok) return waiter.resolve(reply.result);
    // Same shape as a node-postgres DatabaseError, so callers can branch on the SQLSTATE `code`.
    waiter.reject(Object.assign(new Error(reply.error?.message), reply.error));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
