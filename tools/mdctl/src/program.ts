import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ENDPOINT_DEFAULTS, type CliIo } from './cli-context';
import { registerAsyncApi } from './commands/asyncapi.command';
import { registerBackup } from './commands/backup.command';
import { registerBackfill } from './commands/backfill.command';
import { registerExport } from './commands/export.command';
import { registerLag } from './commands/lag.command';
import { registerOffsetCommands } from './commands/offsets.command';
import { registerQuality } from './commands/quality.command';
import { registerReprocess } from './commands/reprocess.command';
import { registerRestore } from './commands/restore.command';
import { registerSchemas } from './commands/schemas.command';
import { registerStack } from './commands/stack.command';
import { registerTopics } from './commands/topics.command';
import { EXIT, exitCodeOf } from './usage-error';
import { workspaceRoot } from './workspace-root';

const EXAMPLES = `
Examples:
  mdctl stack up                                   start Kafka, the registry, PostgreSQL and Redis locally
  mdctl topics create && mdctl schemas register    declare every topic and schema
  mdctl topics describe md.bars.v1
  mdctl schemas check                              exit 1 if a schema is missing or not BACKWARD compatible
  mdctl lag --group md-preprocessor
  mdctl replay --topic md.bars.v1 --from 2024-04-01T13:30:00Z --group md-timescale-writer
  mdctl replay --from-db --topic md.raw.trades.v1 --from 2024-04-01 --to 2024-04-02 --symbols SPY   from the writer's database
  mdctl rewind --stage preprocessor --from 2024-04-01 --dry-run        re-read inputs (sinks refill idempotently)
  FEATURE_SET_FILE=v2.json mdctl reprocess --stage feature-engine --from 2024-05-01 --to 2024-06-01 --generation 1
  mdctl backfill --provider alpaca --symbols DBB,SPY --from 2023-07-10 --to 2025-07-09
  mdctl quality report --from 2024-04-01 --to 2024-05-01 --format html --out quality.html
  mdctl export --format parquet --symbols DBB,SPY --from 2024-07-01 --to 2024-08-01 --out data   one file per symbol, from the writer
  mdctl asyncapi --check                           exit 1 if schemas/asyncapi.yaml is not what the topic table gives
  mdctl backup --dir /var/backups/md               the writer's schema and the Kafka offsets it covers; prunes backups over --keep-days 30
  mdctl restore /var/backups/md --replace          the newest backup; stop the writer first, start it after: it replays the rest

Times: YYYY-MM-DD (UTC midnight) or ISO 8601 with a zone (Z or ±hh:mm); naive times are refused.
replay/rewind times are Kafka record timestamps: when a record was published, not its bar time;
replay --from-db times are event times, and it publishes (needs --database-url or DATABASE_URL).
replay and rewind refuse while the group has members: stop the stage first, start it after.
reprocess recomputes from the writer's database (--database-url or DATABASE_URL) while the stages run.
backup and restore read the writer's database (--database-url, DATABASE_URL or DATABASE_URL_FILE); restore refuses while the writer runs.

Exit codes: 0 done; 1 runtime failure (broker or registry unreachable, group active, job failed);
2 usage error (unknown option, bad value: nothing was changed); 130 backfill or replay --from-db stopped by Ctrl-C.
Environment: KAFKA_BROKERS, SCHEMA_REGISTRY_URL, READ_API_URL, DATABASE_URL set the defaults of the options above.
A secured cluster: the services' variables, read here too: KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM,
KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD(_FILE); SCHEMA_REGISTRY_USERNAME, SCHEMA_REGISTRY_PASSWORD(_FILE) or
SCHEMA_REGISTRY_TOKEN(_FILE), SCHEMA_REGISTRY_CA_FILE; DATABASE_PASSWORD(_FILE) and libpq's sslmode/sslrootcert in the URL.`;

/** The whole CLI; `io` receives command output and errors (tests capture them). */
export function buildProgram(io: CliIo): Command {
  const program = new Command('mdctl')
    .description('Operate the market-data platform: local stack, topics, schemas, replays, backfills, reprocessing, lag, quality reports, backups')
    .version((JSON.parse(readFileSync(join(workspaceRoot(), 'package.json'), 'utf8')) as { version: string }).version)
    .addOption(new Option('--brokers <list>', 'Kafka bootstrap servers host:port[,…]').default(ENDPOINT_DEFAULTS.brokers))
    .addOption(new Option('--registry <url>', 'Confluent-compatible schema registry').default(ENDPOINT_DEFAULTS.registry))
    .addOption(new Option('--writer-url <url>', "timescale-writer's read API").default(ENDPOINT_DEFAULTS.writerUrl))
    .addOption(new Option('--database-url <url>', "the writer's PostgreSQL/TimescaleDB, for replay --from-db (default: DATABASE_URL)"))
    // Settings before the subcommands: commander copies them into each one it creates.
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .showHelpAfterError('(run with --help for usage and examples)')
    .addHelpText('after', EXAMPLES);
  registerStack(program);
  registerTopics(program, io);
  registerSchemas(program, io);
  registerOffsetCommands(program, io);
  registerBackfill(program);
  registerLag(program, io);
  registerQuality(program, io);
  registerReprocess(program, io);
  registerExport(program, io);
  registerAsyncApi(program, io);
  registerBackup(program, io);
  registerRestore(program, io);
  return program;
}

/** Runs `argv` (user arguments, no node/script) and resolves with the exit code; never throws. */
export async function runMdctl(argv: readonly string[], io: CliIo): Promise<number> {
  // A command signals an exit code through process.exitCode (Ctrl-C): only this run's counts, not
  // one left by earlier work in the same process (a test runner running files in band sets it).
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    // commander has already printed its message (and help when asked for it).
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    io.err.write(`mdctl: ${(err as Error).message ?? err}\n`);
    return exitCodeOf(err);
  } finally {
    process.exitCode = before;
  }
}
