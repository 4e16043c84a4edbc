import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration } from './migration-context';

/**
 * `symbol_changes`: the SYMBOL_CHANGE rows of `corporate_actions` (md.corporate-actions.v1) as
 * from/to/effective date, for SQL users and for the read API, which follows them to answer an
 * adjusted request by any ticker of a series (series-bars-sql.ts, libs/market symbol-lineage.ts).
 * The partial index finds a ticker's changes from either side.
 */
export const symbolChangesMigration: Migration = {
  name: '0011-symbol-changes',
  up: async ({ context: { db, options } }) => {
    const s = sqlIdentifier(options.schema);
    await runStatements(db, [
      `CREATE INDEX IF NOT EXISTS corporate_actions_new_symbol ON ${s}.corporate_actions ((details->>'newSymbol')) WHERE details->>'newSymbol' IS NOT NULL`,
      `CREATE OR REPLACE VIEW ${s}.symbol_changes AS
       SELECT symbol AS from_symbol, details->>'newSymbol' AS to_symbol, effective_date, provider, revision
         FROM ${s}.corporate_actions WHERE action_type = 'SYMBOL_CHANGE'`,
    ]);
  },
};
