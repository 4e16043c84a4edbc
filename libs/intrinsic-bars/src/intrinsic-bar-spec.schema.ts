import { z } from 'zod';
import { ConfigError } from '@md/contracts';
import { IMBALANCE_BAR_KINDS, INTRINSIC_BAR_KINDS, RUN_BAR_KINDS } from './intrinsic-bar';

// What one builder samples, validated once when the builder is created (STYLE.md habit 6). Every
// field says its unit; the adaptive kinds get documented defaults derived from
// initialExpectedTicks, so `{ kind: 'tick_imbalance', initialExpectedTicks: 1000 }` is complete.
// The default bounds are narrow on purpose. On real SPY trades (2013-10-07, initialExpectedTicks
// 1,000) the book's estimate E0[T] |E0[b v]| sits far below the imbalance bars actually reach:
// with bounds [0.1, 10] x theta_0 and E0[T] in [100, 10,000], tick imbalance bars shrank to a
// median of 8 trades (20,453 bars); with the defaults [0.5, 2] and [250, 4,000], to 66 trades
// (2,599 bars). Either way the floor set the threshold of 86-99.8% of imbalance and run bars:
// on such data these are, in effect, fixed-threshold imbalance bars at the floor.

/** Upper bound on every count: keeps every product of the estimates finite and exact enough. */
const MAX_COUNT = 1_000_000_000;
const count = z.number().int().min(1).max(MAX_COUNT);

const tickSpec = z.object({
  kind: z.literal('tick'),
  /** Trades per bar. */
  threshold: count,
}).strict();

const volumeSpec = z.object({
  kind: z.literal('volume'),
  /** Shares per bar (a bar closes on the trade that reaches or crosses it). */
  threshold: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
}).strict();

const dollarSpec = z.object({
  kind: z.literal('dollar'),
  /** Dollars (price x shares) per bar; compared exactly, at most 8 decimals, under 10^12 (decimal(20,8)). */
  threshold: z.number().positive().lt(1e12),
}).strict();

const adaptiveSpec = z.object({
  kind: z.enum([...IMBALANCE_BAR_KINDS, ...RUN_BAR_KINDS]),
  /** E0[T] before any bar closed: the warm-up length (trades) and the first expected bar length. */
  initialExpectedTicks: count,
  /** Span, in bars, of the EWMA of bar lengths T that estimates E0[T]. Default 10. */
  expectedTicksSpan: count.default(10),
  /** Span, in trades, of the EWMAs of signed measure per trade (E0[b v], or buy and sell sides for runs). Default 10 x initialExpectedTicks. */
  expectedImbalanceSpan: count.optional(),
  /** E0[T] never goes below this (trades). Default ceil(initialExpectedTicks / 4). */
  minExpectedTicks: count.optional(),
  /** E0[T] never goes above this (trades). Default 4 x initialExpectedTicks. */
  maxExpectedTicks: count.optional(),
  /** Threshold floor as a multiple of the first threshold (the one set by the warm-up). Default 0.5. */
  minThresholdMultiple: z.number().positive().max(1).default(0.5),
  /** Threshold ceiling as a multiple of the first threshold. Default 2. */
  maxThresholdMultiple: z.number().min(1).max(1e6).default(2),
  /** Hard cap on one bar's trades: a bar closes here even below its threshold (balanced flow never reaches an imbalance threshold). Default 10 x maxExpectedTicks. */
  maxBarTicks: count.optional(),
  /** Tick-rule sign of the very first trade (no previous price to compare with). Default +1. */
  initialSign: z.union([z.literal(1), z.literal(-1)]).default(1),
}).strict();

const withDefaults = adaptiveSpec
  .transform((s) => {
    const maxExpectedTicks = s.maxExpectedTicks ?? Math.min(MAX_COUNT, s.initialExpectedTicks * 4);
    return {
      ...s,
      expectedImbalanceSpan: s.expectedImbalanceSpan ?? Math.min(MAX_COUNT, s.initialExpectedTicks * 10),
      minExpectedTicks: s.minExpectedTicks ?? Math.ceil(s.initialExpectedTicks / 4),
      maxExpectedTicks,
      maxBarTicks: s.maxBarTicks ?? Math.min(MAX_COUNT, maxExpectedTicks * 10),
    };
  })
  .refine((s) => s.minExpectedTicks <= s.initialExpectedTicks && s.initialExpectedTicks <= s.maxExpectedTicks, {
    message: 'must satisfy minExpectedTicks <= initialExpectedTicks <= maxExpectedTicks',
    path: ['initialExpectedTicks'],
  })
  .refine((s) => s.maxBarTicks >= s.maxExpectedTicks, { message: 'must be at least maxExpectedTicks', path: ['maxBarTicks'] });

export const intrinsicBarSpecSchema = z.union([tickSpec, volumeSpec, dollarSpec, withDefaults]);

/** A spec as written in config (defaults may be left out). */
export type IntrinsicBarSpecInput = z.input<typeof intrinsicBarSpecSchema>;
/** A validated spec with every default filled in. */
export type IntrinsicBarSpec = z.output<typeof intrinsicBarSpecSchema>;
export type ThresholdBarSpec = z.output<typeof tickSpec> | z.output<typeof volumeSpec> | z.output<typeof dollarSpec>;
export type AdaptiveBarSpec = z.output<typeof withDefaults>;

/** Validates a spec; a bad one is a ConfigError naming the field (the service exits with it). */
export function parseIntrinsicBarSpec(input: unknown): IntrinsicBarSpec {
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (!(INTRINSIC_BAR_KINDS as readonly unknown[]).includes(kind)) {
    throw new ConfigError(`intrinsic bar spec: kind ${JSON.stringify(kind)} is not one of ${INTRINSIC_BAR_KINDS.join(', ')}`);
  }
  const schema = kind === 'tick' ? tickSpec : kind === 'volume' ? volumeSpec : kind === 'dollar' ? dollarSpec : withDefaults;
  const result = (schema as z.ZodTypeAny).safeParse(input);
  if (result.success) return result.data as IntrinsicBarSpec;
  const issue = result.error.issues[0];
  throw new ConfigError(`intrinsic bar spec (${kind}): ${issue.path.join('.') || 'spec'} ${issue.message}`);
}

export function isAdaptiveBarSpec(spec: IntrinsicBarSpec): spec is AdaptiveBarSpec {
  return 'initialExpectedTicks' in spec;
}
