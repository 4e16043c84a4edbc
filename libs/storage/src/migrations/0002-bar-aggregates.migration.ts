import { sqlIdentifier } from '../sql-identifier';
import { BAR_AGGREGATES, barAggregateSelect } from './bar-aggregates-sql';
import { interval, runStatements, type Migration } from './migration-context';

/** bars_5m, bars_15m, bars_1h, bars_1d: continuous aggregates, or materialised views on plain PostgreSQL. */
export const barAggregatesMigration: Migration = {
  name: '0002-bar-aggregates',
  up: async ({ context: { db, options, capabilities } }) => {
    const s = sqlIdentifier(options.schema);
    const statements: string[] = [];
    for (const agg of BAR_AGGREGATES) {
      const select = barAggregateSelect(s, agg, capabilities.timescale);
      if (capabilities.timescale) {
        // WITH NO DATA: creating inside the migration transaction must not materialise history
        // (not allowed in a transaction block); the refresh policy and real-time aggregation
        // cover it (https://docs.timescale.com/api/latest/continuous-aggregates/create_materialized_view/).
        statements.push(
          `CREATE MATERIALIZED VIEW IF NOT EXISTS ${s}.${agg.view}
             WITH (timescaledb.continuous, timescaledb.materialized_only = ${!options.realTimeAggregates})
             AS ${select} WITH NO DATA`,
          `SELECT add_continuous_aggregate_policy('${s}.${agg.view}',
             start_offset => ${interval(agg.refresh.startOffset)}, end_offset => ${interval(agg.refresh.endOffset)},
             schedule_interval => ${interval(agg.refresh.schedule)}, if_not_exists => true)`,
        );
      } else {
        // The unique index is what REFRESH MATERIALIZED VIEW CONCURRENTLY requires
        // (https://www.postgresql.org/docs/15/sql-refreshmaterializedview.html).
        statements.push(
          `CREATE MATERIALIZED VIEW IF NOT EXISTS ${s}.${agg.view} AS ${select} WITH DATA`,
          `CREATE UNIQUE INDEX IF NOT EXISTS ${agg.view}_symbol_time ON ${s}.${agg.view} (symbol, time)`,
        );
      }
    }
    if (capabilities.timescale && options.retention.barsDaily) {
      statements.push(`SELECT add_retention_policy('${s}.bars_1d', drop_after => ${interval(options.retention.barsDaily)}, if_not_exists => true)`);
    }
    await runStatements(db, statements);
  },
};
