import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { TIMEFRAMES } from '@md/contracts';
import { endpointsOf } from '../cli-context';
import { parseDay, parseSymbols } from '../parse-symbols';
import { workspaceRoot } from '../workspace-root';
import { EXIT, OperationError, UsageError } from '../usage-error';

export interface BackfillOptions {
  provider: string;
  symbols: string;
  from: string;
  to: string;
  feed?: string;
  timeframe?: string;
  job?: string;
  requestsPerMinute?: string;
  allDays?: boolean;
}

/**
 * The argument list of feed-gateway's backfill command (apps/feed-gateway/src/backfill), after
 * mdctl's own checks, so bad input exits 2 before anything connects.
 */
export function backfillArgs(o: BackfillOptions): string[] {
  const symbols = parseSymbols(o.symbols);
  const from = parseDay(o.from, '--from');
  const to = parseDay(o.to, '--to');
  if (to <= from) throw new UsageError(`--to ${to} is not after --from ${from}: the backfill covers [from, to) in New York days`);
  return [
    '--provider', o.provider, '--symbols', symbols.join(','), '--from', from, '--to', to,
    ...(o.feed ? ['--feed', o.feed] : []), ...(o.timeframe ? ['--timeframe', o.timeframe] : []),
    ...(o.job ? ['--job', o.job] : []), ...(o.requestsPerMinute ? ['--requests-per-minute', o.requestsPerMinute] : []),
    ...(o.allDays ? ['--all-days'] : []),
  ];
}

export function registerBackfill(program: Command): void {
  program.command('backfill')
    .description("fetch historical bars into md.raw.bars.v1 with a progress bar, resumable from its Kafka checkpoint (runs feed-gateway's backfill job; needs ALPACA_KEY_ID and ALPACA_SECRET_KEY)")
    .addOption(new Option('--provider <name>', 'historical data provider').choices(['alpaca']).makeOptionMandatory())
    .requiredOption('--symbols <list>', 'comma-separated tickers, e.g. DBB,SPY')
    .requiredOption('--from <date>', 'first New York day, YYYY-MM-DD (inclusive)')
    .requiredOption('--to <date>', 'end New York day, YYYY-MM-DD (exclusive)')
    .option('--feed <feed>', 'Alpaca feed: iex (default), sip, delayed_sip')
    .addOption(new Option('--timeframe <tf>', 'bar length (default 1m)').choices(TIMEFRAMES))
    .option('--job <name>', "the job's name in md.ingest.checkpoints.v1; a rerun of the same job resumes after its last committed page (default: provider, feed, timeframe and symbols)")
    .option('--requests-per-minute <n>', "the plan's request limit (basic plan: 200)")
    .option('--all-days', 'also fetch days the NYSE calendar says are closed')
    .action(async (opts: BackfillOptions, cmd: Command) => {
      const args = backfillArgs(opts);
      const { brokers, registryUrl } = endpointsOf(cmd);
      const job = join(workspaceRoot(), 'dist/apps/feed-gateway/src/backfill/main.js');
      if (!existsSync(job)) throw new OperationError(`${job} is missing: run \`npm run build\` first`);
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [job, ...args], { stdio: 'inherit', env: { ...process.env, KAFKA_BROKERS: brokers.join(','), SCHEMA_REGISTRY_URL: registryUrl } });
        child.once('error', reject);
        child.once('close', resolve);
      });
      // The job exits 0 done, 130 stopped (the checkpoint keeps committed pages), 1 failed (its own line on stderr).
      if (code === EXIT.interrupted) process.exitCode = EXIT.interrupted;
      else if (code !== 0) throw new OperationError(`backfill failed (exit ${code}); rerun the same command to resume from the checkpoint`);
    });
}
