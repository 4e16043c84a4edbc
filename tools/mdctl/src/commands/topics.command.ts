import type { Command } from 'commander';
import { ConfigResourceTypes } from 'kafkajs';
import { TOPIC_TABLE, type TopicSpec } from '@md/contracts';
import { ensureTopics } from '@md/kafka';
import { endpointsOf, type CliIo } from '../cli-context';
import { formatTable } from '../format-table';
import { cliKafka, partitionRanges, withAdmin } from '../kafka-admin';
import { OperationError, UsageError } from '../usage-error';

const retention = (ms: number) => (ms < 0 ? 'forever' : `${ms / 86_400_000}d`);

/** The declared specs for `names` (all when empty); an undeclared name is a usage error. */
export function declaredTopics(names: readonly string[]): TopicSpec[] {
  if (!names.length) return [...TOPIC_TABLE];
  return names.map((name) => {
    const spec = TOPIC_TABLE.find((t) => t.name === name);
    if (!spec) throw new UsageError(`topic "${name}" is not declared in TOPIC_TABLE (libs/contracts/src/topics.ts); declared: ${TOPIC_TABLE.map((t) => t.name).join(', ')}`);
    return spec;
  });
}

export function registerTopics(program: Command, io: CliIo): void {
  const topics = program.command('topics').description('the platform topics (TOPIC_TABLE in libs/contracts) on the broker');

  topics.command('list').description('declared topics: partitions declared and on the broker, retention, cleanup policy')
    .action(async (_opts, cmd: Command) => {
      const { brokers } = endpointsOf(cmd);
      await withAdmin(cliKafka(brokers), brokers, async (admin) => {
        const existing = new Set(await admin.listTopics());
        const present = TOPIC_TABLE.filter((t) => existing.has(t.name)).map((t) => t.name);
        const { topics: meta } = present.length ? await admin.fetchTopicMetadata({ topics: present }) : { topics: [] };
        const actual = new Map(meta.map((m) => [m.name, m.partitions.length]));
        io.out.write(formatTable(['topic', 'partitions', 'on broker', 'retention', 'cleanup'],
          TOPIC_TABLE.map((t) => [t.name, t.partitions, actual.get(t.name) ?? 'missing', retention(t.retentionMs), t.cleanupPolicy])));
      });
    });

  topics.command('create').description('create the declared topics that are missing (existing ones are left as they are)')
    .argument('[topics...]', 'only these declared topics')
    .action(async (names: string[], _opts, cmd: Command) => {
      const specs = declaredTopics(names);
      const { brokers } = endpointsOf(cmd);
      const kafka = cliKafka(brokers);
      // withAdmin first: an unreachable broker is reported as such, not as a create failure.
      await withAdmin(kafka, brokers, async () => undefined);
      const created = await ensureTopics(kafka, specs);
      io.out.write(created.length ? `created ${created.join(', ')}\n` : `all ${specs.length} topics exist\n`);
    });

  topics.command('describe').description('partitions (leader, replicas, in-sync, offsets) and configuration of one topic')
    .argument('<topic>', 'topic name, e.g. md.bars.v1')
    .action(async (name: string, _opts, cmd: Command) => {
      const { brokers } = endpointsOf(cmd);
      await withAdmin(cliKafka(brokers), brokers, async (admin) => {
        if (!(await admin.listTopics()).includes(name)) throw new OperationError(`topic ${name} does not exist on ${brokers.join(',')}: \`mdctl topics create\` creates the declared ones`);
        const { topics: [meta] } = await admin.fetchTopicMetadata({ topics: [name] });
        const ranges = new Map((await partitionRanges(admin, name)).map((r) => [r.partition, r]));
        const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name }] });
        const entries = configs.resources[0]?.configEntries ?? [];
        const pick = (key: string) => entries.find((e) => e.configName === key)?.configValue ?? '-';
        const declared = TOPIC_TABLE.find((t) => t.name === name);
        io.out.write(`topic ${name}: ${meta.partitions.length} partitions${declared ? ` (declared ${declared.partitions})` : ' (not declared in TOPIC_TABLE)'}, ` +
          `retention.ms ${pick('retention.ms')}, cleanup.policy ${pick('cleanup.policy')}\n`);
        io.out.write(formatTable(['partition', 'leader', 'replicas', 'in-sync', 'start offset', 'end offset'],
          [...meta.partitions].sort((a, b) => a.partitionId - b.partitionId).map((p) => [
            p.partitionId, p.leader, p.replicas.join(','), p.isr.join(','), ranges.get(p.partitionId)?.low, ranges.get(p.partitionId)?.high])));
      });
    });
}
