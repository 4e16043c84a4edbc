import { MANIFEST_FORMAT_VERSION, type BackupManifest } from './backup-manifest';

/** A small valid manifest for the specs; `over` replaces top-level fields. */
export function sampleManifest(over: Partial<BackupManifest> = {}): BackupManifest {
  return {
    format: 'md-backup', formatVersion: MANIFEST_FORMAT_VERSION, createdAt: '2025-01-02T03:04:05.000Z', schema: 'md',
    database: { flavour: 'postgresql', postgresVersion: '15.20', timescaleVersion: null },
    migrations: ['0001-bars', '0002-bar-aggregates'],
    tables: [{
      name: 'bars', kind: 'partitioned', file: 'bars.copy.gz', columns: ['symbol', 'time'], rows: 2, sha256: 'a'.repeat(64),
      partitions: [{ name: 'bars_p2025_01', bound: "FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-02-01 00:00:00+00')" }],
    }],
    sequences: [{ name: 'trades_arrival', lastValue: '7', isCalled: true }],
    sinkOffsets: [{ groupId: 'md-timescale-writer', topic: 'md.bars.v1', partition: 2, offset: '120' }],
    writerGroups: [{ variable: 'GROUP_ID', groupId: 'md-timescale-writer', topics: ['md.bars.v1'] }],
    committedBefore: null,
    ...over,
  };
}
