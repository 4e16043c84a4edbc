import { Command, Option } from 'commander';
import { TIMEFRAMES, type Timeframe } from '@md/contracts';
import { AlpacaRestClient } from '../providers/alpaca/alpaca-rest.client';
import { ALPACA_FEEDS, ALPACA_MAX_PAGE_LIMIT, type AlpacaFeed } from '../providers/alpaca/alpaca-rest.query';
import type { RecordSink } from '@md/ingest';
import { backfillIdentity, runBackfill, type BackfillPosition, type BackfillProgress, type BackfillResult } from './backfill';
import { alpacaConnection, parseCommand, progressBar, reportTo, whole, type BackfillCliOptions, type JobSummary } from './backfill.env';
import { runCorporateActionsCli } from './corporate-actions.cli';
import { runOptionsChainCli } from './options-chain.cli';

// backfill [bars] --provider alpaca --symbols DBB --from 2023-07-10 --to 2025-07-09 --feed iex [--job dbb-history]
// backfill corporate-actions --symbols AAPL --from 2010-01-01 --to 2025-01-01   (corporate-actions.cli.ts)
// backfill options-chain --underlying AAPL                                      (options-chain.cli.ts)

export { BackfillEnv, type BackfillCliOptions, type JobSummary } from './backfill.env';

export interface BackfillSummary extends BackfillResult {
  requests: number;
  rateLimited: number;
}

function program(): Command {
  return new Command('backfill')
    .description('Fetch historical bars into the pipeline, resumably, one New York day at a time')
    .addOption(new Option('--provider <name>', 'historical data provider').choices(['alpaca']).makeOptionMandatory())
    .requiredOption('--symbols <list>', 'comma-separated tickers, e.g. DBB,SPY')
    .requiredOption('--from <date>', 'first New York date, YYYY-MM-DD (inclusive)')
    .requiredOption('--to <date>', 'end New York date, YYYY-MM-DD (exclusive)')
    .addOption(new Option('--feed <feed>', 'Alpaca feed').choices(ALPACA_FEEDS).default('iex'))
    .addOption(new Option('--timeframe <tf>', 'bar length').choices(TIMEFRAMES).default('1m'))
    .option('--job <name>', 'name of the job\'s checkpoint (default: provider, feed, timeframe and symbols)')
    .option('--page-limit <n>', 'data points per request (Alpaca: up to 10000)', whole(1, ALPACA_MAX_PAGE_LIMIT), ALPACA_MAX_PAGE_LIMIT)
    .option('--requests-per-minute <n>', "the plan's request limit (basic plan: 200)", whole(2, 100_000), 200)
    .option('--all-days', 'also fetch days the NYSE calendar says are closed (overnight/OTC feeds)', false);
}

/**
 * `backfill [backfill] <command> ...`: corporate-actions, options-chain, or bars (the default, so
 * `backfill --provider alpaca ...` keeps working). Resolves with the command's summary.
 */
export function runBackfillCommand(argv: readonly string[], sink: RecordSink, options: BackfillCliOptions = {}): Promise<JobSummary> {
  const args = argv[0] === 'backfill' ? argv.slice(1) : argv;
  if (args[0] === 'corporate-actions') return runCorporateActionsCli(args.slice(1), sink, options);
  if (args[0] === 'options-chain') return runOptionsChainCli(args.slice(1), sink, options);
  return runBackfillCli(args[0] === 'bars' ? args.slice(1) : args, sink, options);
}

/**
 * The bars backfill: builds the Alpaca client from ALPACA_KEY_ID / ALPACA_SECRET_KEY /
 * ALPACA_DATA_URL, runs the job into `sink` with a progress bar, prints one summary line.
 */
export async function runBackfillCli(argv: readonly string[], sink: RecordSink, options: BackfillCliOptions = {}): Promise<BackfillSummary> {
  const opts = parseCommand(program(), argv[0] === 'backfill' ? argv.slice(1) : argv, 'backfill');
  const connection = alpacaConnection(options.env ?? process.env, opts.requestsPerMinute as number);
  const client = new AlpacaRestClient({ ...connection, feed: opts.feed as AlpacaFeed, pageLimit: opts.pageLimit as number });
  const symbols = String(opts.symbols).split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const output = options.output ?? process.stderr;
  const bar = progressBar(output, 'backfill {bar} {value}/{total} days | {label} | {bars} bars, {rejected} rejected | {requests} requests, {rateLimited} x 429');
  const onProgress = reportTo(bar, client, (p: BackfillProgress) => ({ label: p.date, done: p.windowsDone, total: p.windowsTotal }));
  const job = { symbols, timeframe: opts.timeframe as Timeframe, feed: opts.feed as string, fromDate: opts.from as string, toDate: opts.to as string, skipClosedDays: !opts.allDays };
  const jobSink = options.openJob ? await options.openJob<BackfillPosition>(backfillIdentity(job, client.provider, opts.job as string | undefined)) : sink;
  const result = await runBackfill(job, client, jobSink, { signal: options.signal, onProgress }).finally(async () => {
    bar.stop();
    if ('disconnect' in jobSink) await jobSink.disconnect?.();
  });
  const summary = { ...result, requests: client.stats.requests, rateLimited: client.stats.rateLimited };
  output.write(`backfill ${symbols.join(',')} ${opts.from}..${opts.to} (${opts.feed}): ${result.aborted ? 'stopped' : 'done'}, ` +
    `${result.windowsDone}/${result.windowsTotal} days (${result.windowsResumed} from the checkpoint), ${result.bars} bars, ` +
    `${result.rejected} rejected, ${summary.requests} requests, ${summary.rateLimited} x 429, ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
  return summary;
}
