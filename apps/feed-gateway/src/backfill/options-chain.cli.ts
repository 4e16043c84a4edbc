import { ConfigError } from '@md/config';
import { Command, InvalidArgumentError, Option } from 'commander';
import { rfc3339Micros } from '@md/market';
import { ALPACA_OPTION_FEEDS, ALPACA_OPTION_MAX_PAGE_LIMIT, type AlpacaOptionFeed } from '@md/providers';
import { AlpacaOptionsClient } from '../providers/alpaca/alpaca-options.client';
import type { RecordSink } from '@md/ingest';
import { alpacaConnection, parseCommand, progressBar, reportTo, whole, type BackfillCliOptions } from './backfill.env';
import { runOptionsChainBackfill, type OptionsChainProgress, type OptionsChainResult } from './options-chain.job';

// backfill options-chain --underlying AAPL [--feed indicative|opra] [--expiry-from D] [--expiry-to D]
//   [--type call|put] [--risk-free-rate 0.053 | OPTIONS_RISK_FREE_RATE] [--snapshot-time RFC-3339]

export interface OptionsChainSummary extends OptionsChainResult {
  requests: number;
  rateLimited: number;
}

const date = (text: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) throw new InvalidArgumentError('must be YYYY-MM-DD');
  return text;
};

/** As OPTIONS_RISK_FREE_RATE (config.ts): continuously compounded, per year, -10%..100%. */
const rate = (text: string) => {
  const r = Number(text);
  if (text.trim() === '' || !Number.isFinite(r) || r < -0.1 || r > 1) throw new InvalidArgumentError('must be a yearly rate such as 0.053 for 5.3%');
  return r;
};

const instant = (text: string) => {
  const us = rfc3339Micros(text);
  if (us === undefined) throw new InvalidArgumentError('must be an RFC-3339 time such as 2024-07-31T20:00:00Z');
  return us;
};

function program(env: NodeJS.ProcessEnv): Command {
  const envRate = env.OPTIONS_RISK_FREE_RATE;
  return new Command('backfill options-chain')
    .description("Fetch option chain snapshots from Alpaca into md.options.chain.v1, computing greeks Alpaca lacks")
    .requiredOption('--underlying <list>', 'comma-separated underlyings, e.g. AAPL,SPY')
    .addOption(new Option('--feed <feed>', 'Alpaca options feed (indicative: free, delayed)').choices(ALPACA_OPTION_FEEDS).default('indicative'))
    .option('--expiry-from <date>', 'first expiration, YYYY-MM-DD (inclusive)', date)
    .option('--expiry-to <date>', 'last expiration, YYYY-MM-DD (inclusive)', date)
    .addOption(new Option('--type <type>', 'calls or puts only').choices(['call', 'put']))
    .option('--risk-free-rate <r>', 'continuously compounded yearly rate for computed greeks (default OPTIONS_RISK_FREE_RATE)', rate, envRate === undefined ? undefined : rate(envRate))
    .option('--snapshot-time <time>', "when the snapshot was taken (default: the chain's latest quote or trade)", instant)
    .option('--page-limit <n>', 'snapshots per request (Alpaca: up to 1000)', whole(1, ALPACA_OPTION_MAX_PAGE_LIMIT), ALPACA_OPTION_MAX_PAGE_LIMIT)
    .option('--requests-per-minute <n>', "the plan's request limit (basic plan: 200)", whole(2, 100_000), 200);
}

/** Runs the job into `sink` with a progress bar over underlyings; prints one summary line. */
export async function runOptionsChainCli(args: readonly string[], sink: RecordSink, options: BackfillCliOptions = {}): Promise<OptionsChainSummary> {
  const env = options.env ?? process.env;
  const opts = parseCommand(program(env), args, 'backfill options-chain');
  if (opts.riskFreeRate === undefined) {
    throw new ConfigError('backfill options-chain: --risk-free-rate (or OPTIONS_RISK_FREE_RATE) is required: greeks Alpaca lacks are computed with it, e.g. 0.053 for 5.3%');
  }
  const client = new AlpacaOptionsClient({
    ...alpacaConnection(env, opts.requestsPerMinute as number), feed: opts.feed as AlpacaOptionFeed, pageLimit: opts.pageLimit as number, riskFreeRate: opts.riskFreeRate as number,
  });
  const underlyings = String(opts.underlying).split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
  const output = options.output ?? process.stderr;
  const bar = progressBar(output, 'option chains {bar} {value}/{total} underlyings | {label} | {quotes} quotes, {rejected} rejected | {requests} requests, {rateLimited} x 429');
  const onProgress = reportTo(bar, client, (p: OptionsChainProgress) => ({ label: p.underlying, done: p.chainsDone, total: p.chainsTotal }));
  const job = {
    underlyings, expiryFrom: opts.expiryFrom as string | undefined, expiryTo: opts.expiryTo as string | undefined,
    type: opts.type as 'call' | 'put' | undefined, snapshotTime: opts.snapshotTime as number | undefined,
  };
  const result = await runOptionsChainBackfill(job, client, sink, { signal: options.signal, onProgress }).finally(() => bar.stop());
  const summary = { ...result, requests: client.stats.requests, rateLimited: client.stats.rateLimited };
  output.write(`backfill options-chain ${underlyings.join(',')} (${opts.feed}): ${result.aborted ? 'stopped' : 'done'}, ${result.chainsDone}/${result.chainsTotal} underlyings, ` +
    `${result.quotes} option quotes (greeks: ${result.providerGreeks} from Alpaca, ${result.computedGreeks} computed), ${result.rejected} rejected, ` +
    `${summary.requests} requests, ${summary.rateLimited} x 429, ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
  return summary;
}
