import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as avro from 'avsc';
import { DecimalType, valueSchemaOf } from '@md/kafka';
import { TOPICS, type OptionQuoteRecord } from '@md/contracts';
import { MemoryCheckpointedSink, MemorySink, type CanonicalRecord } from '@md/ingest';
import { OptionsChainFileConnector, type ChainSnapshotPosition } from './options-chain-file.connector';
import { fixturesDir } from '@md/fixtures';

// Real data: fixtures/options/options_chain_snapshot_2024-07.csv (3,003 contracts, see its README).
const FILE = join(fixturesDir(), 'options/options_chain_snapshot_2024-07.csv');
const NOW_MS = 1_722_500_000_000;

async function publish(file: string): Promise<MemorySink & { batches: number[] }> {
  const sink = Object.assign(new MemorySink(), { batches: [] as number[] });
  const publishBatch = sink.publish.bind(sink);
  sink.publish = async (records: readonly CanonicalRecord[]) => {
    sink.batches.push(records.length);
    await publishBatch(records);
  };
  await new OptionsChainFileConnector({ file, riskFreeRate: 0.053, now: () => NOW_MS }).start(sink);
  return sink;
}

describe('options chain file connector', () => {
  let sink: Awaited<ReturnType<typeof publish>>;
  beforeAll(async () => {
    sink = await publish(FILE);
  });

  it('publishes the 3,003 contracts as option quotes in awaited batches of 1,000', () => {
    expect(sink.batches).toEqual([1000, 1000, 1000, 3]);
    expect(sink.records.every((r) => r.kind === 'option_quote')).toBe(true);
    expect(sink.rejected).toEqual([]);
    expect(sink.records[0].value).toMatchObject({ occSymbol: 'AAPL240802C00100000', provider: 'yahoo', ingestTime: NOW_MS * 1000, greeksSource: 'computed' });
  });

  it('writes records that md.options.chain.v1.avsc encodes and decodes unchanged', () => {
    const type = avro.Type.forSchema(valueSchemaOf(TOPICS.optionsChain) as avro.Schema, { logicalTypes: { decimal: DecimalType } });
    for (const { value } of sink.records) expect(type.fromBuffer(type.toBuffer(value))).toEqual(value);
  });

  it('dead-letters a bad row with file:line and publishes the rest', async () => {
    const [header, first, second] = readFileSync(FILE, 'utf8').split('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'chain-')), 'chain.csv');
    writeFileSync(file, [header, first, second.replace('AAPL240802C00115000', 'AAPL240802C00115')].join('\n'));
    const bad = await publish(file);
    expect(bad.records.map((r) => (r.value as OptionQuoteRecord).occSymbol)).toEqual(['AAPL240802C00100000']);
    expect(bad.rejected).toEqual([{ payload: expect.stringContaining('AAPL240802C00115,'), reason: expect.stringMatching(/line 3: OCC symbol "AAPL240802C00115"/), source: `${file}:3` }]);
  });

  it('resumed after a crash between batches, publishes each contract and each dead letter once', async () => {
    const [header, ...rows] = readFileSync(FILE, 'utf8').trimEnd().split('\n');
    const file = join(mkdtempSync(join(tmpdir(), 'chain-')), 'chain.csv');
    writeFileSync(file, [header, rows[0].replace('AAPL240802C00100000', 'AAPL2408'), ...rows.slice(1, 2500)].join('\n'));
    let commits = 0;
    const dying = new (class extends MemoryCheckpointedSink<ChainSnapshotPosition> {
      override async publish(records: readonly CanonicalRecord[], position: ChainSnapshotPosition): Promise<void> {
        if (commits++ === 1) throw new Error('killed');
        await super.publish(records, position);
      }
    })();
    const connector = () => new OptionsChainFileConnector({ file, riskFreeRate: 0.053, now: () => NOW_MS });
    await expect(connector().start(dying)).rejects.toThrow('killed');
    expect([dying.positions, dying.rejected.length]).toEqual([[{ quotes: 1000 }], 1]);
    const resumed = dying.restart();
    await connector().start(resumed);
    const symbols = resumed.records.map((r) => (r.value as OptionQuoteRecord).occSymbol);
    expect([symbols.length, new Set(symbols).size, resumed.rejected.length]).toEqual([2499, 2499, 1]);
    expect(resumed.positions.at(-1)).toEqual({ quotes: 2499 });
  });
});
