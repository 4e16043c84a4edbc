import { MANIFEST_FORMAT_VERSION, parseManifest, restoreTarget } from './backup-manifest';
import { sampleManifest } from './backup-manifest.fixture';

const text = (m: unknown) => JSON.stringify(m);

describe('backup manifest', () => {
  it('reads back what a backup wrote', () => {
    expect(parseManifest(text(sampleManifest()), '/b/manifest.json')).toEqual(sampleManifest());
  });

  it('refuses a manifest from a newer mdctl, saying which release can read it', () => {
    expect(() => parseManifest(text(sampleManifest({ formatVersion: MANIFEST_FORMAT_VERSION + 1 })), '/b/manifest.json'))
      .toThrow(`/b/manifest.json has format version ${MANIFEST_FORMAT_VERSION + 1}, this mdctl reads up to ${MANIFEST_FORMAT_VERSION}: restore with the mdctl of the release that made the backup`);
  });

  it('refuses a table name that is not a plain identifier before it can reach SQL, naming the field', () => {
    const bad = sampleManifest();
    bad.tables[0].name = 'bars"; DROP SCHEMA md; --';
    expect(() => parseManifest(text(bad), '/b/manifest.json')).toThrow(/^\/b\/manifest.json: tables.0.name a plain lower-case sql identifier: the backup is damaged/);
  });

  it('refuses a partition bound that is not a monthly range', () => {
    const bad = sampleManifest();
    bad.tables[0].partitions[0].bound = 'DEFAULT';
    expect(() => parseManifest(text(bad), 'm')).toThrow(/tables.0.partitions.0.bound/);
  });

  it('refuses a file that is not JSON, or not a backup', () => {
    expect(() => parseManifest('{"format": "md-ba', 'm')).toThrow(/^m is not JSON .*: the backup is damaged; restore another one$/);
    expect(() => parseManifest('{"format": "pg_dump"}', 'm')).toThrow(/^m: format /);
  });

  it('restores up to the last migration the backup had', () => {
    expect(restoreTarget(sampleManifest(), ['0001-bars', '0002-bar-aggregates', '0003-market-tables'], 'm')).toBe('0002-bar-aggregates');
  });

  it('refuses a backup made by a newer schema than this build knows, naming the migration', () => {
    const newer = sampleManifest({ migrations: ['0001-bars', '0002-bar-aggregates', '0099-future'] });
    expect(() => restoreTarget(newer, ['0001-bars', '0002-bar-aggregates'], '/b/manifest.json'))
      .toThrow('/b/manifest.json was made by a newer schema (migration 0099-future) than this mdctl knows (up to 0002-bar-aggregates): restore with the mdctl of that release or newer');
  });
});
