import { z } from 'zod';
import { ConfigError } from '@md/config';

// A job's checkpoint, the JSON value on INGEST_CHECKPOINTS keyed by the job's identity. A job's
// input is read in runs: a run starts at the beginning, resumes across crashes at the position
// its last commit reached, and is `done` when the input ended. What the next start does then is
// the job's rerun policy:
// - 'after-clean-stop' (the gateway's file replays): a done run stays done through crashes (a
//   gateway killed after its last batch publishes nothing when restarted); the gateway's clean
//   stop closes it, and the next start replays the file again as a new run, as it did before
//   checkpoints (`npm start` twice, the same file sent again on purpose).
// - 'never' (the REST backfill): the position lists what is fetched; a later start only adds
//   what is not, whatever the date range.

export type JobState = 'running' | 'done' | 'closed';
export type RerunPolicy = 'after-clean-stop' | 'never';

export interface JobCheckpoint<P = unknown> {
  version: 1;
  /** The job's key, its identity (also the record key). */
  job: string;
  /** How the job reads its input (symbol, zone, columns, ...): a run resumes only under the same. */
  params: unknown;
  /** 1, 2, ...: each run reads the input from its beginning. */
  run: number;
  state: JobState;
  /** Where this run's committed records reach; null before its first commit. */
  position: P | null;
  /** Records and dead letters committed in this run, over all its starts. */
  published: number;
  rejected: number;
  updatedAt: string;
}

const JobCheckpointJson = z.object({
  version: z.literal(1),
  job: z.string(),
  params: z.unknown(),
  run: z.number().int().positive(),
  state: z.enum(['running', 'done', 'closed']),
  position: z.unknown(),
  published: z.number().int().min(0),
  rejected: z.number().int().min(0),
  updatedAt: z.string(),
});

/** The stored checkpoint of `job`, or undefined (never run, or deleted with a tombstone). */
export function parseJobCheckpoint<P>(job: string, text: string | null | undefined): JobCheckpoint<P> | undefined {
  if (text === null || text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = JobCheckpointJson.safeParse(json);
  if (!parsed.success || parsed.data.job !== job) {
    throw new ConfigError(`the checkpoint of job "${job}" is not one this version reads (${parsed.success ? 'another job' : parsed.error.issues[0].message}); delete it with a tombstone to start over`);
  }
  return { ...parsed.data, params: parsed.data.params ?? null, position: (parsed.data.position ?? null) as P | null };
}

/** Where one start of a job begins. */
export interface JobStart<P> {
  run: number;
  /** Undefined: from the beginning. */
  resumeAt: P | undefined;
  /** The run had ended before this start: nothing to publish. */
  done: boolean;
  /** Committed in this run before this start. */
  published: number;
  rejected: number;
  /** One line for the log: why it starts where it does. */
  note: string;
}

const sameParams = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function jobStart<P>(stored: JobCheckpoint<P> | undefined, params: unknown, rerun: RerunPolicy): JobStart<P> {
  const fresh = (run: number, note: string): JobStart<P> => ({ run, resumeAt: undefined, done: false, published: 0, rejected: 0, note });
  if (!stored) return fresh(1, 'run 1, from the beginning');
  if (!sameParams(stored.params, params)) {
    if (rerun === 'never') {
      throw new ConfigError(`job "${stored.job}" was checkpointed with ${JSON.stringify(stored.params)}, not ${JSON.stringify(params)}: name the job differently`);
    }
    return fresh(stored.run + 1, `run ${stored.run + 1}, from the beginning: run ${stored.run} read with ${JSON.stringify(stored.params)}`);
  }
  if (stored.state === 'closed') return fresh(stored.run + 1, `run ${stored.run + 1}, from the beginning: run ${stored.run} ended`);
  const resumed = { run: stored.run, resumeAt: stored.position ?? undefined, published: stored.published, rejected: stored.rejected };
  if (stored.state === 'done' && rerun === 'after-clean-stop') {
    return { ...resumed, done: true, note: `run ${stored.run} already done (${stored.published} records): nothing to publish until a clean stop ends it` };
  }
  return { ...resumed, done: false, note: `run ${stored.run}, resumed after ${stored.published} records and ${stored.rejected} dead letters` };
}
