import { backfillArgs } from './backfill.command';

describe('backfillArgs', () => {
  it("passes checked values on to feed-gateway's backfill job", () => {
    expect(backfillArgs({ provider: 'alpaca', symbols: 'dbb, spy', from: '2023-07-10', to: '2025-07-09', feed: 'iex', allDays: true })).toEqual([
      '--provider', 'alpaca', '--symbols', 'DBB,SPY', '--from', '2023-07-10', '--to', '2025-07-09', '--feed', 'iex', '--all-days',
    ]);
  });

  it('refuses a symbol pattern, a bad day and an inverted range before anything runs', () => {
    const base = { provider: 'alpaca', symbols: 'DBB', from: '2024-01-02', to: '2024-02-01' };
    expect(() => backfillArgs({ ...base, symbols: 'SP*' })).toThrow('--symbols: "SP*" is not a ticker symbol');
    expect(() => backfillArgs({ ...base, from: '2024-02-30' })).toThrow('--from "2024-02-30" is not a time');
    expect(() => backfillArgs({ ...base, to: '2024-01-02' })).toThrow('--to 2024-01-02 is not after --from 2024-01-02');
  });
});
