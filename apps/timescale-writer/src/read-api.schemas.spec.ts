import { BadQuery, parseQuery } from '@md/observability';
import { barsQuery, chainQuery, instant, qualityReportQuery } from './read-api.schemas';
import { riskEventsQuery } from './trading-api.schemas';

// Each case was a 500 in the read API fuzz test (test/read-api-fuzz.integration.spec.ts, issue
// 18): the schema let the value through and PostgreSQL or Date refused it further on. Now the
// schema refuses it with a 400 that names the parameter.
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    if (err instanceof BadQuery) return err.message;
    throw err;
  }
  throw new Error('accepted');
};

const bars = (extra: Record<string, string>) => ({ symbol: 'DBB', from: '2024-05-01T13:30:00Z', to: '2024-05-01T20:00:00Z', limit: '5', ...extra });

describe('read API instants', () => {
  it('refuses year 0, which PostgreSQL has not (date/time field value out of range)', () => {
    expect(refusal(() => parseQuery(barsQuery(1000), bars({ from: '0000-01-01T00:00:00Z' })))).toBe('query parameter from: must be from 1900-01-01T00:00:00Z to 9999-01-01T00:00:00Z');
    // In range as written, before it once its offset is applied.
    expect(refusal(() => parseQuery(instant, '1900-01-01T00:00:00+00:01'))).toMatch(/^query parameter \(query\): must be from 1900/);
  });

  it('refuses a zone offset Date cannot read (+99:99 was an Invalid Date, RangeError on toISOString)', () => {
    for (const asOf of ['2024-07-01T13:30:00+99:99', '2024-07-01T13:30:00+24:00']) {
      expect(refusal(() => parseQuery(barsQuery(1000), bars({ asOf })))).toBe('query parameter asOf: must be ISO-8601 with a zone, e.g. 2024-07-01T13:30:00Z, its offset at most ±23:59');
    }
    expect(parseQuery(instant, '2024-07-01T13:30:00+14:00')).toEqual(new Date('2024-06-30T23:30:00Z'));
  });

  it('refuses an end past 9999-01-01, which the readers reached beyond year 9999 (PostgreSQL refuses +010000-…)', () => {
    expect(refusal(() => parseQuery(qualityReportQuery, { from: '2024-05-01T00:00:00Z', to: '9999-12-31T23:59:59.999Z' }))).toMatch(/^query parameter to: must be from 1900/);
    expect(refusal(() => parseQuery(riskEventsQuery(1000), { from: '2024-05-01T00:00:00Z', to: '9999-01-01T00:00:00.001Z', limit: '1' }))).toMatch(/^query parameter to: must be from/);
    expect(parseQuery(barsQuery(1000), bars({ from: '1900-01-01T00:00:00Z', to: '9999-01-01T00:00:00Z' }))).toMatchObject({ from: new Date('1900-01-01T00:00:00Z'), to: new Date('9999-01-01T00:00:00Z') });
  });
});

describe('option chain expiry', () => {
  it('refuses a date that is not in the calendar (2024-13-45 reached PostgreSQL\'s date parser)', () => {
    for (const expiry of ['2024-13-45', '2024-02-30', '2023-02-29', '2024-00-10', '0000-01-01', '9999-99-99']) {
      expect(refusal(() => parseQuery(chainQuery(1000), { underlying: 'DBB', expiry }))).toMatch(/^query parameter expiry: must be (a date YYYY-MM-DD|from 1900-01-01 to 9999-01-01)$/);
    }
    expect(parseQuery(chainQuery(1000), { underlying: 'DBB', expiry: '2024-02-29' })).toMatchObject({ expiry: '2024-02-29' });
  });
});
