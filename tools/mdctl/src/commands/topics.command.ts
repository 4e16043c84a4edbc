import { Option, type Command } from 'commander';
import { ConfigResourceTypes } from 'kafkajs';
import { ConfigError, TOPIC_TABLE, formatRetention, withTopicRetention, type TopicSpec } from '@md/contracts';
import { ensureTopics } from '@md/kafka';
import { endpointsOf, type CliIo } from '../cli-context';
import { formatTable } from '../format-table';
import { cliKafka, partitionRanges, withAdmin } from '../kafka-admin';
import { OperationError, UsageError } from '../usage-error';

/** The declared specs for `names` (all when empty); an undeclared name is a usage error. */
export function declaredTopics(names: readonly string[]): TopicSpec[] {
  if (!names.length) return [...TOPIC_TABLE];
  return names.map((name) => {
    const spec = TOPIC_TABLE.find((t) => t.name === name);
    if (!spec) throw new UsageError(`topic "${name}" is not declared in TOPIC_TABLE (libs/contracts/src/topics.ts); declared: ${TOPIC_TABLE.map((t) => t.name).join(', ')}`);
    return spec;
  });
}

/**
 * The specs with the retention `--retention` / TOPIC_RETENTION sets (the same parser the services
 * use when they create a topic); a bad value is a usage error naming where it came from.
 */
export function withRetention(specs: readonly TopicSpec[], retention: string | undefined, fromOption: boolean): TopicSpec[] {
  try {
    return withTopicRetention(specs, retention, TOPIC_TABLE, fromOption ? '--retention' : 'TOPIC_RETENTION');
  } catch (err) {
    throw err instanceof ConfigError ? new UsageError(err.message) : err;
  }
}

const retentionOption = () => new Option('--retention <list>', 'retention per topic at creation, e.g. md.raw.trades.v1=7d,md.raw.quotes.v1=3d (default: TOPIC_RETENTION, else the table)');

export function registerTopics(program: Command, io: CliIo): void {
  const topics = program.command('topics').description('the platform topics (TOPIC_TABLE in libs/contracts) on the broker');

  topics.command('list').description('declared topics: partitions declared and on the broker, retention at creation (with --retention / TOPIC_RETENTION applied), cleanup policy')
    .addOption(retentionOption())
    .action(async (opts: { retention?: string }, cmd: Command) => {
      const specs = withRetention(TOPIC_TABLE, opts.retention ?? process.env.TOPIC_RETENTION, opts.retention !== undefined);
      const { brokers, kafka: kafkaConnection } = endpointsOf(cmd);
      await withAdmin(cliKafka(kafkaConnection), brokers, async (admin) => {
        const existing = new Set(await admin.listTopics());
        const present = TOPIC_TABLE.filter((t) => existing.has(t.name)).map((t) => t.name);
        const { topics: meta } = present.length ? await admin.fetchTopicMetadata({ topics: present }) : { topics: [] };
        const actual = new Map(meta.map((m) => [m.name, m.partitions.length]));
        io.out.write(formatTable(['topic', 'partitions', 'on broker', 'retention', 'cleanup'],
          specs.map((t) => [t.name, t.partitions, actual.get(t.name) ?? 'missing', formatRetention(t.retentionMs), t.cleanupPolicy])));
      });
    });

  topics.command('create').description('create the declared topics that are missing (existing ones are left as they are)')
    .argument('[topics...]', 'only these declared topics')
    .addOption(retentionOption())
    .action(async (names: string[], opts: { retention?: string }, cmd: Command) => {
      const specs = withRetention(declaredTopics(names), opts.retention ?? process.env.TOPIC_RETENTION, opts.retention !== undefined);
      const { brokers, kafka: kafkaConnection } = endpointsOf(cmd);
      const kafka = cliKafka(kafkaConnection);
      // withAdmin first: an unreachable broker is reported as such, not as a create failure.
      await withAdmin(kafka, brokers, async () => undefined);
      // The retention is already applied (and checked) above: none again from the environment.
      const created = await ensureTopics(kafka, specs, '');
      const described = created.map((name) => `${name} (retention ${formatRetention(specs.find((t) => t.name === name)!.retentionMs)})`);
      io.out.write(created.length ? `created ${described.join(', ')}\n` : `all ${specs.length} topics exist\n`);
    });

  topics.command('describe').description('partitions (leader, replicas, in-sync, offsets) and configuration of one topic')
    .argument('<topic>', 'topic name, e.g. md.bars.v1')
    .action(async (name: string, _opts, cmd: Command) => {
      const { brokers, kafka: kafkaConnection } = endpointsOf(cmd);
      await withAdmin(cliKafka(kafkaConnection), brokers, async (admin) => {
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
