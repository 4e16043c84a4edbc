import type { RawBar } from '@md/contracts';
import { RecentBarVersions } from './recent-bar-versions';

const bar = (minute: number, close: string, revision = 0): RawBar => ({
  symbol: 'DBB', timeframe: '1m', provider: 'alpaca', eventTime: Date.UTC(2024, 2, 4, 14, 30 + minute) * 1000, ingestTime: 1,
  open: '17.90000000', high: '18.00000000', low: '17.80000000', close, volume: 100, tradeCount: 3, vwap: null, revision,
});

describe('recent bar versions', () => {
  it('hands back the version a bar of the same key replaces', () => {
    const versions = new RecentBarVersions(10);
    expect(versions.replace(bar(0, '17.91000000'))).toBeUndefined();
    expect(versions.replace({ ...bar(0, '17.95000000', 7), provider: 'alpaca-rest' })).toMatchObject({ close: '17.91000000', revision: 0, provider: 'alpaca' });
    expect(versions.replace(bar(0, '17.96000000', 8))).toMatchObject({ close: '17.95000000', revision: 7, provider: 'alpaca-rest' });
  });

  it('forgets the oldest past its bound', () => {
    const versions = new RecentBarVersions(2);
    for (let m = 0; m < 3; m++) versions.replace(bar(m, '17.91000000'));
    expect(versions.size).toBe(2);
    expect(versions.replace(bar(0, '17.99000000', 1))).toBeUndefined();
    expect(versions.replace(bar(2, '17.99000000', 1))).toMatchObject({ close: '17.91000000' });
  });
});
