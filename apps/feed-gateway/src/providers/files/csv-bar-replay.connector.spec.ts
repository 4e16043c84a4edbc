import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@md/config';
import { MemoryCheckpointedSink, MemorySink, type CanonicalRecord } from '@md/ingest';
import { CsvBarReplayConnector, type CsvBarReplayOptions, type CsvReplayPosition } from './csv-bar-replay.connector';

const HEADER = 'timestamp,open,high,low,close,volume';
const ROWS = [
  '2024-03-04 14:30:00,17.90,17.95,17.88,17.93,1200',
  '2024-03-04 14:31:00,17.93,17.99,17.92,17.98,800',
  '2024-03-04 14:32:00,17.95,abc,17.94,17.96,300',
  'not-a-time,17.95,17.97,17.94,17.96,300',
  '2024-03-04 14:34:00,17.96,17.97,17.95,17.96,500',
];

function csv(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'md-replay-')), 'bars.csv');
  writeFileSync(file, `${[HEADER, ...lines].join('\n')}\n`);
  return file;
}

const options = (file: string, over: Partial<CsvBarReplayOptions> = {}): CsvBarReplayOptions => ({
  file, zone: 'UTC', symbol: 'DBB', timeframe: '1m', provider: 'file', batchSize: 2, ...over,
});

/** Records the size of each publish. */
class BatchSink extends MemorySink {
  readonly batches: number[] = [];
  override async publish(records: readonly CanonicalRecord[]): Promise<void> {
    this.batches.push(records.length);
    await super.publish(records);
  }
}

describe('CSV bar replay connector', () => {
  it('publishes the bars in batches and rejects each bad row with file:line, its text and the reason', async () => {
    const file = csv(ROWS);
    const sink = new BatchSink();
    let rows = 0;
    const replay = new CsvBarReplayConnector(options(file, { onRow: () => rows++ }));
    await replay.start(sink);
    expect(sink.batches).toEqual([2, 1]);
    expect(sink.bars().map((b) => [b.symbol, b.close, new Date(b.eventTime / 1000).toISOString()])).toEqual([
      ['DBB', '17.93000000', '2024-03-04T14:30:00.000Z'], ['DBB', '17.98000000', '2024-03-04T14:31:00.000Z'], ['DBB', '17.96000000', '2024-03-04T14:34:00.000Z'],
    ]);
    expect(sink.rejected.map((r) => [r.source, r.payload])).toEqual([[`${file}:4`, ROWS[2]], [`${file}:5`, ROWS[3]]]);
    expect(sink.rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/^high: not a decimal number: "abc"/), expect.stringMatching(/^unparseable timestamp "not-a-time"/)]);
    expect(rows).toBe(5);
    expect(replay.status()).toMatchObject({ state: 'done', file, rowsRead: 5, published: 3, rejected: 2, error: null, startedAt: expect.any(String), finishedAt: expect.any(String) });
    expect(Object.values(replay.status().reasons).reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('refuses naive timestamps without a declared zone before anything is sent', async () => {
    const sink = new MemorySink();
    const replay = new CsvBarReplayConnector(options(csv(ROWS), { zone: undefined }));
    await expect(replay.start(sink)).rejects.toThrow(ConfigError);
    await expect(new CsvBarReplayConnector(options(csv(ROWS), { zone: undefined })).start(sink)).rejects.toThrow(/has naive timestamps \(first: "2024-03-04 14:30:00"\); set REPLAY_ZONE/);
    expect([sink.records, sink.rejected]).toEqual([[], []]);
    expect(replay.status()).toMatchObject({ state: 'failed', error: expect.stringMatching(/naive timestamps/), published: 0 });
  });

  it('needs no zone for timestamps that carry their offset', async () => {
    const sink = new MemorySink();
    await new CsvBarReplayConnector(options(csv(['2024-03-04T09:30:00-05:00,17.90,17.95,17.88,17.93,1200']), { zone: undefined })).start(sink);
    expect(sink.bars().map((b) => new Date(b.eventTime / 1000).toISOString())).toEqual(['2024-03-04T14:30:00.000Z']);
  });

  it('reads no further once stopped', async () => {
    const sink = new MemorySink();
    const replay = new CsvBarReplayConnector(options(csv(ROWS.slice(0, 2))));
    await replay.stop();
    await replay.start(sink);
    expect(sink.records).toEqual([]);
    expect([replay.status().state, replay.finished()]).toEqual(['stopped', false]);
  });

  it('commits each batch with the rows it covers, and resumed after a crash at any batch publishes every bar and dead letter once', async () => {
    const file = csv(ROWS);
    const full = new MemoryCheckpointedSink<CsvReplayPosition>();
    await new CsvBarReplayConnector(options(file)).start(full);
    expect(full.positions).toEqual([{ rows: 2 }, { rows: 4 }, { rows: 5 }]);
    for (let crashAfter = 0; crashAfter < full.positions.length; crashAfter++) {
      // A sink that dies (the process is killed) during the publish after `crashAfter` commits.
      let commits = 0;
      const dying = new (class extends MemoryCheckpointedSink<CsvReplayPosition> {
        override async publish(records: readonly CanonicalRecord[], position: CsvReplayPosition): Promise<void> {
          if (commits++ === crashAfter) throw new Error('killed');
          await super.publish(records, position);
        }
      })();
      await expect(new CsvBarReplayConnector(options(file)).start(dying)).rejects.toThrow('killed');
      const resumed = dying.restart();
      const replay = new CsvBarReplayConnector(options(file));
      await replay.start(resumed);
      expect(resumed.bars()).toEqual(full.bars().map((b) => ({ ...b, ingestTime: expect.any(Number) })));
      expect(resumed.rejected.map((r) => r.source)).toEqual(full.rejected.map((r) => r.source));
      expect(replay.status()).toMatchObject({ state: 'done', resumedFrom: full.positions[crashAfter - 1]?.rows ?? 0 });
    }
  });
});
