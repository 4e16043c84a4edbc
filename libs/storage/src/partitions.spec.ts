import type { Queryable, QueryResult } from './db-port';
import { addMonths, ensureMonthlyPartitions, forgetPartitions, monthOf, monthSpan, monthlyPartition } from './partitions';

/** Answers the catalog queries like a partitioned `md.bars` that has `existing` months, and records every statement. */
function fakeCatalog(existing: string[], partitioned = true): Queryable & { sql: string[] } {
  const sql: string[] = [];
  return {
    sql,
    query: async <R>(text: string): Promise<QueryResult<R>> => {
      sql.push(text);
      if (text.includes('pg_partitioned_table')) return { rows: [{ partitioned } as R], rowCount: 1 };
      if (text.includes('pg_inherits')) {
        const rows = existing.map((m) => ({ name: `bars_p${m.replace('-', '_')}` }) as R);
        return { rows, rowCount: rows.length };
      }
      return { rows: [], rowCount: 0 };
    },
  };
}

describe('monthly partition arithmetic', () => {
  it('names the UTC month of an instant, not the local one', () => {
    expect(monthOf(new Date('2024-01-31T23:59:59.999Z'))).toBe('2024-01');
    expect(monthOf(new Date('2024-02-01T00:00:00.000Z'))).toBe('2024-02');
  });

  it('rolls months over year ends in both directions', () => {
    expect(addMonths('2024-11', 3)).toBe('2025-02');
    expect(addMonths('2024-01', -1)).toBe('2023-12');
    expect(monthSpan('2024-12', 3)).toEqual(['2024-12', '2025-01', '2025-02']);
  });

  it('bounds a partition by the first instants of its month and the next, in UTC', () => {
    expect(monthlyPartition('bars', '2024-12')).toEqual({ name: 'bars_p2024_12', from: '2024-12-01 00:00:00+00', to: '2025-01-01 00:00:00+00' });
  });

  it('rejects something that is not a YYYY-MM month', () => {
    expect(() => monthlyPartition('bars', '2024-13')).toThrow(/YYYY-MM/);
    expect(() => monthlyPartition('bars', "2024-01'); DROP")).toThrow(/YYYY-MM/);
  });
});

describe('ensureMonthlyPartitions', () => {
  beforeEach(() => forgetPartitions());

  it('creates only the missing months, then answers a repeat from the catalog without creating again', async () => {
    const db = fakeCatalog(['2024-01']);
    await ensureMonthlyPartitions(db, 'md', 'bars', ['2024-01', '2024-02', '2024-02']);
    const creates = db.sql.filter((s) => s.includes('PARTITION OF'));
    expect(creates).toHaveLength(1);
    expect(creates[0]).toContain('md.bars_p2024_02');
    expect(creates[0]).toContain("FROM ('2024-02-01 00:00:00+00') TO ('2024-03-01 00:00:00+00')");
  });

  it('costs no query once every month of a batch is known to exist', async () => {
    const db = fakeCatalog(['2024-01', '2024-02']);
    await ensureMonthlyPartitions(db, 'md', 'bars', ['2024-01']);
    const before = db.sql.length;
    await ensureMonthlyPartitions(db, 'md', 'bars', ['2024-02', '2024-01']);
    expect(db.sql.length).toBe(before);
  });

  it('re-checks a month it created itself, so a rolled-back creation is made again', async () => {
    const db = fakeCatalog([]); // the catalog never shows the created partition: as after a rollback
    await ensureMonthlyPartitions(db, 'md', 'bars', ['2030-06']);
    await ensureMonthlyPartitions(db, 'md', 'bars', ['2030-06']);
    expect(db.sql.filter((s) => s.includes('PARTITION OF'))).toHaveLength(2);
  });

  it('does nothing to a table that is not range partitioned (a TimescaleDB hypertable)', async () => {
    const db = fakeCatalog([], false);
    await ensureMonthlyPartitions(db, 'md', 'bars', ['2030-06']);
    await ensureMonthlyPartitions(db, 'md', 'bars', ['2031-06']);
    expect(db.sql.filter((s) => s.includes('PARTITION OF'))).toHaveLength(0);
    expect(db.sql).toHaveLength(1);
  });
});
