import { OhlcViolationDetector, ohlcViolation } from './ohlc-violation.detector';
import { feed, testBar } from './test-bars.fixture';

const DBB = { symbol: 'DBB', timeframe: '1m' } as const;

describe('OHLC violations', () => {
  const bad = testBar('2024-05-03T14:00Z', '20.00000000', { high: '19.50000000' });

  it('reports a bar whose high is below its low and close, with every problem', () => {
    expect(ohlcViolation(DBB, bad)).toMatchObject({
      type: 'ohlc_violation', severity: 'critical', windowStartUs: bad.eventTime, windowEndUs: bad.eventTime + 60_000_000,
      evidence: { problems: ['high 19.50000000 is below low 20.00000000', 'open 20.00000000 is above high 19.50000000', 'close 20.00000000 is above high 19.50000000'] },
    });
  });

  it('passes a valid bar', () => {
    expect(ohlcViolation(DBB, testBar('2024-05-03T14:00Z'))).toBeNull();
  });

  it('reports a price that is not a decimal instead of throwing', () => {
    expect(ohlcViolation(DBB, { ...bad, low: 'n/a' })?.evidence.problems).toEqual(['not a decimal number: "n/a"']);
  });

  it('reports a bar once, even when fed again', () => {
    const detector = new OhlcViolationDetector(DBB);
    expect(feed(detector, [bad, bad])).toHaveLength(1);
    expect(feed(OhlcViolationDetector.fromJSON(DBB, JSON.parse(JSON.stringify(detector))), [bad])).toEqual([]);
  });
});
