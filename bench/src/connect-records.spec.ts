import type { CleanBar } from '@md/contracts';
import { CONNECT_BAR_COLUMNS, barKeyJson, barValueJson } from './connect-records';

const BAR: CleanBar = {
  symbol: 'B000', timeframe: '1m', provider: 'file', eventTime: 1_688_996_040_000_000, ingestTime: 1_796_521_830_754_321,
  open: '17.92100000', high: '18.5', low: '17.9', close: '18.01', volume: 602, tradeCount: null, vwap: null,
  revision: 2, session: 'REGULAR', splitFactor: 1, dividendFactor: 0.5, generation: 3,
};

describe('barValueJson', () => {
  it('carries every column with a schema field for each, in the same order', () => {
    const { schema, payload } = JSON.parse(barValueJson(BAR));
    expect(schema.fields.map((f: { field: string }) => f.field)).toEqual(CONNECT_BAR_COLUMNS);
    expect(Object.keys(payload)).toEqual(CONNECT_BAR_COLUMNS);
  });

  it('writes prices as JSON numbers with the bar\'s own digits and times with their microseconds', () => {
    const json = barValueJson(BAR);
    expect(json).toContain('"open":17.92100000,"high":18.5,');
    expect(json).toContain('"ingest_time":"2026-12-06T01:50:30.754321Z"');
    expect(JSON.parse(json).payload).toMatchObject({ trade_count: null, vwap: null, dividend_factor: 0.5, generation: 3 });
  });

  it('refuses a price that is not a plain decimal rather than send a float', () => {
    expect(() => barValueJson({ ...BAR, close: '1e-9' })).toThrow("bar close '1e-9' is not a plain decimal");
  });
});

describe('barKeyJson', () => {
  it('is the primary key struct (symbol, timeframe, time)', () => {
    const { schema, payload } = JSON.parse(barKeyJson(BAR));
    expect(schema.fields.map((f: { field: string }) => f.field)).toEqual(['symbol', 'timeframe', 'time']);
    expect(payload).toEqual({ symbol: 'B000', timeframe: '1m', time: '2023-07-10T13:34:00.000000Z' });
  });
});
