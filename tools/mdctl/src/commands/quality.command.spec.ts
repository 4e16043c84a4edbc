import { qualityReportUrl } from './quality.command';

describe('qualityReportUrl', () => {
  it("asks the writer for the window in UTC, the format's API name and the symbols", () => {
    const url = new URL(qualityReportUrl('http://127.0.0.1:3105', { from: '2024-04-01', to: '2024-05-01T00:00:00-04:00', format: 'md', symbols: 'dbb,spy' }));
    expect(url.pathname).toBe('/v1/quality/report');
    expect(Object.fromEntries(url.searchParams)).toEqual({ from: '2024-04-01T00:00:00.000Z', to: '2024-05-01T04:00:00.000Z', format: 'markdown', symbols: 'DBB,SPY' });
  });

  it('refuses an unparseable time before any request', () => {
    expect(() => qualityReportUrl('http://x', { from: 'last week', to: '2024-05-01', format: 'json' })).toThrow('--from "last week" is not a time');
  });
});
