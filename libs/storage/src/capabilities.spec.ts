import { detectCapabilities } from './capabilities';
import type { Queryable, QueryResult } from './db-port';

function fakeServer(opts: { available: boolean; createFails?: boolean }): Queryable {
  return {
    query: async <R>(sql: string): Promise<QueryResult<R>> => {
      const rows = (r: object[]) => ({ rows: r as R[], rowCount: r.length });
      if (sql.includes('server_version')) return rows([{ v: '15.20' }]);
      if (sql.includes('pg_available_extensions')) return rows(opts.available ? [{ '?column?': 1 }] : []);
      if (sql.startsWith('CREATE EXTENSION')) {
        if (opts.createFails) throw new Error('extension "timescaledb" must be preloaded');
        return rows([]);
      }
      if (sql.includes('pg_extension')) return rows([{ v: '2.23.0' }]);
      throw new Error(`unexpected ${sql}`);
    },
  };
}

describe('detectCapabilities', () => {
  it('uses TimescaleDB when the server offers it and it can be created', async () => {
    await expect(detectCapabilities(fakeServer({ available: true }))).resolves.toEqual({ timescale: true, timescaleVersion: '2.23.0', postgresVersion: '15.20' });
  });

  it('falls back to plain PostgreSQL when the extension is not installed on the server', async () => {
    await expect(detectCapabilities(fakeServer({ available: false }))).resolves.toEqual({ timescale: false, timescaleVersion: null, postgresVersion: '15.20' });
  });

  it('falls back when the extension is installed but cannot be created (not preloaded, no privilege)', async () => {
    await expect(detectCapabilities(fakeServer({ available: true, createFails: true }))).resolves.toMatchObject({ timescale: false });
  });
});
