import { backupName, expiredBackups, newestBackup, parseBackupName } from './backup-names';

const DAY = 86_400_000;

describe('backup folder names', () => {
  it('names a backup by schema and UTC second, without characters a file system refuses', () => {
    expect(backupName('md', new Date('2025-01-02T03:04:05.678Z'))).toBe('backup-md-20250102T030405Z');
    expect(parseBackupName('backup-md-20250102T030405Z')).toEqual({ name: 'backup-md-20250102T030405Z', schema: 'md', takenAt: new Date('2025-01-02T03:04:05Z') });
  });

  it('ignores anything else in the folder, and dates that do not exist', () => {
    for (const name of ['backup-md-20250102T030405Z.partial', 'notes.txt', 'backup-md-20250230T000000Z', 'backup-MD-20250102T030405Z']) expect(parseBackupName(name)).toBeNull();
  });

  it('prunes backups older than the kept days, keeps the one exactly that old, and never touches another schema', () => {
    const now = new Date('2025-02-01T00:00:00Z');
    const at = (daysAgo: number, schema = 'md') => backupName(schema, new Date(now.getTime() - daysAgo * DAY));
    const names = [at(0), at(29), at(30), at(30.5), at(45), at(45, 'other'), `${at(0.5)}.partial`, `${at(2)}.partial`, `${at(2, 'other')}.partial`, 'readme'];
    // A run killed mid-backup leaves a .partial folder: gone once a day old, a running one never touched.
    expect(expiredBackups(names, 'md', now, 30)).toEqual([at(45), at(30.5), `${at(2)}.partial`].sort());
  });

  it('picks the newest backup of a folder, of the schema asked for', () => {
    const names = ['backup-md-20250101T000000Z', 'backup-md-20250103T000000Z', 'backup-md-20250102T000000Z', 'backup-lab-20250104T000000Z'];
    expect(newestBackup(names, 'md')).toEqual({ name: 'backup-md-20250103T000000Z', schemas: ['md'] });
    expect(newestBackup(names)).toEqual({ name: null, schemas: ['lab', 'md'] });
    expect(newestBackup(['x'])).toEqual({ name: null, schemas: [] });
  });
});
