import type { DeadLetterRecord } from '@md/contracts';
import { nowMicros } from '@md/market';

export interface DeadLetterSource {
  topic?: string;
  partition?: number;
  offset?: string | number;
  location?: string;
  key?: Buffer | null;
  payload: Buffer;
}

/** What a dead-letter record says: the reason, where the input came from, its original bytes. */
export function deadLetterFor(stage: string, error: unknown, source: DeadLetterSource): DeadLetterRecord {
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    stage,
    reason: err.message,
    errorType: err.name,
    sourceTopic: source.topic ?? null,
    sourcePartition: source.partition ?? null,
    sourceOffset: source.offset === undefined ? null : Number(source.offset),
    sourceLocation: source.location ?? null,
    key: source.key ?? null,
    payload: source.payload,
    failedAt: nowMicros(),
  };
}

/** Dead-letter key: the source key when there is one, so a symbol's rejects stay together. */
export function deadLetterKey(record: DeadLetterRecord): Buffer | string {
  return record.key ?? record.stage;
}
