import { backupPlan } from './backup.command';
import { restoreStorageOptions } from './restore.command';

describe('backup and restore options, checked before anything connects', () => {
  it('backs up the writer schema of DB_SCHEMA into --dir, keeping 30 days, with the writer\'s groups', () => {
    const plan = backupPlan({ dir: '/var/backups/md', keepDays: '30', group: ['EVENTS_GROUP_ID=ev-blue'] }, { DB_SCHEMA: 'md_blue' });
    expect(plan).toMatchObject({ dir: '/var/backups/md', keepDays: 30, schema: 'md_blue' });
    expect(plan.groups.map((g) => g.groupId)).toEqual(['md-timescale-writer', 'ev-blue', 'md-timescale-writer-derived', 'md-timescale-writer-raw', 'md-timescale-writer-trading']);
  });

  it('refuses a missing --dir, a bad --keep-days or schema, saying what to give', () => {
    expect(() => backupPlan({ keepDays: '30', group: [] }, {})).toThrow('--dir is required: the folder that keeps the backups, e.g. --dir /var/backups/md');
    expect(() => backupPlan({ dir: 'b', keepDays: '0', group: [] }, {})).toThrow('--keep-days "0" is not a whole number of days from 1 to 3650');
    expect(() => backupPlan({ dir: 'b', keepDays: '30', dbSchema: 'Md-1', group: [] }, {})).toThrow('--db-schema "Md-1" is not a plain lower-case SQL identifier');
    expect(() => backupPlan({ dir: 'b', keepDays: '30', group: ['NOPE=x'] }, {})).toThrow(/timescale-writer has no NOPE/);
  });

  it('builds the restored schema with the writer\'s chunk, compression and retention settings', () => {
    const options = restoreStorageOptions('md', { CHUNK_INTERVAL_1M: '7 days', COMPRESS_AFTER: '2 days', RETENTION_BARS_1M: '365 days' });
    expect(options).toMatchObject({ schema: 'md', chunkInterval1m: '7 days', compressAfter: '2 days', retention: { bars1m: '365 days' } });
    expect(restoreStorageOptions('md', {}).retention.bars1m).toBeNull();
    expect(() => restoreStorageOptions('md', { COMPRESS_AFTER: 'soon' })).toThrow('COMPRESS_AFTER is invalid: use an interval like "30 days"');
  });
});
