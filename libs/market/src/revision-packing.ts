import { InvalidRecordError } from '@md/contracts';

// The compact form of a series' remembered bar versions, for a changelog value that stays small
// over days of minute bars. Each entry is (event time, revision, content hash); entries are sorted
// by event time, so times are stored as gaps in a common unit (the greatest common divisor of the
// gaps: 60,000,000 us for minute bars, so a gap inside a session is 1), then the revision, as
// LEB128 varints (the protobuf encoding), then 6 bytes of content hash. A regular session of
// minute bars packs to ~8 bytes an entry, ~11 characters of base64: ~4 KB a day of 390 bars
// (the version-1 changelog held ~80 characters an entry).

/** A 48-bit hash of a bar's content: compared only between versions of one (series, time, revision) key. */
export type ContentHash = number;

/** Bytes of content hash kept per entry: a conflicting version collides with probability 2^-48. */
const HASH_BYTES = 6;

/**
 * cyrb53 (bryc, github.com/bryc/code, jshash/experimental/cyrb53.js, public domain), cut to 48
 * bits: two 32-bit multiply-xorshift lanes, mixed at the end. Not cryptographic; a collision only
 * turns a same-revision conflict into a duplicate (dropped either way, never passed on twice).
 */
export function contentHash(text: string): ContentHash {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 16) * 2 ** 32 + (h1 >>> 0);
}

export interface PackedEntries {
  /** Event time of the first entry, microseconds; null when there are none. */
  first: number | null;
  /** The unit of the stored gaps, microseconds. */
  unit: number;
  count: number;
  /** base64 of the entries after the first's time. */
  data: string;
}

const gcd = (a: number, b: number): number => {
  while (b) [a, b] = [b, a % b];
  return a;
};

/** Unsigned LEB128 of a safe integer; arithmetic, not bitwise, so it holds past 32 bits. */
function writeVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) + 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** Zigzag, so a negative revision stays short too (the Avro field is a plain int). */
const zigzag = (n: number) => (n >= 0 ? 2 * n : -2 * n - 1);
const unzigzag = (z: number) => (z % 2 === 0 ? z / 2 : -(z + 1) / 2);

/** Packs sorted, distinct event times with their revisions and hashes. */
export function packEntries(times: readonly number[], revisions: readonly number[], hashes: readonly ContentHash[]): PackedEntries {
  if (times.length === 0) return { first: null, unit: 1, count: 0, data: '' };
  let unit = 0;
  for (let i = 1; i < times.length; i++) unit = gcd(unit, times[i] - times[i - 1]);
  unit ||= 1;
  const bytes: number[] = [];
  for (let i = 0; i < times.length; i++) {
    writeVarint(bytes, i === 0 ? 0 : (times[i] - times[i - 1]) / unit);
    writeVarint(bytes, zigzag(revisions[i]));
    let h = hashes[i];
    for (let b = 0; b < HASH_BYTES; b++) {
      bytes.push(h % 256);
      h = Math.floor(h / 256);
    }
  }
  return { first: times[0], unit, count: times.length, data: Buffer.from(bytes).toString('base64') };
}

/** The inverse of packEntries; a value that does not decode to `count` entries is refused. */
export function unpackEntries(packed: PackedEntries): { times: number[]; revisions: number[]; hashes: ContentHash[] } {
  const times: number[] = [];
  const revisions: number[] = [];
  const hashes: ContentHash[] = [];
  const bytes = Buffer.from(packed.data ?? '', 'base64');
  let at = 0;
  const fail = (why: string): never => {
    throw new InvalidRecordError(`revision series checkpoint: ${why}`);
  };
  const readVarint = () => {
    let value = 0;
    for (let scale = 1; ; scale *= 0x80) {
      if (at >= bytes.length || scale > 2 ** 49) fail('truncated or overlong varint');
      const byte = bytes[at++];
      value += (byte % 0x80) * scale;
      if (byte < 0x80) return value;
    }
  };
  let time = packed.first ?? 0;
  for (let i = 0; i < packed.count; i++) {
    time += readVarint() * packed.unit;
    times.push(time);
    revisions.push(unzigzag(readVarint()));
    if (at + HASH_BYTES > bytes.length) fail('truncated hash');
    let h = 0;
    for (let b = HASH_BYTES - 1; b >= 0; b--) h = h * 256 + bytes[at + b];
    at += HASH_BYTES;
    hashes.push(h);
  }
  if (at !== bytes.length) fail(`${bytes.length - at} bytes left after ${packed.count} entries`);
  return { times, revisions, hashes };
}
