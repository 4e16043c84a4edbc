import { DEFAULT_STORAGE_OPTIONS, parseStorageOptions } from './storage-options';

describe('storage options', () => {
  it('accepts the defaults: 30-day minute chunks, compress after 7 days, keep forever, 3 months ahead', () => {
    expect(parseStorageOptions(DEFAULT_STORAGE_OPTIONS)).toEqual(DEFAULT_STORAGE_OPTIONS);
    expect(DEFAULT_STORAGE_OPTIONS).toMatchObject({ schema: 'md', chunkInterval1m: '30 days', compressAfter: '7 days', partitionMonthsAhead: 3 });
  });

  it('rejects an interval that is not "<count> <unit>", since intervals are spliced into DDL', () => {
    expect(() => parseStorageOptions({ ...DEFAULT_STORAGE_OPTIONS, compressAfter: "7 days'); DROP TABLE bars; --" })).toThrow(/compressAfter/);
    expect(() => parseStorageOptions({ ...DEFAULT_STORAGE_OPTIONS, retention: { ...DEFAULT_STORAGE_OPTIONS.retention, bars1m: 'forever' } })).toThrow(/bars1m/);
  });

  it('rejects a schema name that is not a plain lower-case identifier', () => {
    expect(() => parseStorageOptions({ ...DEFAULT_STORAGE_OPTIONS, schema: 'Md-prod' })).toThrow(/schema/);
  });
});
