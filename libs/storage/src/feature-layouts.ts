import { createHash } from 'node:crypto';

// A feature vector is stored as an array of values in the order of its layout: the vector's
// names, sorted by UTF-16 code unit (JavaScript's default sort; PostgreSQL's COLLATE "C" for the
// ASCII names features have). The layout's id is the first 60 bits of the MD5 of the names joined
// by U+0001, computed the same way here and in SQL (LAYOUT_ID_SQL), so writers need no lookup.
// MD5 is a content key here, not a security measure.

export interface FeatureLayout {
  /** A bigint, as a decimal string (node-postgres' form of int8). */
  id: string;
  names: string[];
}

const layouts = new Map<string, FeatureLayout>();

/** The layout of a vector with these names (any order); memoised, as a feature set has few. */
export function layoutOf(names: readonly string[]): FeatureLayout {
  const sorted = [...names].sort();
  const key = sorted.join('\u0001');
  let layout = layouts.get(key);
  if (!layout) {
    const hex = createHash('md5').update(key, 'utf8').digest('hex').slice(0, 15);
    layout = { id: BigInt(`0x${hex}`).toString(), names: sorted };
    if (layouts.size > 10_000) layouts.clear(); // bounded: a run of ever-new name sets cannot grow it for good
    layouts.set(key, layout);
  }
  return layout;
}

/** The same id as layoutOf, in SQL, of a text[] expression already in layout order. */
export const LAYOUT_ID_SQL = (names: string): string =>
  `('x0' || substr(md5(array_to_string(${names}, chr(1))), 1, 15))::bit(64)::bigint`;
