// Reading Prometheus histograms from a service's /metrics text, for the latency section: the
// cumulative buckets of one label set, the difference of two scrapes (a window), and a quantile
// interpolated inside its bucket the way PromQL's histogram_quantile does.

/** Cumulative counts by upper bound (`le`), ascending, +Inf last. */
export type Buckets = Array<{ le: number; count: number }>;

const LINE = /^(\w+)\{([^}]*)\}\s+(\S+)$/;

function labelsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]] = m[2];
  return out;
}

/** The `<name>_bucket` series whose labels include `labels`, summed per bound (several matching series add up). */
export function histogramBuckets(exposition: string, name: string, labels: Record<string, string>): Buckets {
  const byLe = new Map<number, number>();
  for (const line of exposition.split('\n')) {
    const m = LINE.exec(line);
    if (!m || m[1] !== `${name}_bucket`) continue;
    const l = labelsOf(m[2]);
    if (!Object.entries(labels).every(([k, v]) => l[k] === v)) continue;
    const le = l.le === '+Inf' ? Infinity : Number(l.le);
    byLe.set(le, (byLe.get(le) ?? 0) + Number(m[3]));
  }
  return [...byLe].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** `after - before`, bound by bound: the observations made between two scrapes. */
export function bucketsBetween(before: Buckets, after: Buckets): Buckets {
  const earlier = new Map(before.map((b) => [b.le, b.count]));
  return after.map((b) => ({ le: b.le, count: b.count - (earlier.get(b.le) ?? 0) }));
}

/** Observations in a window (the +Inf bucket). */
export const totalOf = (buckets: Buckets): number => buckets[buckets.length - 1]?.count ?? 0;

/**
 * The q-quantile, linear within its bucket (lower bound 0 for the first), as histogram_quantile
 * does; Infinity when it falls in +Inf (where PromQL would answer the highest finite bound), NaN
 * without observations. Its resolution is the bucket: read it with the bounds in mind.
 */
export function quantileOf(buckets: Buckets, q: number): number {
  const total = totalOf(buckets);
  if (!total) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (le === Infinity) return Infinity;
      return lower + (le - lower) * ((rank - below) / Math.max(count - below, 1e-9));
    }
    lower = le;
    below = count;
  }
  return Infinity;
}

/** One gauge or counter of the exposition, summed over the series whose labels include `labels`; undefined when absent. */
export function sampleOf(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of exposition.split('\n')) {
    const m = /^(\w+)(?:\{([^}]*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const l = labelsOf(m[2] ?? '');
    if (Object.entries(labels).every(([k, v]) => l[k] === v)) total = (total ?? 0) + Number(m[3]);
  }
  return total;
}
