import type { Command } from 'commander';
import { endpointsOf, type CliIo } from '../cli-context';
import { formatTable } from '../format-table';
import { cliKafka, groupLag, withAdmin } from '../kafka-admin';
import type { LagRow } from '../offset-plan';

const MAX_GROUPS = 500;

export function registerLag(program: Command, io: CliIo): void {
  program.command('lag')
    .description('per consumer group and partition: end offset minus committed offset, and the group state')
    .option('--group <id>', 'only this group (default: every consumer group)')
    .option('--json', 'one JSON array instead of a table')
    .action(async (opts: { group?: string; json?: boolean }, cmd: Command) => {
      const { brokers, kafka: kafkaConnection } = endpointsOf(cmd);
      await withAdmin(cliKafka(kafkaConnection), brokers, async (admin) => {
        const ids = opts.group ? [opts.group] : (await admin.listGroups()).groups.filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => g.groupId).sort();
        // Bounded: a cluster with thousands of groups is read with --group instead.
        const chosen = ids.slice(0, MAX_GROUPS);
        const states = new Map((chosen.length ? (await admin.describeGroups(chosen)).groups : []).map((g) => [g.groupId, `${g.state}/${g.members.length}`]));
        const rows: Array<LagRow & { state: string }> = [];
        for (const id of chosen) rows.push(...(await groupLag(admin, id)).map((r) => ({ ...r, state: states.get(id) ?? '-' })));
        if (opts.json) {
          io.out.write(`${JSON.stringify(rows.map((r) => ({ ...r, end: String(r.end), committed: r.committed === null ? null : String(r.committed), lag: r.lag === null ? null : String(r.lag) })))}\n`);
        } else {
          io.out.write(formatTable(['group', 'state/members', 'topic', 'partition', 'end', 'committed', 'lag'], rows.map((r) => [r.group, r.state, r.topic, r.partition, r.end, r.committed, r.lag])));
        }
        if (ids.length > chosen.length) io.err.write(`showing ${MAX_GROUPS} of ${ids.length} groups; pass --group for the others\n`);
      });
    });
}
