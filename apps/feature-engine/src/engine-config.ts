import { ConfigError } from '@md/config';
import { readFileSync } from 'node:fs';
import { DEFAULT_FEATURE_CONFIG, parseFeatureConfig, type FeatureConfig } from '@md/features';
import { IntrinsicBarBuilder, type IntrinsicBarSpec } from '@md/intrinsic-bars';
import type { FeatureEngineConfig } from './config';

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${what}: cannot read ${path} (${(err as Error).message}); fix the path or unset the variable`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${what}: ${path} is not JSON (${(err as Error).message})`);
  }
}

/** FEATURE_SET_FILE, or the built-in default-v1 set for every stream. */
export function loadFeatureConfig(c: FeatureEngineConfig): FeatureConfig {
  return c.FEATURE_SET_FILE ? parseFeatureConfig(readJson(c.FEATURE_SET_FILE, 'FEATURE_SET_FILE')) : DEFAULT_FEATURE_CONFIG;
}

/**
 * INTRINSIC_BARS_FILE: a JSON array of builder specs, e.g.
 * `[{"kind":"volume","threshold":1000000},{"kind":"tick_imbalance","initialExpectedTicks":1000}]`.
 * One spec per kind: a bar's identity is (symbol, kind, seq), so two volume builders would
 * number into each other's rows.
 */
export function loadIntrinsicSpecs(c: FeatureEngineConfig): IntrinsicBarSpec[] {
  if (!c.INTRINSIC_BARS_FILE) return [];
  const input = readJson(c.INTRINSIC_BARS_FILE, 'INTRINSIC_BARS_FILE');
  if (!Array.isArray(input)) throw new ConfigError(`INTRINSIC_BARS_FILE: ${c.INTRINSIC_BARS_FILE} must hold a JSON array of bar specs`);
  const specs = input.map((s) => IntrinsicBarBuilder.create(s).spec);
  const kinds = specs.map((s) => s.kind);
  const twice = kinds.find((k, i) => kinds.indexOf(k) !== i);
  if (twice) throw new ConfigError(`INTRINSIC_BARS_FILE: kind ${twice} appears twice; one builder per kind (bars are identified by symbol, kind and seq)`);
  return specs;
}
