import { DEFAULT_BAR_COLUMNS, csvRowToRawBar } from './csv-bar';
import { microsToIso } from '@md/market';

const opts = { columns: DEFAULT_BAR_COLUMNS, zone: 'UTC', symbol: 'dbb', timeframe: '1m' as const, provider: 'file' };
const row = { timestamp: '2023-07-10 13:30:00', open: '17.9', high: '17.91', low: '17.9', close: '17.91', volume: '3057' };

describe('CSV row to raw bar', () => {
  it('reads the first DBB row in its declared zone', () => {
    const bar = csvRowToRawBar(row, opts, 1);
    expect(microsToIso(bar.eventTime)).toBe('2023-07-10T13:30:00.000Z');
    expect(bar).toMatchObject({ symbol: 'DBB', open: '17.90000000', high: '17.91000000', volume: 3057, revision: 0 });
  });

  it('reads a naive time in New York as the declared zone says', () => {
    const bar = csvRowToRawBar({ ...row, timestamp: '2023-07-10 09:30:00' }, { ...opts, zone: 'America/New_York' }, 1);
    expect(microsToIso(bar.eventTime)).toBe('2023-07-10T13:30:00.000Z');
  });

  it('refuses a naive time when no zone was declared', () => {
    expect(() => csvRowToRawBar(row, { ...opts, zone: undefined }, 1)).toThrow(/no zone and none was declared/);
  });

  it('keeps an explicit offset over the declared zone', () => {
    const bar = csvRowToRawBar({ ...row, timestamp: '2023-07-10T09:30:00-04:00' }, opts, 1);
    expect(microsToIso(bar.eventTime)).toBe('2023-07-10T13:30:00.000Z');
  });

  it('names the field of a non-numeric price', () => {
    expect(() => csvRowToRawBar({ ...row, close: 'n/a' }, opts, 1)).toThrow('close: not a decimal number: "n/a"');
  });

  it('rejects an unparseable timestamp', () => {
    expect(() => csvRowToRawBar({ ...row, timestamp: '2023-13-45 99:00' }, opts, 1)).toThrow(/unparseable timestamp/);
  });

  it('rejects a fractional volume', () => {
    expect(() => csvRowToRawBar({ ...row, volume: '12.5' }, opts, 1)).toThrow(/not a whole number/);
  });
});
