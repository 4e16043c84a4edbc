import { ConfigError } from './errors';
import type { TopicSpec } from './topics';

/** The environment variable every topic creator reads (services, mdctl, tests: whoever comes first creates). */
export const TOPIC_RETENTION_VARIABLE = 'TOPIC_RETENTION';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const DURATION = /^([1-9][0-9]*)(ms|s|m|h|d|w)$/;
const EXAMPLE = 'md.raw.trades.v1=7d,md.raw.quotes.v1=3d';

/**
 * Kafka `retention.ms` of a duration: `<n>ms|s|m|h|d|w`, or `forever` (-1, as Kafka spells
 * unlimited retention, https://kafka.apache.org/documentation/#topicconfigs_retention.ms).
 * Returns null for anything else.
 */
export function parseRetentionMs(text: string): number | null {
  const value = text.trim();
  if (value === 'forever' || value === '-1') return -1;
  const m = DURATION.exec(value);
  if (!m) return null;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return Number.isSafeInteger(ms) ? ms : null;
}

/** `retention.ms` as a person reads it (and parseRetentionMs takes back): forever, or the largest whole unit up to days. */
export function formatRetention(ms: number): string {
  if (ms < 0) return 'forever';
  for (const unit of ['d', 'h', 'm', 's'] as const) if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${ms}ms`;
}

/**
 * Per-topic retention overrides from `TOPIC_RETENTION` ("topic=duration,…", e.g. EXAMPLE), for
 * `declared` topics only. Empty or unset: no overrides. Anything wrong (an undeclared topic, a bad
 * duration, a topic named twice) is one ConfigError line naming the variable and the fix.
 */
export function parseTopicRetention(text: string | undefined, declared: readonly TopicSpec[], variable = TOPIC_RETENTION_VARIABLE): Map<string, number> {
  const overrides = new Map<string, number>();
  const names = new Set(declared.map((t) => t.name as string));
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const eq = entry.indexOf('=');
    const topic = eq < 0 ? entry : entry.slice(0, eq).trim();
    const duration = eq < 0 ? '' : entry.slice(eq + 1).trim();
    if (eq < 0) throw new ConfigError(`${variable}: "${entry}" is not topic=duration: use e.g. ${EXAMPLE}`);
    if (!names.has(topic)) throw new ConfigError(`${variable}: "${topic}" is not a declared topic (libs/contracts/src/topics.ts); declared: ${[...names].join(', ')}`);
    if (overrides.has(topic)) throw new ConfigError(`${variable}: ${topic} is given twice`);
    const ms = parseRetentionMs(duration);
    if (ms === null) throw new ConfigError(`${variable}: ${topic}="${duration}" is not a duration: use <n>ms|s|m|h|d|w or forever, e.g. ${EXAMPLE}`);
    overrides.set(topic, ms);
  }
  return overrides;
}

/** `specs` with the retention `TOPIC_RETENTION` sets for them; the others as declared. */
export function withTopicRetention(specs: readonly TopicSpec[], text: string | undefined, declared: readonly TopicSpec[] = specs, variable = TOPIC_RETENTION_VARIABLE): TopicSpec[] {
  const overrides = parseTopicRetention(text, declared, variable);
  return specs.map((s) => (overrides.has(s.name) ? { ...s, retentionMs: overrides.get(s.name)! } : s));
}
