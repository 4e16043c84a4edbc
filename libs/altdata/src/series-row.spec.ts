import { seriesObservation } from './series-row';

describe('alternative-data series rows', () => {
  it('maps a row with an offset time; provider and id optional', () => {
    expect(seriesObservation({ symbol: 'tsla', time: '2022-05-16T00:00:00Z', value: '88', signal: 'web_traffic' }, { provider: 'file:activity.csv' })).toEqual({
      symbol: 'TSLA', signal: 'web_traffic', provider: 'file:activity.csv', eventTime: Date.parse('2022-05-16T00:00:00Z') * 1000, value: 88, id: null,
    });
  });

  it('reads a date in the declared zone and takes the source signal when the row has none', () => {
    const o = seriesObservation({ symbol: 'WMT', time: '2022-05-16', value: 12.5, provider: 'vendor', id: 'r1' }, { provider: 'http', zone: 'America/New_York', signal: 'card_spending' });
    expect(o).toMatchObject({ signal: 'card_spending', provider: 'vendor', id: 'r1', eventTime: Date.parse('2022-05-16T04:00:00Z') * 1000 });
  });

  it('rejects each malformed field with a reason', () => {
    const ok = { symbol: 'AAPL', time: '2022-05-16T00:00:00Z', value: '1', signal: 'satellite' };
    const reason = (row: Record<string, unknown>) => {
      try {
        seriesObservation(row, { provider: 'p' });
        return 'accepted';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(reason({ ...ok, symbol: '12' })).toBe('symbol "12" is not a ticker');
    expect(reason({ ...ok, signal: 'rumours' })).toMatch(/^signal "rumours" must be one of web_traffic/);
    expect(reason({ ...ok, time: '2022-05-16' })).toMatch(/has no zone and none was declared/);
    expect(reason({ ...ok, value: 'n/a' })).toBe('value "n/a" is not a finite number');
    expect(reason({ ...ok, value: '' })).toBe('value "" is not a finite number');
  });
});
