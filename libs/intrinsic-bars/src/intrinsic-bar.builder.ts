import { z } from 'zod';
import { fromScaled, toScaled } from '@md/market';
import { ConfigError, type IntrinsicBarRecord, InvalidRecordError } from '@md/contracts';
import { AdaptiveBarSampler, type AdaptiveSamplerState } from './adaptive-bar.sampler';
import type { BarSampler } from './bar-sampler';
import { isAdaptiveBarSpec, parseIntrinsicBarSpec, type IntrinsicBarSpec, type IntrinsicBarSpecInput } from './intrinsic-bar-spec.schema';
import type { IntrinsicTrade } from './intrinsic-bar';
import { OpenBar, type OpenBarState, type PricedTrade } from './open-bar';
import { ThresholdBarSampler } from './threshold-bar.sampler';

/** What the builder has seen; skipped trades are counted, never silently dropped. */
export interface IntrinsicBarCounts {
  /** Trades that went into bars. */
  trades: number;
  /** Bars emitted (the next bar's seq). */
  bars: number;
  /** Trades skipped because they arrived flagged CORRECTED or CANCELLED. */
  corrected: number;
  cancelled: number;
}

/** The builder's checkpoint (toJSON / fromJSON), written to the changelog with the output offsets. */
export interface IntrinsicBarBuilderState {
  version: 1;
  /** The validated spec the state was built under; a restore under another spec is refused. */
  spec: IntrinsicBarSpec;
  /** The symbol of the first trade; null before it. */
  symbol: string | null;
  counts: IntrinsicBarCounts;
  bar: OpenBarState | null;
  sampler: AdaptiveSamplerState | null;
}

const finite = z.number().finite();
const openBarState = z.object({
  ticks: z.number().int().positive(), volume: z.number().int().nonnegative(), dollarScaled: z.string().regex(/^\d+$/),
  open: z.string(), high: z.string(), low: z.string(), close: z.string(),
  openTime: finite, symbol: z.string(), provider: z.string(), closeTime: finite, ingestTime: finite,
});
const samplerState = z.object({
  lastPrice: z.string().regex(/^-?\d+$/).nullable(), lastSign: z.union([z.literal(1), z.literal(-1)]),
  buy: finite, sell: finite, warmUpPeak: finite, expectedTicks: finite, expectedBuy: finite.nullable(), expectedSell: finite.nullable(),
  initialThreshold: finite.nullable(), threshold: finite.nullable(), cappedBars: z.number().int().nonnegative(),
});
const count = z.number().int().nonnegative();
const builderState = z.object({
  version: z.literal(1),
  spec: z.unknown(),
  symbol: z.string().nullable(),
  counts: z.object({ trades: count, bars: count, corrected: count, cancelled: count }),
  bar: openBarState.nullable(),
  sampler: samplerState.nullable(),
});

/** Key order does not matter when comparing specs (a spec read back from JSON may reorder it). */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The trade's price as a canonical decimal and a scaled bigint; a trade no bar can hold is refused. */
function priced(trade: IntrinsicTrade): PricedTrade {
  if (!(Number.isSafeInteger(trade.size) && trade.size > 0)) {
    throw new InvalidRecordError(`intrinsic bars: ${trade.symbol} trade at ${trade.eventTime} has size ${trade.size}; a positive whole number of shares is required`);
  }
  const scaled = toScaled(trade.price); // throws InvalidRecordError on a malformed price
  if (scaled <= 0n) throw new InvalidRecordError(`intrinsic bars: ${trade.symbol} trade at ${trade.eventTime} has price ${trade.price}; it must be positive`);
  // Records carry canonical text ("167.42000000"): keep it; rebuild anything else from the value.
  const p = trade.price;
  const canonical = p.length > 9 && p.charCodeAt(p.length - 9) === 46 && (p.charCodeAt(0) !== 48 || p.length === 10);
  const price = canonical ? p : fromScaled(scaled);
  return { trade, price, scaled };
}

/**
 * Builds one kind of intrinsic bar for one symbol from its trades, in arrival (partition) order.
 * push() returns the bars a trade closed (0 or 1); the open bar is never emitted early, so a bar
 * ends only on the trade that crosses its threshold (imbalance and run bars also end at the
 * warm-up length or the maxBarTicks cap, see adaptive-bar.sampler.ts), and bars are contiguous:
 * the trade after a close opens the next bar. A bar is never split across a restart: its state
 * goes into toJSON().
 *
 * Corrections (DESIGN.md: a correction is a new record): a trade flagged CORRECTED or CANCELLED
 * is skipped and counted. Bars already emitted are not rewritten; md.raw.trades.v1 keeps the
 * corrections for a consumer that wants to rebuild a day. A trade with a non-positive size or
 * price throws InvalidRecordError (dead-lettered by the stage runner) and leaves the state as it was.
 */
export class IntrinsicBarBuilder {
  private constructor(
    readonly spec: IntrinsicBarSpec,
    private symbol: string | null,
    private readonly counts: IntrinsicBarCounts,
    private readonly bar: OpenBar,
    private readonly sampler: BarSampler,
  ) {}

  static create(spec: IntrinsicBarSpecInput | IntrinsicBarSpec): IntrinsicBarBuilder {
    const parsed = parseIntrinsicBarSpec(spec);
    return new IntrinsicBarBuilder(parsed, null, { trades: 0, bars: 0, corrected: 0, cancelled: 0 }, new OpenBar(), IntrinsicBarBuilder.sampler(parsed));
  }

  /** Restores a checkpoint; refuses state written under a different spec (ConfigError) or malformed state (InvalidRecordError). */
  static fromJSON(json: unknown, spec: IntrinsicBarSpecInput | IntrinsicBarSpec): IntrinsicBarBuilder {
    const parsed = parseIntrinsicBarSpec(spec);
    const result = builderState.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new InvalidRecordError(`intrinsic bar state: ${issue.path.join('.') || 'state'} ${issue.message}`);
    }
    const state = result.data;
    if (canonicalJson(state.spec) !== canonicalJson(parsed)) {
      throw new ConfigError(`intrinsic bar state was built under spec ${canonicalJson(state.spec)}, not ${canonicalJson(parsed)}: start a new builder (and a new seq range) for a new spec`);
    }
    if (isAdaptiveBarSpec(parsed) !== (state.sampler !== null)) throw new InvalidRecordError(`intrinsic bar state: sampler state does not match kind ${parsed.kind}`);
    const sampler = isAdaptiveBarSpec(parsed) ? new AdaptiveBarSampler(parsed, state.sampler!) : new ThresholdBarSampler(parsed);
    return new IntrinsicBarBuilder(parsed, state.symbol, { ...state.counts }, new OpenBar(state.bar), sampler);
  }

  private static sampler(spec: IntrinsicBarSpec): BarSampler {
    return isAdaptiveBarSpec(spec) ? new AdaptiveBarSampler(spec) : new ThresholdBarSampler(spec);
  }

  /** Adds one trade; returns the bars it closed (usually none, at most one). */
  push(trade: IntrinsicTrade): IntrinsicBarRecord[] {
    if (trade.correction === 'CANCELLED' || trade.correction === 'CORRECTED') {
      this.counts[trade.correction === 'CANCELLED' ? 'cancelled' : 'corrected'] += 1;
      return [];
    }
    if (this.symbol !== null && trade.symbol !== this.symbol) {
      throw new InvalidRecordError(`intrinsic bars: a ${trade.symbol} trade reached the ${this.symbol} ${this.spec.kind} builder (builders are per symbol)`);
    }
    const t = priced(trade);
    this.symbol = trade.symbol;
    this.counts.trades += 1;
    this.bar.add(t);
    if (!this.sampler.observe(t, this.bar)) return [];
    const bar = this.bar.toBar(this.spec.kind, this.counts.bars, this.sampler.threshold())!;
    this.counts.bars += 1;
    this.bar.reset();
    this.sampler.barClosed(bar.ticks);
    return [bar];
  }

  /** The bar still open (its newest trade as close), not emitted; null when empty. For conservation checks and end-of-stream reports. */
  openBar(): IntrinsicBarRecord | null {
    return this.bar.toBar(this.spec.kind, this.counts.bars, this.sampler.threshold());
  }

  stats(): IntrinsicBarCounts & { cappedBars: number } {
    const sampler = this.sampler instanceof AdaptiveBarSampler ? this.sampler.estimates() : null;
    return { ...this.counts, cappedBars: sampler?.cappedBars ?? 0 };
  }

  /** Imbalance/run estimates (E0[T], per-trade expectations, thresholds); null for fixed-threshold kinds. */
  estimates(): Readonly<AdaptiveSamplerState> | null {
    return this.sampler instanceof AdaptiveBarSampler ? this.sampler.estimates() : null;
  }

  toJSON(): IntrinsicBarBuilderState {
    return {
      version: 1,
      spec: this.spec,
      symbol: this.symbol,
      counts: { ...this.counts },
      bar: this.bar.toJSON(),
      sampler: this.sampler instanceof AdaptiveBarSampler ? this.sampler.toJSON() : null,
    };
  }
}
