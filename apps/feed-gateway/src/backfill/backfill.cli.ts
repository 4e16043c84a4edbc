import { Presets, SingleBar } from 'cli-progress';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { ConfigInvalid, parseConfig } from '@md/config';
import { ConfigError, TIMEFRAMES, type Timeframe } from '@md/domain';
import { AlpacaRestClient } from '../providers/alpaca/alpaca-rest.client';
import { ALPACA_FEEDS, ALPACA_MAX_PAGE_LIMIT, type AlpacaFeed } from '../providers/alpaca/alpaca-rest.query';
import type { RecordSink } from '../providers/provider';
import { runBackfill, type BackfillProgress, type BackfillResult } from './backfill';

// backfill --provider alpaca --symbols DBB --from 2023-07-10 --to 2025-07-09 --feed iex --checkpoint .stack/backfill.json

/** The backfill's environment, read once (secrets may come from ALPACA_SECRET_KEY_FILE). */
export const BackfillEnv = z.object({
  /** Alpaca API key id, sent as APCA-API-KEY-ID. */
  ALPACA_KEY_ID: z.string().min(1),
  /** Alpaca API secret, sent as APCA-API-SECRET-KEY; never printed. */
  ALPACA_SECRET_KEY: z.string().min(1),
  /** Market data base URL; a simulator's in tests. */
  ALPACA_DATA_URL: z.string().url().default('https://data.alpaca.markets'),
});

export interface BackfillCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Stops the job between requests; completed windows stay in the checkpoint. */
  signal?: AbortSignal;
  /** Where the progress bar and the summary go. Default process.stderr. */
  output?: NodeJS.WritableStream;
}

export interface BackfillSummary extends BackfillResult {
  requests: number;
  rateLimited: number;
}

const whole = (min: number, max: number) => (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  return n;
};

function program(): Command {
  return new Command('backfill')
    .description('Fetch historical bars into the pipeline, resumably, one New York day at a time')
    .addOption(new Option('--provider <name>', 'historical data provider').choices(['alpaca']).makeOptionMandatory())
    .requiredOption('--symbols <list>', 'comma-separated tickers, e.g. DBB,SPY')
    .requiredOption('--from <date>', 'first New York date, YYYY-MM-DD (inclusive)')
    .requiredOption('--to <date>', 'end New York date, YYYY-MM-DD (exclusive)')
    .addOption(new Option('--feed <feed>', 'Alpaca feed').choices(ALPACA_FEEDS).default('iex'))
    .addOption(new Option('--timeframe <tf>', 'bar length').choices(TIMEFRAMES).default('1m'))
    .option('--checkpoint <path>', 'JSON file of completed days', '.stack/backfill.json')
    .option('--page-limit <n>', 'data points per request (Alpaca: up to 10000)', whole(1, ALPACA_MAX_PAGE_LIMIT), ALPACA_MAX_PAGE_LIMIT)
    .option('--requests-per-minute <n>', "the plan's request limit (basic plan: 200)", whole(2, 100_000), 200)
    .option('--all-days', 'also fetch days the NYSE calendar says are closed (overnight/OTC feeds)', false)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined });
}

/** Parses the arguments (a leading "backfill" is allowed), or throws a one-line ConfigError. */
function parseArgs(argv: readonly string[]) {
  const args = argv[0] === 'backfill' ? argv.slice(1) : argv;
  try {
    return program().parse([...args], { from: 'user' }).opts();
  } catch (err) {
    if (err instanceof CommanderError) throw new ConfigError(`backfill: ${err.message.replace(/^error: /, '')}`);
    throw err;
  }
}

function progressBar(output: NodeJS.WritableStream, client: AlpacaRestClient): { update: (p: BackfillProgress) => void; bar: SingleBar } {
  const bar = new SingleBar({
    stream: output,
    format: 'backfill {bar} {value}/{total} days | {date} | {bars} bars, {rejected} rejected | {requests} requests, {rateLimited} x 429',
  }, Presets.shades_classic);
  const update = (p: BackfillProgress) => {
    const payload = { ...p, date: p.date ?? '-', requests: client.stats.requests, rateLimited: client.stats.rateLimited };
    if (p.date === null) bar.start(p.windowsTotal, p.windowsDone, payload);
    else bar.update(p.windowsDone, payload);
  };
  return { update, bar };
}

/**
 * The `backfill` command: builds the Alpaca client from ALPACA_KEY_ID / ALPACA_SECRET_KEY /
 * ALPACA_DATA_URL, runs the job into `sink` with a progress bar, prints one summary line.
 */
export async function runBackfillCli(argv: readonly string[], sink: RecordSink, options: BackfillCliOptions = {}): Promise<BackfillSummary> {
  const opts = parseArgs(argv);
  let env: z.infer<typeof BackfillEnv>;
  try {
    env = parseConfig(BackfillEnv, options.env ?? process.env);
  } catch (err) {
    throw err instanceof ConfigInvalid ? new ConfigError(err.message) : err;
  }
  const requestsPerMinute = opts.requestsPerMinute as number;
  const client = new AlpacaRestClient({
    baseUrl: env.ALPACA_DATA_URL, keyId: env.ALPACA_KEY_ID, secretKey: env.ALPACA_SECRET_KEY, feed: opts.feed as AlpacaFeed,
    pageLimit: opts.pageLimit as number,
    // A burst of 10 on the basic plan (200/min); smaller plans burst less.
    budget: { requests: requestsPerMinute, perMs: 60_000, burst: Math.max(1, Math.min(10, Math.floor(requestsPerMinute / 20))) },
  });
  const symbols = String(opts.symbols).split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const output = options.output ?? process.stderr;
  const progress = progressBar(output, client);
  const result = await runBackfill(
    { symbols, timeframe: opts.timeframe as Timeframe, feed: opts.feed as string, fromDate: opts.from as string, toDate: opts.to as string,
      checkpointPath: opts.checkpoint as string, skipClosedDays: !opts.allDays },
    client, sink, { signal: options.signal, onProgress: progress.update },
  ).finally(() => progress.bar.stop());
  const summary = { ...result, requests: client.stats.requests, rateLimited: client.stats.rateLimited };
  output.write(`backfill ${symbols.join(',')} ${opts.from}..${opts.to} (${opts.feed}): ${result.aborted ? 'stopped' : 'done'}, ` +
    `${result.windowsDone}/${result.windowsTotal} days (${result.windowsResumed} from the checkpoint), ${result.bars} bars, ` +
    `${result.rejected} rejected, ${summary.requests} requests, ${summary.rateLimited} x 429, ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
  return summary;
}
