import type { RawBar } from '@md/contracts';
import { barViolations } from './validate-bar';

const bar = (over: Partial<RawBar> = {}): RawBar => ({
  symbol: 'DBB', timeframe: '1m', provider: 'file', eventTime: 1_688_995_800_000_000, ingestTime: 1_688_995_800_000_000,
  open: '17.90000000', high: '17.91000000', low: '17.90000000', close: '17.91000000', volume: 3057,
  tradeCount: null, vwap: null, revision: 0, ...over,
});

describe('bar validation', () => {
  it('accepts the first real DBB bar', () => {
    expect(barViolations(bar())).toEqual([]);
  });

  it('rejects a bar whose high is below its low', () => {
    expect(barViolations(bar({ high: '17.80000000' }))).toContain('high 17.80000000 is below low 17.90000000');
  });

  it('rejects an open or close outside the high-low range', () => {
    expect(barViolations(bar({ close: '18.00000000' }))).toContain('close 18.00000000 is above high 17.91000000');
    expect(barViolations(bar({ open: '17.00000000' }))).toContain('open 17.00000000 is below low 17.90000000');
  });

  it('rejects a negative or fractional volume', () => {
    expect(barViolations(bar({ volume: -5 }))).toEqual(['volume -5 is not a whole number >= 0']);
    expect(barViolations(bar({ volume: 1.5 }))).toEqual(['volume 1.5 is not a whole number >= 0']);
  });

  it('rejects zero and negative prices', () => {
    const problems = barViolations(bar({ low: '0.00000000', open: '0.00000000' }));
    expect(problems).toEqual(expect.arrayContaining(['low 0.00000000 is not positive', 'open 0.00000000 is not positive']));
  });
});

describe('bar validation beyond 2^53 scaled', () => {
  it('compares exactly on the bigint path', () => {
    const big = bar({ open: '123456789012.12345678', high: '123456789012.12345679', low: '123456789012.12345677', close: '123456789012.12345680' });
    expect(barViolations(big)).toEqual(['close 123456789012.12345680 is above high 123456789012.12345679']);
  });
});
