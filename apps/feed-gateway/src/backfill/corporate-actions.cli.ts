import { Command } from 'commander';
import { ALPACA_CORPORATE_ACTIONS_MAX_PAGE_LIMIT, ALPACA_ACTION_TYPES } from '@md/providers';
import { AlpacaCorporateActionsClient } from '../providers/alpaca/alpaca-corporate-actions.client';
import type { RecordSink } from '@md/ingest';
import { alpacaConnection, parseCommand, progressBar, reportTo, whole, type BackfillCliOptions } from './backfill.env';
import { runCorporateActionsBackfill, type CorporateActionsProgress, type CorporateActionsResult } from './corporate-actions.job';

// backfill corporate-actions --symbols AAPL --from 2010-01-01 --to 2025-01-01 [--types forward_split,cash_dividend]

export interface CorporateActionsSummary extends CorporateActionsResult {
  requests: number;
  rateLimited: number;
}

function program(): Command {
  return new Command('backfill corporate-actions')
    .description('Fetch splits and dividends from Alpaca into md.corporate-actions.v1')
    .requiredOption('--symbols <list>', 'comma-separated tickers, e.g. AAPL,MSFT')
    .requiredOption('--from <date>', 'first ex-date, YYYY-MM-DD (inclusive)')
    .requiredOption('--to <date>', 'end ex-date, YYYY-MM-DD (exclusive)')
    .option('--types <list>', 'Alpaca action types (others have no record kind and are dead-lettered)', ALPACA_ACTION_TYPES.join(','))
    .option('--page-limit <n>', 'actions per request (Alpaca: up to 1000)', whole(1, ALPACA_CORPORATE_ACTIONS_MAX_PAGE_LIMIT), ALPACA_CORPORATE_ACTIONS_MAX_PAGE_LIMIT)
    .option('--requests-per-minute <n>', "the plan's request limit (basic plan: 200)", whole(2, 100_000), 200);
}

const list = (text: unknown) => String(text).split(',').map((s) => s.trim()).filter(Boolean);

/** Runs the job into `sink` with a progress bar over years of process dates; prints one summary line. */
export async function runCorporateActionsCli(args: readonly string[], sink: RecordSink, options: BackfillCliOptions = {}): Promise<CorporateActionsSummary> {
  const opts = parseCommand(program(), args, 'backfill corporate-actions');
  const client = new AlpacaCorporateActionsClient({ ...alpacaConnection(options.env ?? process.env, opts.requestsPerMinute as number), pageLimit: opts.pageLimit as number });
  const symbols = list(opts.symbols).map((s) => s.toUpperCase());
  const output = options.output ?? process.stderr;
  const bar = progressBar(output, 'corporate actions {bar} {value}/{total} years | {label} | {actions} actions, {rejected} rejected | {requests} requests, {rateLimited} x 429');
  const onProgress = reportTo(bar, client, (p: CorporateActionsProgress) => ({ label: p.window, done: p.windowsDone, total: p.windowsTotal }));
  const job = { symbols, types: list(opts.types), fromDate: opts.from as string, toDate: opts.to as string };
  const result = await runCorporateActionsBackfill(job, client, sink, { signal: options.signal, onProgress }).finally(() => bar.stop());
  const summary = { ...result, requests: client.stats.requests, rateLimited: client.stats.rateLimited };
  output.write(`backfill corporate-actions ${symbols.join(',')} ${opts.from}..${opts.to}: ${result.aborted ? 'stopped' : 'done'}, ` +
    `${result.windowsDone}/${result.windowsTotal} years, ${result.actions} actions, ${result.rejected} rejected, ${result.outside} outside the dates, ` +
    `${summary.requests} requests, ${summary.rateLimited} x 429, ${(result.elapsedMs / 1000).toFixed(1)} s\n`);
  return summary;
}
