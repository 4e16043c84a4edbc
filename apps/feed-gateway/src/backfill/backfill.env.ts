import { Presets, SingleBar } from 'cli-progress';
import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { ConfigError, parseConfig } from '@md/config';
import { type RequestBudget } from '@md/providers';
import type { CheckpointedSink } from '@md/ingest';
import type { AlpacaConnection } from '../providers/alpaca/alpaca-rest.http';

// What every backfill command shares: the Alpaca environment, the request budget, argument
// parsing that fails in one line, and the progress bar.

/** The backfill's environment, read once (secrets may come from ALPACA_SECRET_KEY_FILE). */
export const BackfillEnv = z.object({
  /** Alpaca API key id, sent as APCA-API-KEY-ID. */
  ALPACA_KEY_ID: z.string().min(1),
  /** Alpaca API secret, sent as APCA-API-SECRET-KEY; never printed. */
  ALPACA_SECRET_KEY: z.string().min(1),
  /** Market data base URL; a simulator's in tests. */
  ALPACA_DATA_URL: z.string().url().default('https://data.alpaca.markets'),
});

/** What a command reports to main.ts: aborted runs exit 130. */
export interface JobSummary {
  aborted: boolean;
}

/** A resumable job's sink, opened once the job's identity is known (main.ts: a KafkaJobSink, whose producer it closes). */
export type JobSinkOpener = <P>(job: { key: string; params: unknown }) => Promise<CheckpointedSink<P> & { disconnect?: () => Promise<void> }>;

export interface BackfillCliOptions {
  env?: NodeJS.ProcessEnv;
  /** Stops the job between requests; what it committed stays in its checkpoint. */
  signal?: AbortSignal;
  /** The bars job's checkpointed sink; without it, bars go to the command's plain sink and no position is kept. */
  openJob?: JobSinkOpener;
  /** Where the progress bar and the summary go. Default process.stderr. */
  output?: NodeJS.WritableStream;
}

export const whole = (min: number, max: number) => (text: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  return n;
};

/** Parses `args` with `command`, or throws a one-line ConfigError prefixed with `name`. */
export function parseCommand(command: Command, args: readonly string[], name: string): Record<string, unknown> {
  try {
    return command.exitOverride().configureOutput({ writeErr: () => undefined }).parse([...args], { from: 'user' }).opts();
  } catch (err) {
    if (err instanceof CommanderError) throw new ConfigError(`${name}: ${err.message.replace(/^error: /, '')}`);
    throw err;
  }
}

/** The Alpaca connection from the environment and `--requests-per-minute`. */
export function alpacaConnection(env: NodeJS.ProcessEnv, requestsPerMinute: number): AlpacaConnection {
  const parsed: z.infer<typeof BackfillEnv> = parseConfig(BackfillEnv, env);
  return { baseUrl: parsed.ALPACA_DATA_URL, keyId: parsed.ALPACA_KEY_ID, secretKey: parsed.ALPACA_SECRET_KEY, budget: budgetFor(requestsPerMinute) };
}

/** A burst of 10 on the basic plan (200/min); smaller plans burst less. */
export function budgetFor(requestsPerMinute: number): RequestBudget {
  return { requests: requestsPerMinute, perMs: 60_000, burst: Math.max(1, Math.min(10, Math.floor(requestsPerMinute / 20))) };
}

export function progressBar(output: NodeJS.WritableStream, format: string): SingleBar {
  return new SingleBar({ stream: output, format }, Presets.shades_classic);
}

/** Where a job stands: the unit just finished (null before the first) and the counts. */
export interface JobPosition {
  label: string | null;
  done: number;
  total: number;
}

/**
 * A job's onProgress that drives `bar`: started by the first report, then updated, with the
 * report's fields, `{label}` and the client's request and 429 counts as the bar's payload.
 */
export function reportTo<P extends object>(bar: SingleBar, client: { stats: { requests: number; rateLimited: number } }, at: (p: P) => JobPosition): (p: P) => void {
  return (p) => {
    const { label, done, total } = at(p);
    const payload = { ...p, label: label ?? '-', requests: client.stats.requests, rateLimited: client.stats.rateLimited };
    if (label === null) bar.start(total, done, payload);
    else bar.update(done, payload);
  };
}
