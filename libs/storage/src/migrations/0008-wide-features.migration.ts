import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration } from './migration-context';
import { timeSeriesTableDdl } from './time-series-table';
import { LAYOUT_ID_SQL } from '../feature-layouts';

/**
 * Features stored wide (issue 14): one row per vector, `feature_values float8[]` in the order of a
 * layout (`feature_layouts`, the sorted names of a vector), instead of one row per value. The long
 * table made a 20-value vector 20 index entries and 20 conflict checks: the embedded writer stored
 * 2.2k vectors/s that way against 45k bars/s (measured here, PGlite). A vector is also what every
 * reader wants, and a recomputed vector now replaces the whole vector, names included.
 *
 * The layout id is a hash of the names (layoutId in feature-layouts.ts, the same hash in SQL
 * below), so a writer needs no lookup and no cache that a rolled-back transaction could spoil.
 *
 * Existing rows move over in this transaction, and `features` becomes a view of the old long
 * shape (symbol, timeframe, name, time, value, available_time, generation), so SQL written
 * against it keeps working. Compression segments by (symbol, timeframe) and orders by time: the
 * arrays of one series lie together.
 */
export const wideFeaturesMigration: Migration = {
  name: '0008-wide-features',
  up: async ({ context: { db, options, capabilities } }) => {
    const s = sqlIdentifier(options.schema);
    await runStatements(db, [
      `CREATE TABLE IF NOT EXISTS ${s}.feature_layouts (id bigint PRIMARY KEY, names text[] NOT NULL)`,
      ...timeSeriesTableDdl(s, {
        name: 'feature_vectors', timeColumn: 'time', chunkInterval: options.chunkInterval1m, retention: options.retention.features,
        compress: { segmentby: 'symbol, timeframe', orderby: 'time DESC' },
        columns: `symbol text NOT NULL, timeframe text NOT NULL, time timestamptz NOT NULL, feature_set text,
          layout bigint NOT NULL, feature_values double precision[] NOT NULL, available_time timestamptz,
          generation bigint NOT NULL DEFAULT 0, PRIMARY KEY (symbol, timeframe, time)`,
      }, capabilities, options),
      // The long rows of each vector, names sorted as layoutId sorts them.
      `CREATE TEMP TABLE wide_features_0008 ON COMMIT DROP AS
         SELECT symbol, timeframe, time, array_agg(name ORDER BY name COLLATE "C") AS names, array_agg(value ORDER BY name COLLATE "C") AS feature_values,
                max(available_time) AS available_time, max(generation) AS generation
           FROM ${s}.features GROUP BY symbol, timeframe, time`,
      `INSERT INTO ${s}.feature_layouts (id, names)
         SELECT DISTINCT ${LAYOUT_ID_SQL('names')}, names FROM wide_features_0008 ON CONFLICT (id) DO NOTHING`,
      `INSERT INTO ${s}.feature_vectors (symbol, timeframe, time, feature_set, layout, feature_values, available_time, generation)
         SELECT symbol, timeframe, time, NULL, ${LAYOUT_ID_SQL('names')}, feature_values, available_time, generation FROM wide_features_0008`,
      `DROP TABLE ${s}.features`,
      `CREATE VIEW ${s}.features AS
         SELECT f.symbol, f.timeframe, v.name, f.time, v.value, f.available_time, f.generation
           FROM ${s}.feature_vectors f JOIN ${s}.feature_layouts l ON l.id = f.layout
          CROSS JOIN LATERAL unnest(l.names, f.feature_values) AS v(name, value)`,
    ]);
  },
};
