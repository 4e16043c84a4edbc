import type { Message } from 'kafkajs';

/**
 * Per-partition keyed state for a consume-transform-produce stage, changelogged like Kafka
 * Streams' state stores (KIP-98 + compacted changelog): every chunk's changed keys are written
 * to a compacted topic in the same transaction as its outputs and input offsets, so after a
 * crash the state restored from the changelog matches the committed offsets exactly.
 *
 * Values are kept as JSON text between chunks. Within a chunk a key is hydrated once into a
 * live object that the transform may mutate; if the transaction fails the live objects are
 * dropped and the chunk is re-run from the last committed text, so a retry never sees half a
 * chunk's mutations.
 */
export interface KeyedState {
  /** The live object for `key` this chunk: hydrated from the stored JSON (undefined if none). */
  load<T>(key: string, hydrate: (stored: unknown) => T): T;
  /** Forgets a key (a tombstone in the changelog). */
  remove(key: string): void;
}

const TOMBSTONE = Symbol('tombstone');

export class PartitionState implements KeyedState {
  private readonly committed = new Map<string, string>();
  private live = new Map<string, unknown>();

  constructor(readonly partition: number) {}

  load<T>(key: string, hydrate: (stored: unknown) => T): T {
    const current = this.live.get(key);
    if (current !== undefined && current !== TOMBSTONE) return current as T;
    const text = current === TOMBSTONE ? undefined : this.committed.get(key);
    const value = hydrate(text === undefined ? undefined : JSON.parse(text));
    this.live.set(key, value);
    return value;
  }

  remove(key: string): void {
    this.live.set(key, TOMBSTONE);
  }

  /** Changelog records for this chunk's keys; JSON.stringify calls a class's toJSON(). */
  changes(): Array<{ key: string; text: string | null }> {
    return [...this.live].map(([key, value]) => ({ key, text: value === TOMBSTONE ? null : JSON.stringify(value) }));
  }

  changelogMessages(): Message[] {
    return this.changes().map(({ key, text }) => ({ key, value: text, partition: this.partition }));
  }

  /** After the transaction committed: the chunk's values become the committed state. */
  commit(): void {
    for (const { key, text } of this.changes()) {
      if (text === null) this.committed.delete(key);
      else this.committed.set(key, text);
    }
    this.live = new Map();
  }

  /** After a failed transaction: forget the chunk's mutations. */
  rollback(): void {
    this.live = new Map();
  }

  /** Restores one changelog record (null value = tombstone); the last record of a key wins. */
  restore(key: string, text: string | null): void {
    if (text === null) this.committed.delete(key);
    else this.committed.set(key, text);
  }

  get size(): number {
    return this.committed.size;
  }
}

/**
 * A KeyedState without a changelog, for a bounded job that rebuilds its state from inputs (a
 * reprocess warms it up on the window before the one it publishes): the live objects themselves.
 */
export class MemoryKeyedState implements KeyedState {
  private readonly values = new Map<string, unknown>();

  load<T>(key: string, hydrate: (stored: unknown) => T): T {
    if (!this.values.has(key)) this.values.set(key, hydrate(undefined));
    return this.values.get(key) as T;
  }

  remove(key: string): void {
    this.values.delete(key);
  }
}
