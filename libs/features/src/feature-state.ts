import { assertFeatureBar, type FeatureBar, type FeatureValues } from './feature-bar';
import { FeatureSetSchema, type FeatureSetInput, type FeatureSetSpec } from './feature-set.schema';
import { FeatureStateError, StateReader } from './feature-state-error';
import type { Indicator } from './indicator';
import { createIndicator } from './indicator.factory';

// Per-(symbol, timeframe) feature state for the feature-engine (issue #6, items 1 and 6). The
// service keeps one FeatureState per key, feeds it that key's bars in event-time order and
// checkpoints toJSON() into its changelog in the same Kafka transaction as the output; after a
// restart fromJSON(json, spec) continues with bit-identical values (tested on random split points).

const STATE_VERSION = 1;

/** FNV-1a, 32 bits, of the set's canonical JSON: a state is only restored into the set that wrote it. */
export function featureSetFingerprint(spec: FeatureSetSpec): string {
  const text = JSON.stringify(spec);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const validatedSets = new WeakMap<FeatureSetInput, { set: FeatureSetSpec; fingerprint: string }>();

/**
 * The set validated (zod) and fingerprinted once per spec object: the service creates a state per
 * key from the same few config objects, and parsing costs about a millisecond. Specs are treated
 * as immutable, as parsed config is.
 */
function validated(spec: FeatureSetInput): { set: FeatureSetSpec; fingerprint: string } {
  let hit = validatedSets.get(spec);
  if (hit === undefined) {
    const set = FeatureSetSchema.parse(spec);
    hit = { set, fingerprint: featureSetFingerprint(set) };
    validatedSets.set(spec, hit);
  }
  return hit;
}

/** The checkpoint: version, set name, set fingerprint, last event time, one compact array per indicator. */
export interface FeatureStateJson {
  v: number;
  set: string;
  fp: string;
  last: number | null;
  ind: unknown[];
}

export class FeatureState {
  private constructor(
    readonly spec: FeatureSetSpec,
    private readonly fingerprint: string,
    private readonly indicators: readonly Indicator[],
    private last: number | null,
  ) {}

  /** A fresh state for a set, parsed or not (validated here, so a hand-built set fails at creation, not mid-stream). */
  static create(spec: FeatureSetInput): FeatureState {
    const { set, fingerprint } = validated(spec);
    return new FeatureState(set, fingerprint, set.indicators.map((s) => createIndicator(s)), null);
  }

  /** Event time (UTC micros) of the last bar taken; null before the first. */
  get lastEventTime(): number | null {
    return this.last;
  }

  /**
   * Feeds the next bar and returns every feature of the set for it (null while warming up).
   * A bar at or before the last one taken (a duplicate, a replay after restoring a checkpoint,
   * an out-of-order bar) changes nothing and returns null: the caller skips it. Deciding by
   * return value, not by throwing, keeps a replay from looking like poison for the dead-letter
   * topic. A bar with a non-finite price throws InvalidRecordError, also before any change.
   */
  update(bar: FeatureBar): FeatureValues | null {
    if (this.last !== null && bar.eventTime <= this.last) return null;
    assertFeatureBar(bar);
    this.last = bar.eventTime;
    const out: FeatureValues = {};
    for (const indicator of this.indicators) indicator.update(bar, out);
    return out;
  }

  toJSON(): FeatureStateJson {
    return { v: STATE_VERSION, set: this.spec.name, fp: this.fingerprint, last: this.last, ind: this.indicators.map((i) => i.toJSON()) };
  }

  /**
   * Restores a checkpoint written by toJSON (after JSON.stringify/parse) for the same set. Throws
   * FeatureStateError for another version, another set (name or parameters) or a corrupt state:
   * the caller then rebuilds the key by replay.
   */
  static fromJSON(json: unknown, spec: FeatureSetInput): FeatureState {
    const { set, fingerprint } = validated(spec);
    if (typeof json !== 'object' || json === null) throw new FeatureStateError('feature state must be an object');
    const state = json as Partial<FeatureStateJson>;
    if (state.v !== STATE_VERSION) throw new FeatureStateError(`feature state version ${state.v} is not ${STATE_VERSION}`);
    if (state.set !== set.name || state.fp !== fingerprint) {
      throw new FeatureStateError(`feature state of set ${state.set} (${state.fp}) cannot restore set ${set.name} (${fingerprint})`);
    }
    if (state.last !== null && !Number.isSafeInteger(state.last)) throw new FeatureStateError('feature state last must be integer micros or null');
    const items = StateReader.of(state.ind, 'feature state ind');
    const indicators = set.indicators.map((s) => createIndicator(s, items.raw()));
    items.end();
    return new FeatureState(set, fingerprint, indicators, state.last ?? null);
  }
}
