import { EMPTY_DECAYED_MEAN, addDecayed, decayedValue, effectiveCount, type DecayedMean } from './decayed-mean';

// The composite alternative-data signal of one symbol (issue #6, alt-data-aggregator 4): each
// source (news_sentiment, social_sentiment, web_traffic, ...) keeps its own decayed mean of scores
// in [-1, 1] with its own half-life; the composite is their weighted mean at the time of the
// newest input T:
//
//   composite(T) = Σ w_s · m_s / Σ w_s   over the sources that have data,
//   w_s = weight_s · min(1, n_s(T)),     n_s(T) = Σ 2^(-(T - t_i) / halfLife_s)
//
// So weights are renormalised over the sources present (a symbol with news only gets the news
// mean), a source that went quiet or has a single old document counts less than its configured
// weight, and a busy source never counts more. Everything is by event time: a replay gives the
// same composites, and the value at T uses only inputs at or before T.

export interface SourcePolicy {
  /** Relative weight (≥ 0) before renormalisation over the sources present. */
  weight: number;
  /** Half-life of this source's decayed mean and of its weight, milliseconds. */
  halfLifeMs: number;
}

export interface CompositePolicy {
  sources: Readonly<Record<string, SourcePolicy>>;
  /** Symbols kept at most; the least recently updated is forgotten first (bounded memory). */
  maxSymbols: number;
}

const HOUR_MS = 3_600_000;

/**
 * Chosen defaults, not fitted: news and social sentiment move within hours (news counts more,
 * being edited), the other sources are daily or weekly series, so they decay over a week.
 */
export const DEFAULT_COMPOSITE_POLICY: CompositePolicy = {
  sources: {
    news_sentiment: { weight: 0.4, halfLifeMs: 6 * HOUR_MS },
    social_sentiment: { weight: 0.3, halfLifeMs: 2 * HOUR_MS },
    web_traffic: { weight: 0.1, halfLifeMs: 7 * 24 * HOUR_MS },
    card_spending: { weight: 0.1, halfLifeMs: 7 * 24 * HOUR_MS },
    satellite: { weight: 0.05, halfLifeMs: 7 * 24 * HOUR_MS },
    supply_chain: { weight: 0.05, halfLifeMs: 7 * 24 * HOUR_MS },
  },
  maxSymbols: 100_000,
};

export interface CompositeValue {
  value: number;
  /** Per-source decayed mean that went into the value. */
  components: Record<string, number>;
  /** Sources combined. */
  sources: number;
  /** Event time of the newest input, UTC micros. */
  eventTime: number;
}

export type CompositeBookState = Array<[symbol: string, sources: Record<string, DecayedMean>]>;

export function validateCompositePolicy(policy: CompositePolicy): CompositePolicy {
  const entries = Object.entries(policy.sources);
  if (!entries.length) throw new Error('composite policy: no sources');
  for (const [name, s] of entries) {
    if (!(s.weight >= 0) || !Number.isFinite(s.weight)) throw new Error(`composite policy: ${name} weight must be a number >= 0`);
    if (!(s.halfLifeMs > 0)) throw new Error(`composite policy: ${name} half-life must be > 0 ms`);
  }
  if (!entries.some(([, s]) => s.weight > 0)) throw new Error('composite policy: every source weight is 0');
  if (!Number.isInteger(policy.maxSymbols) || policy.maxSymbols < 1) throw new Error('composite policy: maxSymbols must be an integer >= 1');
  return policy;
}

export class CompositeBook {
  private readonly symbols = new Map<string, Record<string, DecayedMean>>();

  constructor(private readonly policy: CompositePolicy = DEFAULT_COMPOSITE_POLICY, state: CompositeBookState = []) {
    validateCompositePolicy(policy);
    for (const [symbol, sources] of state) this.symbols.set(symbol, sources);
  }

  get size(): number {
    return this.symbols.size;
  }

  /** Takes one score of `source` for `symbol` and returns the symbol's composite after it. */
  update(symbol: string, source: string, score: number, eventTime: number): CompositeValue | null {
    const policy = this.sourcePolicy(source);
    if (!(score >= -1 && score <= 1)) throw new Error(`composite: a ${source} score must be in [-1, 1], got ${score}`);
    const sources = this.symbols.get(symbol) ?? {};
    // Re-inserting keeps the map in least-recently-updated order: eviction takes the first key.
    this.symbols.delete(symbol);
    this.symbols.set(symbol, { ...sources, [source]: addDecayed(sources[source] ?? EMPTY_DECAYED_MEAN, score, eventTime, policy.halfLifeMs * 1000) });
    while (this.symbols.size > this.policy.maxSymbols) this.symbols.delete(this.symbols.keys().next().value!);
    return this.composite(symbol);
  }

  /** The composite at the time of the symbol's newest input; null when no source with weight has data. */
  composite(symbol: string): CompositeValue | null {
    const sources = this.symbols.get(symbol);
    if (!sources) return null;
    const present = Object.entries(sources).filter(([, s]) => s.count > 0);
    const eventTime = Math.max(...present.map(([, s]) => s.atUs));
    let num = 0;
    let den = 0;
    const components: Record<string, number> = {};
    for (const [name, state] of present) {
      const p = this.sourcePolicy(name);
      const mean = decayedValue(state)!;
      const w = p.weight * Math.min(1, effectiveCount(state, eventTime, p.halfLifeMs * 1000));
      components[name] = mean;
      num += w * mean;
      den += w;
    }
    if (den === 0) return null;
    return { value: num / den, components, sources: present.length, eventTime };
  }

  /** Plain JSON (a checkpoint); `new CompositeBook(policy, state)` continues from it. */
  toJSON(): CompositeBookState {
    return [...this.symbols];
  }

  private sourcePolicy(source: string): SourcePolicy {
    const p = this.policy.sources[source];
    if (!p) throw new Error(`composite: unknown source ${JSON.stringify(source)} (configured: ${Object.keys(this.policy.sources).join(', ')})`);
    return p;
  }
}
