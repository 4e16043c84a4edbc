import fc from 'fast-check';
import { encode } from '@msgpack/msgpack';

/**
 * Frames that are each one bad message or not a frame at all: never valid data, never a control
 * message (malformed JSON, wrong types, NaN, huge numbers, a volume beyond 2^53, unknown T,
 * non-arrays, invalid MessagePack). Deterministic for a seed.
 */
export function alpacaFuzzFrames(count: number, seed = 20250708): Array<string | Uint8Array> {
  return fc.sample(fuzzedFrame(), { numRuns: count, seed });
}

function fuzzedFrame(): fc.Arbitrary<string | Uint8Array> {
  const bar = { T: 'b', S: 'DBB', o: 17.9, h: 17.91, l: 17.9, c: 17.91, v: 3057, t: '2023-07-10T13:30:00Z' };
  const json = JSON.stringify([bar]);
  const known = new Set(['b', 'u', 'd', 't', 'q', 'c', 'x', 's', 'l', 'i', 'success', 'error', 'subscription']);
  const notScalar = fc.oneof(fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }));
  return fc.oneof(
    fc.nat({ max: json.length - 1 }).map((n) => json.slice(0, n)), // truncated: malformed JSON
    fc.tuple(fc.constantFrom(...Object.keys(bar)), notScalar).map(([k, v]) => JSON.stringify([{ ...bar, [k]: v }])), // wrong types
    fc.constantFrom('o', 'h', 'l', 'c').map((k) => encode([{ ...bar, [k]: Number.NaN }])), // NaN, which only MessagePack can carry
    fc.constantFrom('1e400', '1e300', '-1e400').map((n) => json.replace('"o":17.9', `"o":${n}`)), // huge numbers
    fc.constant(encode([{ ...bar, v: 2n ** 64n - 1n }], { useBigInt64: true })), // a volume beyond 2^53
    fc.string({ maxLength: 12 }).filter((t) => !known.has(t)).map((T) => JSON.stringify([{ T, S: 'DBB' }])), // unknown T
    fc.constantFrom('{}', '42', '"frame"', 'null', '[]', 'NaN'), // not an array of messages
    fc.uint8Array({ maxLength: 16 }).map((b) => Uint8Array.of(0xc1, ...b)), // 0xc1 is never valid MessagePack
  );
}
