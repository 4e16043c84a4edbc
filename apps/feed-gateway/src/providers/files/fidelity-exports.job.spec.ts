import { MemoryCheckpointedSink } from '@md/ingest';
import { fixturePath } from '@md/fixtures';
import { publishFidelityExports, type FidelityPosition } from './fidelity-exports.job';

// The job over the hand-made Fidelity samples (fixtures/fidelity, in Fidelity's layout): the
// parser's records go out in one batch with its rejections dead-lettered by file and line first.
const files = {
  positionsFile: fixturePath('fidelity/Portfolio_Positions_Sample.csv'),
  historyFile: fixturePath('fidelity/Accounts_History_Sample.csv'),
  accountAliases: { X12345678: 'ira', Y87654321: 'taxable' },
  now: () => 1_700_000_000_000,
};

describe('Fidelity export job', () => {
  it('publishes positions and executions under the aliases, dead-letters bad rows with file and line, and nothing again when resumed', async () => {
    const sink = new MemoryCheckpointedSink<FidelityPosition>();
    const result = await publishFidelityExports(sink, files);
    expect(result).toMatchObject({ published: true, positions: 4, executions: 4, rejected: 3 });
    expect(sink.records.filter((r) => r.kind === 'position')).toHaveLength(result.positions);
    expect(sink.records.every((r) => r.kind !== 'position' && r.kind !== 'execution' ? false : ['ira', 'taxable'].includes(r.value.accountAlias))).toBe(true);
    expect(sink.rejected.map((r) => [r.source, r.reason])).toEqual([
      ['Portfolio_Positions_Sample.csv:8', 'no cost basis: Average Cost Basis is blank and Cost Basis Total is blank or the quantity 0'],
      ['Portfolio_Positions_Sample.csv:13', 'account …9999 has no alias in accountAliases'],
      ['Accounts_History_Sample.csv:16', 'account …9999 has no alias in accountAliases'],
    ]);
    const text = JSON.stringify([sink.records, sink.rejected]);
    expect(text).not.toContain('X12345678');
    expect(text).not.toContain('Y87654321');
    expect(text).not.toContain('Z99999999');
    expect(sink.positions).toEqual([{ records: result.positions + result.executions }]);
    const resumed = sink.restart();
    expect((await publishFidelityExports(resumed, files)).published).toBe(false);
  });
});
