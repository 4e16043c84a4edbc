import { sqlIdentifier } from './sql-identifier';

// The one bar upsert both writers run (bar-writer.ts over unnest, bar-copy-writer.ts over a COPY
// staging table), so their revision rule and revision log cannot drift apart.

/** What a bar's content is: the values a consumer reads (as the preprocessor's barContent compares). */
const CONTENT = ['open', 'high', 'low', 'close', 'volume', 'trade_count', 'vwap'];
const KEY = ['symbol', 'timeframe', 'time'];

const row = (alias: string) => `(${CONTENT.map((c) => `${alias}.${c}`).join(', ')})`;
const differs = (incoming: string, stored: string) => `${row(incoming)} IS DISTINCT FROM ${row(stored)}`;

/**
 * Revision rule: `incoming` replaces `stored` only with a strictly higher (generation, revision),
 * and within one generation only with other content, so a settled re-fetch identical to the stored
 * bar (a higher revision, settled-revision.ts in @md/market) leaves the row as it was.
 */
const replaces = (incoming: string, stored: string) =>
  `(${incoming}.generation, ${incoming}.revision) > (${stored}.generation, ${stored}.revision) AND (${incoming}.generation > ${stored}.generation OR ${differs(incoming, stored)})`;

/**
 * `WITH incoming AS (<incomingSql>)`, one row per key with the bar columns, then a data-modifying
 * CTE that copies each stored row about to be replaced with other content into `bar_revisions`
 * (migration 0010), and the upsert. All parts of one statement see the same snapshot
 * (PostgreSQL docs, "Data-Modifying Statements in WITH"), so the log reads the row before the
 * upsert changes it, and both commit or neither.
 */
export function barUpsertSql(schema: string, columns: readonly string[], incomingSql: string): string {
  const s = sqlIdentifier(schema);
  const on = KEY.map((c) => `b.${c} = i.${c}`).join(' AND ');
  const old = [...KEY, ...CONTENT, 'provider', 'revision', 'generation'];
  const updates = columns.filter((c) => !KEY.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
  return `
    WITH incoming AS (${incomingSql}),
    logged AS (
      INSERT INTO ${s}.bar_revisions (${old.join(', ')}, new_revision, new_generation, new_provider)
      SELECT ${old.map((c) => `b.${c}`).join(', ')}, i.revision, i.generation, i.provider
        FROM incoming i JOIN ${s}.bars b ON ${on}
       WHERE ${replaces('i', 'b')} AND ${differs('i', 'b')}
      ON CONFLICT DO NOTHING
    )
    INSERT INTO ${s}.bars AS bars (${columns.join(', ')})
    SELECT ${columns.join(', ')} FROM incoming
    ON CONFLICT (symbol, timeframe, time) DO UPDATE SET ${updates.join(', ')}, stored_at = now()
    WHERE ${replaces('EXCLUDED', 'bars')}`;
}
