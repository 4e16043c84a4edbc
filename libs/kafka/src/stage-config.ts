import { hostname } from 'node:os';
import { z } from 'zod';
import { positiveInt } from '@md/config';
import { DEFAULT_OUTAGE_BUDGET_SECONDS } from './outage-budget';

/** What every consuming stage's config holds, as its app config spreads it. */
export interface StageSettings {
  GROUP_ID: string;
  SESSION_TIMEOUT_MS: number;
  MAX_BATCH_RECORDS: number;
  RETRY_MAX_MS: number;
  /** Optional so hand-built settings (tests, jobs) keep compiling; stageConfig always fills it. */
  KAFKA_OUTAGE_BUDGET_SECONDS?: number;
}

export interface TransactionalStageSettings extends StageSettings {
  TRANSACTIONAL_ID: string;
  GENERATION: number;
}

/**
 * The zod block of a consuming stage (STYLE.md habit 6: one schema per app, each field commented
 * with its default): `z.object({ ...commonConfig, ...stageConfig({ group: 'md-writer', maxBatchRecords: 5000 }) })`.
 */
export function stageConfig(defaults: { group: string; maxBatchRecords: number; retryMaxMs?: number }) {
  return {
    /** Consumer group; every instance of the stage shares it and splits the partitions. */
    GROUP_ID: z.string().min(1).default(defaults.group),
    /** Consumer group session timeout (ms): how long partitions of a crashed instance wait before moving. */
    SESSION_TIMEOUT_MS: z.coerce.number().int().min(6000).default(30_000),
    /** Upper bound on input records per step (one Kafka transaction, or one database write and its offset commit). */
    MAX_BATCH_RECORDS: positiveInt(defaults.maxBatchRecords),
    /** Cap of the retry backoff while a dependency (database, Redis, broker) is down, in milliseconds. */
    RETRY_MAX_MS: positiveInt(defaults.retryMaxMs ?? 10_000),
    ...outageConfig,
  };
}

/** The outage budget alone, for services that consume nothing (feed-gateway, alt-data-aggregator). */
export const outageConfig = {
  /**
   * Seconds a service rides out a broker it cannot reach (or a consumer group it cannot rejoin)
   * before it exits 1: meanwhile it retries with backoff and /ready answers 503. Default 300.
   */
  KAFKA_OUTAGE_BUDGET_SECONDS: z.coerce.number().positive().default(DEFAULT_OUTAGE_BUDGET_SECONDS),
};

/** stageConfig plus the transactional id of a consume-transform-produce stage (KIP-98). */
export function transactionalStageConfig(defaults: { group: string; maxBatchRecords: number; retryMaxMs?: number }) {
  return {
    ...stageConfig(defaults),
    /**
     * Stable per instance: a restarted instance with the same id fences its previous self
     * (kafkajs implements no KIP-447, so fencing rests on this id; keep it per pod, e.g. the
     * StatefulSet pod name). Default: the group and the host name.
     */
    TRANSACTIONAL_ID: z.string().min(1).default(`${defaults.group}-${hostname()}`),
    /**
     * Rule version stamped on every output (`generation`): raise it when the stage's rules or
     * settings change what it computes, then reprocess history (mdctl reprocess); sinks keep, per
     * record identity, the highest generation.
     */
    GENERATION: z.coerce.number().int().min(0).default(0),
  };
}
