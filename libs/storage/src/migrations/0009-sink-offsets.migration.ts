import { sqlIdentifier } from '../sql-identifier';
import { runStatements, type Migration } from './migration-context';

/**
 * `sink_offsets`: per consumer group and topic partition, the next offset whose record is not yet
 * in the tables. Written in the same transaction as the rows a chunk stores (sink-offsets.ts), so
 * a snapshot read in one transaction with these offsets is exactly "the topic up to here": a
 * subscriber that reads the snapshot and then tails each partition from its offset sees every
 * record once (snapshot-then-tail, issue 15). The same idea as Kafka Connect sinks that keep
 * offsets in the target (Confluent JDBC sink docs, "exactly-once delivery").
 */
export const sinkOffsetsMigration: Migration = {
  name: '0009-sink-offsets',
  up: async ({ context: { db, options } }) => {
    const s = sqlIdentifier(options.schema);
    await runStatements(db, [
      `CREATE TABLE IF NOT EXISTS ${s}.sink_offsets (
        group_id text NOT NULL,
        topic text NOT NULL,
        partition integer NOT NULL,
        next_offset bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, topic, partition)
      )`,
    ]);
  },
};
