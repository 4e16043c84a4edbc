import { z } from 'zod';
import { ConfigError, TIMEFRAMES, type Timeframe } from '@md/contracts';
import { DEFAULT_FEATURE_SET } from './default-feature-set';
import { FeatureSetSchema, type FeatureSetSpec } from './feature-set.schema';

// Which feature set a (symbol, timeframe) stream gets: named sets, a default, and overrides by
// symbol, timeframe or both. The most specific override wins (symbol+timeframe, then symbol,
// then timeframe), so "DBB on 1m" can differ from "DBB" and from "every 1d stream".

export const FeatureConfigSchema = z
  .object({
    /** The available sets; names unique. */
    sets: z.array(FeatureSetSchema).min(1).max(50),
    /** Name of the set for streams no override names. */
    default: z.string(),
    /** Per-stream choices; at least one of symbol and timeframe each, no two for the same pair. */
    overrides: z
      .array(z.object({ symbol: z.string().regex(/^[A-Z0-9.^/-]{1,24}$/).optional(), timeframe: z.enum(TIMEFRAMES as [Timeframe, ...Timeframe[]]).optional(), set: z.string() }).strict())
      .max(10_000)
      .default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    for (const set of config.sets) {
      if (names.has(set.name)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `set ${set.name} is defined twice`, path: ['sets'] });
      names.add(set.name);
    }
    if (!names.has(config.default)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `default set ${config.default} is not in sets`, path: ['default'] });
    const keys = new Set<string>();
    config.overrides.forEach((o, i) => {
      if (!names.has(o.set)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `set ${o.set} is not in sets`, path: ['overrides', i, 'set'] });
      if (o.symbol === undefined && o.timeframe === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'name a symbol, a timeframe or both', path: ['overrides', i] });
      const key = `${o.symbol ?? '*'}|${o.timeframe ?? '*'}`;
      if (keys.has(key)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `a second override for ${key}`, path: ['overrides', i] });
      keys.add(key);
    });
  });
export type FeatureConfig = z.output<typeof FeatureConfigSchema>;
export type FeatureConfigInput = z.input<typeof FeatureConfigSchema>;

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = { sets: [DEFAULT_FEATURE_SET], default: DEFAULT_FEATURE_SET.name, overrides: [] };

/** Parses a feature configuration (e.g. from a JSON file or variable), naming the first problem. */
export function parseFeatureConfig(input: unknown): FeatureConfig {
  const result = FeatureConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ConfigError(`feature config ${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** The set for one stream: the most specific matching override, else the default. */
export function featureSetFor(config: FeatureConfig, symbol: string, timeframe: Timeframe): FeatureSetSpec {
  const match =
    config.overrides.find((o) => o.symbol === symbol && o.timeframe === timeframe) ??
    config.overrides.find((o) => o.symbol === symbol && o.timeframe === undefined) ??
    config.overrides.find((o) => o.symbol === undefined && o.timeframe === timeframe);
  const name = match?.set ?? config.default;
  return config.sets.find((set) => set.name === name)!;
}
