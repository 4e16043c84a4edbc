import 'reflect-metadata';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { ConfigError, loadConfigOrExit } from '@md/config';
import { TOPIC_TABLE, TOPICS } from '@md/contracts';
import { SchemaCodec, createKafka, ensureTopics } from '@md/kafka';
import { rfc3339Micros } from '@md/market';
import { openDb } from '@md/storage';
import { FeatureEngineConfig } from '../config';
import { loadFeatureConfig } from '../engine-config';
import { reprocessFeatures } from './feature-reprocess.job';

// `node dist/apps/feature-engine/src/reprocess/main.js --from 2024-05-01 --to 2024-06-01 [--symbols DBB]
// [--generation N] [--warmup-days 60] [--cause text]` (what `mdctl reprocess --stage feature-engine`
// runs): recompute the features of a window from the stored bars under the current FEATURE_SET_FILE
// and publish them with a generation the sinks accept as replacements. Needs DATABASE_URL (the
// writer's server database: the embedded one is opened by the writer alone). Exit 0 done, 1 error,
// 2 usage error.
const config = loadConfigOrExit(FeatureEngineConfig.extend({
  /** The writer's database, where the stored bars are read. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL (the reprocess reads the bars the writer stored)'),
  /** The writer's schema. */
  DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a plain lower-case SQL identifier').default('md'),
}));

const time = (flag: string) => (v: string) => {
  const us = rfc3339Micros(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (us === undefined) throw new InvalidArgumentError(`${flag} must be a date (YYYY-MM-DD, UTC) or an RFC-3339 time with a zone`);
  return us;
};
const whole = (flag: string, min: number) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new InvalidArgumentError(`${flag} must be a whole number >= ${min}`);
  return Number(v);
};

async function main(argv: string[]): Promise<number> {
  const program = new Command('feature-engine-reprocess').exitOverride()
    .requiredOption('--from <time>', 'start of the window (event time of the outputs), inclusive', time('--from'))
    .requiredOption('--to <time>', 'end of the window, exclusive', time('--to'))
    .option('--symbols <list>', 'symbols (default: every symbol with stored 1m bars in the window)')
    .option('--generation <n>', 'generation of the outputs (default: GENERATION)', whole('--generation', 0))
    .option('--warmup-days <n>', 'days of stored bars before --from that rebuild the state', whole('--warmup-days', 0), 60)
    .option('--cause <text>', 'why, recorded in the md.reprocessed.v1 markers', 'reprocess');
  const opts = program.parse(argv, { from: 'user' }).opts<{ from: number; to: number; symbols?: string; generation?: number; warmupDays: number; cause: string }>();
  if (opts.from >= opts.to) throw new ConfigError('--from must be before --to');
  const db = await openDb(config.DATABASE_URL, '');
  const kafka = createKafka('md-feature-engine-reprocess', config.KAFKA_BROKERS);
  const codec = new SchemaCodec(config.SCHEMA_REGISTRY_URL);
  try {
    await ensureTopics(kafka, TOPIC_TABLE.filter((t) => t.name === TOPICS.features || t.name === TOPICS.reprocessed));
    await codec.registerAll([TOPICS.features, TOPICS.reprocessed]);
    const symbols = opts.symbols ? opts.symbols.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean) : await storedSymbols(db, config.DB_SCHEMA, opts.from, opts.to);
    const log = (line: string) => process.stdout.write(`reprocess feature-engine: ${line}\n`);
    const markers = await reprocessFeatures({ db, schema: config.DB_SCHEMA, kafka, codec, config, features: loadFeatureConfig(config), log }, {
      symbols, from: opts.from, to: opts.to, warmupDays: opts.warmupDays, generation: opts.generation ?? config.GENERATION, cause: opts.cause,
    });
    log(`done: ${markers.length} symbols, ${markers.reduce((n, m) => n + m.outputs, 0)} vectors`);
    return 0;
  } finally {
    await db.close();
  }
}

async function storedSymbols(db: Awaited<ReturnType<typeof openDb>>, schema: string, from: number, to: number): Promise<string[]> {
  const { rows } = await db.query<{ symbol: string }>(
    `SELECT DISTINCT symbol FROM ${schema}.bars WHERE timeframe = '1m' AND time >= $1::timestamptz AND time < $2::timestamptz ORDER BY symbol`,
    [new Date(from / 1000).toISOString(), new Date(to / 1000).toISOString()],
  );
  return rows.map((r) => r.symbol);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
    process.stderr.write(`reprocess feature-engine: ${err?.message ?? err}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
