import { Option, type Command } from 'commander';
import type { Admin, Kafka } from 'kafkajs';
import { endpointsOf, type CliIo } from '../cli-context';
import { formatTable } from '../format-table';
import { assertGroupInactive, cliKafka, commitOffsetsOf, offsetsAtTime, partitionRanges, withAdmin, type TopicOffsets } from '../kafka-admin';
import { clampOffsets, noSkip, parseStartPosition, type StartPosition } from '../offset-plan';
import { parseTime } from '../parse-time';
import { STAGE_NAMES, stageGroups } from '../stages';
import { UsageError } from '../usage-error';
import { replayFromDb, type ReplayFromDbOptions } from './replay-from-db.command';

/** The offsets `position` means on each partition of `topic`. */
async function targetOffsets(admin: Admin, topic: string, position: StartPosition): Promise<TopicOffsets> {
  if (position.kind === 'time') return { topic, partitions: await offsetsAtTime(admin, topic, position.ms) };
  const ranges = await partitionRanges(admin, topic);
  if (position.kind === 'offset') return { topic, partitions: clampOffsets(ranges, position.offset) };
  return { topic, partitions: ranges.map((r) => ({ partition: r.partition, offset: String(position.kind === 'earliest' ? r.low : r.high) })).sort((a, b) => a.partition - b.partition) };
}

/**
 * Moves `groupId` on `topics` to `position`, refusing while the group has members. Prints the
 * plan (committed before, new offset); with `dryRun` commits nothing. `backOnly` keeps a
 * partition where the group has not yet reached the target (see noSkip).
 */
export async function rewindGroup(
  kafka: Kafka, admin: Admin, io: CliIo, groupId: string, topics: string[], position: StartPosition, options: { dryRun: boolean; backOnly: boolean },
): Promise<void> {
  await assertGroupInactive(admin, groupId);
  const known = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !known.has(t));
  if (missing.length) throw new UsageError(`topic ${missing.join(', ')} does not exist: check --topic, or run \`mdctl topics create\``);
  const before = await admin.fetchOffsets({ groupId, topics });
  const committedAt = (topic: string, partition: number) => before.find((b) => b.topic === topic)?.partitions.find((b) => b.partition === partition)?.offset;
  const entries = (await Promise.all(topics.map((t) => targetOffsets(admin, t, position)))).map((e) => ({
    topic: e.topic,
    partitions: e.partitions.map((p) => ({ partition: p.partition, offset: options.backOnly ? noSkip(p.offset, committedAt(e.topic, p.partition)) : p.offset })),
  }));
  const rows = entries.flatMap((e) => e.partitions.map((p) => {
    const was = committedAt(e.topic, p.partition);
    return [groupId, e.topic, p.partition, was === undefined || was === '-1' ? null : was, p.offset];
  }));
  io.out.write(formatTable(['group', 'topic', 'partition', 'committed', 'new offset'], rows));
  if (options.dryRun) {
    io.out.write('dry run: nothing committed\n');
    return;
  }
  // Checked again right before the commit: a stage started while the plan was computed wins.
  await assertGroupInactive(admin, groupId);
  await commitOffsetsOf(kafka, groupId, entries);
  io.out.write(`committed the offsets of ${groupId} on ${topics.join(', ')}\n`);
}

export function registerOffsetCommands(program: Command, io: CliIo): void {
  program.command('replay')
    .description('move a consumer group on one topic to a time or an offset, so it re-reads from there (the group must be inactive); '
      + "or, with --from-db, re-publish a stored window of a raw topic from the writer's database (beyond Kafka retention)")
    .requiredOption('--topic <topic>', 'topic to rewind, e.g. md.bars.v1; with --from-db md.raw.trades.v1, md.raw.quotes.v1 or md.raw.bars.v1')
    .requiredOption('--from <position>', 'earliest | latest | an offset (every partition, clamped to what the log holds) | a publish time, e.g. 2024-04-01T13:30:00Z; with --from-db an event time')
    .option('--group <id>', 'consumer group id (required without --from-db)')
    .option('--dry-run', 'print the plan, commit or publish nothing')
    .option('--from-db', "re-publish the stored records of --topic with event times in [--from, --to) (needs --database-url or DATABASE_URL)")
    .option('--to <time>', 'with --from-db: end of the event-time window (exclusive), e.g. 2024-04-02')
    .option('--symbols <list>', 'with --from-db: only these symbols, e.g. SPY,QQQ (default: all stored in the window)')
    .option('--db-schema <name>', "with --from-db: the writer's schema (default: DB_SCHEMA, else md)")
    .action(async (opts: ReplayFromDbOptions & { fromDb?: boolean }, cmd: Command) => {
      if (opts.fromDb) return replayFromDb(opts, cmd, io);
      const dbOnly = (['to', 'symbols', 'dbSchema'] as const).find((k) => opts[k] !== undefined);
      if (dbOnly) throw new UsageError(`--${dbOnly.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --from-db only (a group rewind takes --group and --from)`);
      if (opts.group === undefined) throw new UsageError("required option '--group <id>' not specified (or give --from-db to re-publish from the database)");
      const position = parseStartPosition(opts.from);
      const { brokers, kafka: kafkaConnection } = endpointsOf(cmd);
      const kafka = cliKafka(kafkaConnection);
      await withAdmin(kafka, brokers, (admin) => rewindGroup(kafka, admin, io, opts.group!, [opts.topic], position, { dryRun: Boolean(opts.dryRun), backOnly: false }));
    });

  // Re-reading is not recomputing: a stage that re-reads inputs it has seen drops them as repeats
  // (revision log, forward-only feature state), so this serves the sinks (refill a store) and
  // consumers that start over; `mdctl reprocess` recomputes under new rules.
  program.command('rewind')
    .description("rewind a stage's consumer group(s) on all its input topics to a time, so it re-reads them (a sink refills its store idempotently); refuses while the stage runs. To recompute under changed rules use reprocess")
    .addOption(new Option('--stage <stage>', 'stage to reprocess').choices(STAGE_NAMES).makeOptionMandatory())
    .requiredOption('--from <time>', 're-read records published at or after this time (Kafka record timestamp, not bar time), e.g. 2024-04-01 (UTC) or 2024-04-01T09:30:00-04:00')
    .option('--group <id>', "the stage's group id when not the default (VAR=id for a second group, e.g. EVENTS_GROUP_ID=x); repeatable", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--dry-run', 'print the plan, commit nothing')
    .action(async (opts: { stage: string; from: string; group: string[]; dryRun?: boolean }, cmd: Command) => {
      const ms = parseTime(opts.from, '--from');
      const groups = stageGroups(opts.stage, opts.group);
      const { brokers, kafka: kafkaConnection } = endpointsOf(cmd);
      const kafka = cliKafka(kafkaConnection);
      await withAdmin(kafka, brokers, async (admin) => {
        // All groups are checked before any is moved: a half-rewound stage is worse than none.
        for (const g of groups) await assertGroupInactive(admin, g.groupId);
        for (const g of groups) await rewindGroup(kafka, admin, io, g.groupId, g.topics, { kind: 'time', ms }, { dryRun: Boolean(opts.dryRun), backOnly: true });
      });
    });
}
