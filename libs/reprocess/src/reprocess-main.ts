import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import type { Kafka } from 'kafkajs';
import { ConfigError, kafkaConnectionOf, loadConfigOrExit, registryConnectionOf, secretSource } from '@md/config';
import { TOPIC_TABLE, TOPICS, type ReprocessedRecord, type TopicName } from '@md/contracts';
import { SchemaCodec, createKafka, ensureTopics } from '@md/kafka';
import { rfc3339Micros } from '@md/market';
import { SQL_IDENTIFIER, hasStoredBars, openDb, storedSymbols, type Db } from '@md/storage';
import { ReprocessPublisher } from './reprocess-publisher';
import type { ReprocessRequest } from './reprocess-request';

/** What the job needs beside its stage's config: the writer's database, where the stored inputs are read. */
const jobDatabase = {
  /**
   * The writer's database (a server: the embedded one is opened by the writer alone), with the
   * writer's TLS parameters (sslmode, sslrootcert); checked when opened, the password hidden.
   */
  DATABASE_URL: z.string().min(1, 'must be a postgres:// URL (the reprocess reads what the writer stored)'),
  /** The password, as the writer takes it (DATABASE_PASSWORD_FILE: a mounted secret). */
  DATABASE_PASSWORD: z.string().min(1).optional(),
  /** The writer's schema. */
  DB_SCHEMA: z.string().regex(SQL_IDENTIFIER, 'must be a plain lower-case SQL identifier').default('md'),
};

export interface ReprocessContext<C> {
  db: Db;
  schema: string;
  kafka: Kafka;
  codec: SchemaCodec;
  config: C;
  publisher: ReprocessPublisher;
  log: (line: string) => void;
}

export interface ReprocessJob<S extends z.ZodObject<z.ZodRawShape>> {
  /** The stage whose outputs are recomputed (the marker's `stage`, the producer's name). */
  stage: string;
  /** The stage's own config schema: the job runs under the same rules as the live stage. */
  config: S;
  /** Topics the recomputed records go to (md.reprocessed.v1 is added): created if missing, schemas registered. */
  outputs: readonly TopicName[];
  /** Recomputes one symbol's window and publishes it through `ctx.publisher`, marker last. */
  symbol(ctx: ReprocessContext<z.infer<S> & z.infer<z.ZodObject<typeof jobDatabase>>>, request: ReprocessRequest, symbol: string): Promise<ReprocessedRecord>;
}

const time = (flag: string) => (v: string) => {
  const us = rfc3339Micros(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (us === undefined) throw new InvalidArgumentError(`${flag} must be a date (YYYY-MM-DD, UTC) or an RFC-3339 time with a zone`);
  return us;
};
const whole = (flag: string, min: number) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${flag} must be a whole number >= ${min}`);
  return Number(v);
};

/**
 * The process of a stage's reprocess job (what `mdctl reprocess --stage <stage>` runs):
 * `--from <time> --to <time> [--symbols DBB,SPY] [--generation N] [--warmup-days 60] [--cause text]`.
 * Config from the environment as the live stage reads it, plus DATABASE_URL, DATABASE_PASSWORD and DB_SCHEMA; a bad
 * variable exits 1 with one line naming it. Exit 0 done, 1 error, 2 usage error.
 */
export function reprocessMain<S extends z.ZodObject<z.ZodRawShape>>(job: ReprocessJob<S>, argv = process.argv.slice(2)): void {
  const config = loadConfigOrExit(job.config.extend(jobDatabase));
  const log = (line: string) => process.stdout.write(`reprocess ${job.stage}: ${line}\n`);
  run(job, config, argv, log).then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
      process.stderr.write(`reprocess ${job.stage}: ${err?.message ?? err}\n`);
      process.exit(err instanceof ConfigError ? 2 : 1);
    },
  );
}

async function run<S extends z.ZodObject<z.ZodRawShape>>(job: ReprocessJob<S>, config: any, argv: string[], log: (line: string) => void): Promise<number> {
  const program = new Command(`${job.stage}-reprocess`).exitOverride()
    .requiredOption('--from <time>', 'start of the window (event time of the outputs), inclusive', time('--from'))
    .requiredOption('--to <time>', 'end of the window, exclusive', time('--to'))
    .option('--symbols <list>', 'symbols (default: every symbol with stored 1m bars in the window)')
    .option('--generation <n>', 'generation of the outputs (default: GENERATION)', whole('--generation', 0))
    .option('--warmup-days <n>', 'days of stored inputs before --from that rebuild the state', whole('--warmup-days', 0), 60)
    .option('--cause <text>', 'why, recorded in the md.reprocessed.v1 markers', 'reprocess');
  const opts = program.parse(argv, { from: 'user' }).opts<{ from: number; to: number; symbols?: string; generation?: number; warmupDays: number; cause: string }>();
  if (opts.from >= opts.to) throw new ConfigError('--from must be before --to');
  const db = await openDb(config.DATABASE_URL, '', { password: secretSource('DATABASE_PASSWORD', config.DATABASE_PASSWORD) });
  if (!(await hasStoredBars(db, config.DB_SCHEMA))) {
    await db.close();
    throw new Error(`no table ${config.DB_SCHEMA}.bars in the database: check --db-schema / DB_SCHEMA (the writer's schema, default md) and that the timescale-writer has migrated it; nothing was published`);
  }
  const kafka = createKafka(`md-${job.stage}-reprocess`, kafkaConnectionOf(config));
  const codec = new SchemaCodec(registryConnectionOf(config));
  try {
    const outputs = [...job.outputs, TOPICS.reprocessed];
    await ensureTopics(kafka, TOPIC_TABLE.filter((t) => outputs.includes(t.name)));
    await codec.registerAll(outputs);
    const symbols = opts.symbols ? opts.symbols.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : await storedSymbols(db, config.DB_SCHEMA, opts.from, opts.to);
    const request: ReprocessRequest = { symbols, from: opts.from, to: opts.to, warmupDays: opts.warmupDays, generation: opts.generation ?? config.GENERATION, cause: opts.cause };
    const publisher = new ReprocessPublisher(kafka, codec, job.stage, request);
    await publisher.connect();
    try {
      const ctx = { db, schema: config.DB_SCHEMA, kafka, codec, config, publisher, log };
      const markers: ReprocessedRecord[] = [];
      for (const symbol of symbols) markers.push(await job.symbol(ctx, request, symbol));
      log(`done: ${markers.length} symbols, ${markers.reduce((n, m) => n + m.outputs, 0)} records of generation ${request.generation}`);
    } finally {
      await publisher.disconnect();
    }
    return 0;
  } finally {
    await db.close();
  }
}
