import { closes, outputs } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';
import { MacdIndicator } from './macd.indicator';

const spec = IndicatorSpecSchema.parse({ kind: 'macd', name: 'm', fast: 2, slow: 3, signal: 2 }) as SpecOf<'macd'>;

describe('MacdIndicator', () => {
  it('writes the line from bar slow - 1, the signal (EMA of the line seeded by its SMA) and the histogram', () => {
    // fast EMA(2), alpha 2/3: 1.5 @1, 2.5 @2, 4 @3; slow EMA(3), alpha 1/2: 2 @2, 3.5 @3
    const out = outputs(new MacdIndicator(spec), closes([1, 2, 3, 5, 8]));
    const line = out.map((o) => o.m);
    expect(line.slice(0, 2)).toEqual([null, null]);
    expect(line[2]).toBeCloseTo(0.5, 12);
    expect(line[3]).toBeCloseTo(2.5 + (5 - 2.5) * (2 / 3) - 3.5, 12);
    expect(out.slice(0, 3).map((o) => [o.m_signal, o.m_hist])).toEqual([[null, null], [null, null], [null, null]]);
    expect(out[3].m_signal).toBeCloseTo((line[2]! + line[3]!) / 2, 12);
    expect(out[4].m_signal).toBeCloseTo(out[3].m_signal! + (line[4]! - out[3].m_signal!) * (2 / 3), 12);
    expect(out[4].m_hist).toBeCloseTo(line[4]! - out[4].m_signal!, 12);
  });

  it('refuses fast >= slow', () => {
    expect(IndicatorSpecSchema.safeParse({ kind: 'macd', name: 'm', fast: 26, slow: 12, signal: 9 }).success).toBe(false);
  });
});
