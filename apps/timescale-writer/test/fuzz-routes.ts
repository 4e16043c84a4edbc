import fc from 'fast-check';
import { EARLIEST_INSTANT, LATEST_INSTANT } from '../src/read-api.schemas';
import type { Seeded } from './fuzz-seed';
import { hostileChoice, hostileInstant, hostileList, hostileNumber, hostileText, type Value } from './fuzz-values';

// The routes under fuzz and each one's parameters, as their zod schemas declare them
// (apps/timescale-writer/src/*.schemas.ts and the controllers; the feature-engine's
// features.controller.ts). The spec checks this table against the controllers' decorators, so a
// new route cannot go unfuzzed. For each parameter: a valid-looking value and a hostile one.

export type ParamType =
  | { kind: 'symbol' }
  | { kind: 'symbols' }
  /** from, to: valid ones fall on the seeded day's first or second half, so most pairs are ordered. */
  | { kind: 'instant'; half?: 'first' | 'second' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'choice'; values: readonly string[] }
  /** A name of the schema's pattern: its examples, or 1 to `maxLength` characters of its alphabet. */
  | { kind: 'name'; examples: (s: Seeded) => string[]; alphabet: string; maxLength: number }
  | { kind: 'date' };

export interface ParamSpec {
  type: ParamType;
  required?: boolean;
}

export type ServiceUnderFuzz = 'timescale-writer' | 'feature-engine';

export interface RouteSpec {
  service: ServiceUnderFuzz;
  method: 'GET' | 'POST';
  /** The template as the controller declares it, e.g. /v1/orders/:orderId. */
  path: string;
  query: Record<string, ParamSpec>;
  pathParam?: { name: string; type: ParamType };
  /** Names a refusal of the JSON body may give (POST routes). */
  bodyParams?: readonly string[];
}

/** The writer's MAX_QUERY_ROWS in the spec: the bound of every limit. */
export const MAX_ROWS = 1000;

const TIMEFRAMES = ['1m', '5m', '15m', '1h', '1d'] as const;
const symbol: ParamSpec = { type: { kind: 'symbol' }, required: true };
const optionalSymbol: ParamSpec = { type: { kind: 'symbol' } };
const from: ParamSpec = { type: { kind: 'instant', half: 'first' }, required: true };
const to: ParamSpec = { type: { kind: 'instant', half: 'second' }, required: true };
const asOf: ParamSpec = { type: { kind: 'instant' } };
const limit: ParamSpec = { type: { kind: 'int', min: 1, max: MAX_ROWS }, required: true };
const optionalLimit: ParamSpec = { type: { kind: 'int', min: 1, max: MAX_ROWS } };
const timeframe: ParamSpec = { type: { kind: 'choice', values: TIMEFRAMES } };
const format: ParamSpec = { type: { kind: 'choice', values: ['json', 'csv', 'arrow', 'parquet'] } };
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const account: ParamSpec = { type: { kind: 'name', examples: (s) => [s.account], alphabet: `${UPPER}${LOWER}${DIGITS}_.-`, maxLength: 64 } };
const lowerName = (examples: string[]): ParamSpec => ({ type: { kind: 'name', examples: () => examples, alphabet: `${LOWER}_`, maxLength: 32 } });

const writer = (method: 'GET', path: string, query: Record<string, ParamSpec>, pathParam?: RouteSpec['pathParam']): RouteSpec =>
  ({ service: 'timescale-writer', method, path, query, pathParam });

export const WRITER_ROUTES: RouteSpec[] = [
  writer('GET', '/v1/bars', {
    symbol, timeframe, from, to, limit, adjusted: { type: { kind: 'choice', values: ['true', 'false'] } },
    fill: { type: { kind: 'choice', values: ['none', 'ffill', 'interpolate'] } }, sessions: { type: { kind: 'choice', values: ['regular', 'extended'] } }, asOf, format,
  }),
  writer('GET', '/v1/bars/latest', { symbols: { type: { kind: 'symbols' }, required: true } }),
  writer('GET', '/v1/bars/summary', { symbol, timeframe }),
  writer('GET', '/v1/bars/snapshot', { symbol, timeframe, from, to: { type: { kind: 'instant', half: 'second' } }, limit: optionalLimit }),
  writer('GET', '/v1/options/chain', { underlying: symbol, expiry: { type: { kind: 'date' } }, limit: optionalLimit }),
  writer('GET', '/v1/corporate-actions', { symbol, limit: optionalLimit }),
  writer('GET', '/v1/features', { symbol, timeframe, from, to, asOf, limit: optionalLimit, format }),
  writer('GET', '/v1/quality/issues', { symbols: { type: { kind: 'symbols' } }, from, to, asOf, limit: optionalLimit }),
  writer('GET', '/v1/altdata/signals', { symbol, signal: lowerName(['composite', 'vix_regime']), from, to, asOf, limit: optionalLimit }),
  writer('GET', '/v1/quality/report', {
    from, to, symbols: { type: { kind: 'symbols' } }, format: { type: { kind: 'choice', values: ['json', 'markdown', 'html'] } }, chartDays: { type: { kind: 'int', min: 0, max: 100 } },
  }),
  writer('GET', '/v1/orders', { from, to, limit, account, symbol: optionalSymbol, status: lowerName(['filled', 'new', 'canceled']) }),
  writer('GET', '/v1/orders/:orderId', { limit: optionalLimit }, { name: 'orderId', type: { kind: 'name', examples: (s) => [s.orderId], alphabet: `${UPPER}${LOWER}${DIGITS}:@#_.-`, maxLength: 128 } }),
  writer('GET', '/v1/executions', { from, to, limit, account, symbol: optionalSymbol }),
  writer('GET', '/v1/positions', { account, symbol: optionalSymbol, closed: { type: { kind: 'choice', values: ['true', 'false'] } }, limit: optionalLimit }),
  writer('GET', '/v1/signals', { symbol, from, to, limit, model: { type: { kind: 'name', examples: (s) => [s.model], alphabet: `${UPPER}${LOWER}${DIGITS}_.-`, maxLength: 64 } }, asOf }),
  writer('GET', '/v1/risk-events', {
    from, to, limit, type: lowerName(['position_concentration', 'stale_feed']), severity: { type: { kind: 'choice', values: ['INFO', 'WARNING', 'CRITICAL'] } },
  }),
];

export const FEATURE_ROUTES: RouteSpec[] = [
  { service: 'feature-engine', method: 'GET', path: '/v1/features/:symbol', query: { timeframe, history: { type: { kind: 'int', min: 0, max: 1000 } } }, pathParam: { name: 'symbol', type: { kind: 'symbol' } } },
  { service: 'feature-engine', method: 'POST', path: '/v1/features/batch', query: {}, bodyParams: ['keys'] },
];

/** Strings of an alphabet (fc.stringMatching does the same from a regex, many times slower). */
const chars = (alphabet: string, minLength: number, maxLength: number) => fc.array(fc.constantFrom(...alphabet), { minLength, maxLength }).map((a) => a.join(''));
/** The ticker pattern of read-api.schemas.ts: /^[A-Z][A-Z0-9.\-/]{0,20}$/. */
const ticker = fc.tuple(chars(UPPER, 1, 1), chars(`${UPPER}${DIGITS}.-/`, 0, 20)).map(([a, b]) => a + b);
const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A valid-looking value of a parameter: mostly the seeded rows' own, sometimes the far edges of what the schema allows. */
export function validValue(type: ParamType, s: Seeded): fc.Arbitrary<string> {
  switch (type.kind) {
    case 'symbol':
      return fc.oneof({ arbitrary: fc.constant(s.symbol), weight: 4 }, { arbitrary: ticker, weight: 1 });
    case 'symbols':
      return fc.array(validValue({ kind: 'symbol' }, s), { minLength: 1, maxLength: 4 }).map((list) => list.join(','));
    case 'instant': {
      const [lo, hi] = [s.from.getTime(), s.to.getTime()];
      const mid = (lo + hi) / 2;
      const [min, max] = type.half === 'first' ? [lo - 2 * DAY_MS, mid] : type.half === 'second' ? [mid, hi + 2 * DAY_MS] : [lo - DAY_MS, hi + DAY_MS];
      // The edges the schema accepts (read-api.schemas.ts EARLIEST_INSTANT, LATEST_INSTANT).
      const edge = type.half === 'second' ? LATEST_INSTANT : EARLIEST_INSTANT;
      return fc.oneof(
        { arbitrary: fc.integer({ min: Math.floor(min), max: Math.floor(max) }).map(iso), weight: 8 },
        { arbitrary: fc.integer({ min: Math.floor(min), max: Math.floor(max) }).map((ms) => `${iso(ms + 2 * 3_600_000).slice(0, 19)}+02:00`), weight: 1 },
        { arbitrary: fc.constant(edge), weight: 1 },
      );
    }
    case 'int':
      return fc.oneof(fc.integer({ min: type.min, max: Math.min(type.max, 50) }), fc.constantFrom(type.min, type.max)).map(String);
    case 'choice':
      return fc.constantFrom(...type.values);
    case 'name':
      return fc.oneof({ arbitrary: fc.constantFrom(...type.examples(s)), weight: 3 }, { arbitrary: chars(type.alphabet, 1, type.maxLength), weight: 1 });
    case 'date':
      return fc.oneof(fc.constant(s.expiry), fc.integer({ min: Date.parse(EARLIEST_INSTANT), max: Date.parse(LATEST_INSTANT) }).map((ms) => iso(ms).slice(0, 10)));
  }
}

/** A hostile value of a parameter, drawn from the families that fit its type and from the corpus. */
export function hostileValue(type: ParamType, s: Seeded, corpus: readonly string[]): fc.Arbitrary<Value> {
  switch (type.kind) {
    case 'instant':
      return hostileInstant(corpus);
    case 'int':
      return hostileNumber(corpus);
    case 'choice':
      return hostileChoice(type.values, corpus);
    case 'symbols':
      return hostileList(validValue({ kind: 'symbol' }, s), corpus);
    case 'date':
      return fc.oneof(
        fc.constantFrom('0000-00-00', '0000-01-01', '2024-13-01', '2024-02-30', '2024-00-10', '9999-99-99', '2024-5-17', '20240517', '2024-05-17T00:00:00Z', '-2024-05-17').map((t) => ({ text: t })),
        hostileText(corpus),
      );
    default:
      return hostileText(corpus);
  }
}
