import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { databaseUrlOf, endpointsOf, type CliIo } from '../cli-context';
import { parseTime } from '../parse-time';
import { OperationError, UsageError } from '../usage-error';
import { workspaceRoot } from '../workspace-root';

/** Each stage's reprocess job (libs/reprocess reprocessMain), its entry point in dist/. */
const JOBS: Record<string, string> = {
  preprocessor: 'dist/apps/preprocessor/src/reprocess/main.js',
  'feature-engine': 'dist/apps/feature-engine/src/reprocess/main.js',
  'quality-monitor': 'dist/apps/quality-monitor/src/reprocess/main.js',
};

interface ReprocessOptions {
  stage: string;
  from: string;
  to: string;
  symbols?: string;
  generation?: string;
  warmupDays?: string;
  dbSchema?: string;
  cause?: string;
}

/**
 * `mdctl reprocess`: recompute a stage's outputs for a window under its current rules and
 * publish them with a generation the sinks accept as replacements (the stage's own job, run as a
 * process with this CLI's endpoints; it reads the stored inputs from the writer's database, so
 * it reaches beyond Kafka's retention). The live stage keeps serving; raise its GENERATION to the
 * same number when its rules changed, so what it emits from now on is not older than the restated
 * window. Safe to repeat: a second run publishes the same records.
 */
export function registerReprocess(program: Command, io: CliIo): void {
  program.command('reprocess')
    .description("recompute a stage's outputs for a window under its current config (e.g. a changed FEATURE_SET_FILE) and restate them with a higher generation")
    .addOption(new Option('--stage <stage>', 'stage to recompute').choices(Object.keys(JOBS)).makeOptionMandatory())
    .requiredOption('--from <time>', 'start of the window (event time of the outputs), e.g. 2024-05-01 (UTC) or 2024-05-01T09:30:00-04:00')
    .requiredOption('--to <time>', 'end of the window, exclusive')
    .option('--symbols <list>', 'only these symbols, e.g. DBB,SPY (default: every symbol stored in the window)')
    .option('--generation <n>', "generation of the restated outputs (default: the stage's GENERATION)")
    .option('--warmup-days <n>', 'days of stored inputs before --from that rebuild the state (default 60)')
    .option('--db-schema <name>', "the writer's schema (default: DB_SCHEMA, else md)")
    .option('--cause <text>', 'why, recorded in md.reprocessed.v1', 'reprocess')
    .action(async (opts: ReprocessOptions, cmd: Command) => {
      const [from, to] = [parseTime(opts.from, '--from'), parseTime(opts.to, '--to')];
      if (from >= to) throw new UsageError('--from must be before --to');
      const job = join(workspaceRoot(), JOBS[opts.stage]);
      if (!existsSync(job)) throw new OperationError(`${job} is missing: run \`npm run build\` first`);
      const { brokers, registryUrl } = endpointsOf(cmd);
      const env = { ...process.env, KAFKA_BROKERS: brokers.join(','), SCHEMA_REGISTRY_URL: registryUrl, DATABASE_URL: databaseUrlOf(cmd, 'reprocess'), ...(opts.dbSchema ? { DB_SCHEMA: opts.dbSchema } : {}) };
      const args = ['--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(), '--cause', opts.cause ?? 'reprocess'];
      for (const [flag, value] of [['--symbols', opts.symbols], ['--generation', opts.generation], ['--warmup-days', opts.warmupDays]] as const) if (value !== undefined) args.push(flag, value);
      await runJob(job, args, env, io);
    });
}

/** Runs the job, its output through ours; its exit code 2 (usage) stays a usage error. */
function runJob(script: string, args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => io.out.write(d));
    child.stderr.on('data', (d) => io.err.write(d));
    child.once('error', (err) => reject(new OperationError(`cannot start ${script} (${err.message}): run \`npm run build\` first`, err)));
    child.once('close', (code) => {
      if (code === 0) resolve();
      else if (code === 2) reject(new UsageError(`the reprocess job refused its arguments (see above)`));
      else reject(new OperationError(`the reprocess job failed (exit ${code}; see above)`));
    });
  });
}
