import { z } from 'zod';

// The configurable feature set (issue #6, feature-engine item 1: "configurable per symbol and
// timeframe"). A set is a named, versioned list of indicators with their parameters; the name
// travels in every md.features.v1 record (field featureSet), so a changed list needs a new name.

/** Every window is bounded (STYLE.md habit 10): a period above this is a typo, not a feature. */
export const MAX_FEATURE_PERIOD = 10_000;

const name = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower-case snake_case, e.g. sma_20');
const period = z.number().int().min(1).max(MAX_FEATURE_PERIOD);
const field = z.enum(['open', 'high', 'low', 'close', 'volume']).default('close');
/** Emit from this many inputs on, over the partial window; default: only when the window is full. */
const minPeriods = z.number().int().min(1).max(MAX_FEATURE_PERIOD).optional();

const Sma = z.object({ kind: z.literal('sma'), name, period, field, minPeriods }).strict();
const Ema = z.object({ kind: z.literal('ema'), name, period, field, minPeriods }).strict();
/** Wilder's RSI over changes of `field`; needs period + 1 bars. */
const Rsi = z.object({ kind: z.literal('rsi'), name, period, field, minPeriods }).strict();
/** Outputs name (line = EMA fast - EMA slow), name_signal (EMA of the line), name_hist (line - signal). */
const Macd = z.object({ kind: z.literal('macd'), name, fast: period, slow: period, signal: period, field }).strict();
/** Outputs name_middle, name_upper, name_lower, name_pctb ((x - lower) / (upper - lower)), name_width ((upper - lower) / middle). */
const Bollinger = z.object({ kind: z.literal('bollinger'), name, period, stdDev: z.number().positive().max(100).default(2), field, minPeriods }).strict();
/** Wilder's average true range; the first bar has no true range (no previous close). */
const Atr = z.object({ kind: z.literal('atr'), name, period, minPeriods }).strict();
/** VWAP of typical price (h + l + c) / 3, reset each New York trading day: 'regular' counts regular-session bars only. */
const Vwap = z.object({ kind: z.literal('vwap'), name, session: z.enum(['regular', 'extended']).default('regular') }).strict();
/** x_t / x_{t-period} - 1. */
const SimpleReturn = z.object({ kind: z.literal('return'), name, period: period.default(1), field }).strict();
/** ln(x_t / x_{t-period}); null when either price is not positive. */
const LogReturn = z.object({ kind: z.literal('log_return'), name, period: period.default(1), field }).strict();
/** Standard deviation of the last `period` one-bar log returns (per bar, not annualised); ddof 1 by default (sample). */
const Volatility = z.object({ kind: z.literal('volatility'), name, period: period.min(2), field, ddof: z.union([z.literal(0), z.literal(1)]).default(1), minPeriods }).strict();
/** (x - mean) / stdev over the last `period` values including x; ddof 0 by default (as Bollinger); null on zero variance. */
const Zscore = z.object({ kind: z.literal('zscore'), name, period: period.min(2), field, ddof: z.union([z.literal(0), z.literal(1)]).default(0), minPeriods }).strict();
/** volume / mean volume of the last `period` bars including this one; null when that mean is 0. */
const VolumeRatio = z.object({ kind: z.literal('volume_ratio'), name, period, minPeriods }).strict();

// A discriminated union: zod picks the one schema by `kind` instead of trying all twelve.
export const IndicatorSpecSchema = z
  .discriminatedUnion('kind', [Sma, Ema, Rsi, Macd, Bollinger, Atr, Vwap, SimpleReturn, LogReturn, Volatility, Zscore, VolumeRatio])
  .superRefine((spec, ctx) => {
    if ('minPeriods' in spec && spec.minPeriods !== undefined && 'period' in spec && spec.minPeriods > spec.period) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `minPeriods ${spec.minPeriods} exceeds period ${spec.period}`, path: ['minPeriods'] });
    }
    if (spec.kind === 'macd' && spec.fast >= spec.slow) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'fast must be shorter than slow', path: ['fast'] });
  });
export type IndicatorSpec = z.output<typeof IndicatorSpecSchema>;
export type IndicatorSpecInput = z.input<typeof IndicatorSpecSchema>;
export type IndicatorKind = IndicatorSpec['kind'];
/** The parsed spec of one kind. */
export type SpecOf<K extends IndicatorKind> = Extract<IndicatorSpec, { kind: K }>;

/** The value names one indicator writes, in order. */
export function outputNames(spec: IndicatorSpec): string[] {
  switch (spec.kind) {
    case 'macd':
      return [spec.name, `${spec.name}_signal`, `${spec.name}_hist`];
    case 'bollinger':
      return ['middle', 'upper', 'lower', 'pctb', 'width'].map((suffix) => `${spec.name}_${suffix}`);
    default:
      return [spec.name];
  }
}

export const FeatureSetSchema = z
  .object({
    /** Name and version, e.g. default-v1; written into every feature record. */
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be lower-case, e.g. default-v1'),
    indicators: z.array(IndicatorSpecSchema).min(1).max(100),
  })
  .strict()
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    for (const spec of set.indicators) {
      for (const output of outputNames(spec)) {
        if (seen.has(output)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `feature ${output} is produced twice`, path: ['indicators'] });
        seen.add(output);
      }
    }
  });
export type FeatureSetSpec = z.output<typeof FeatureSetSchema>;
export type FeatureSetInput = z.input<typeof FeatureSetSchema>;

/** Every value name a set produces, in the order FeatureState.update writes them. */
export function featureNames(set: FeatureSetSpec): string[] {
  return set.indicators.flatMap(outputNames);
}
