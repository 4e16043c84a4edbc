import { closes, run } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';
import { logReturn, ReturnIndicator, simpleReturn } from './returns.indicator';

const spec = (kind: 'return' | 'log_return', period = 1) => IndicatorSpecSchema.parse({ kind, name: 'r', period }) as SpecOf<'return'>;

describe('returns', () => {
  it('gives simple and log returns over `period` bars, null for the first period bars', () => {
    expect(run(new ReturnIndicator(spec('return')), closes([10, 11, 9.9]), 'r')).toEqual([null, simpleReturn(11, 10), simpleReturn(9.9, 11)]);
    expect(run(new ReturnIndicator(spec('return', 2)), closes([10, 11, 12]), 'r')).toEqual([null, null, 0.2]);
    const logs = run(new ReturnIndicator(spec('log_return')), closes([10, 11]), 'r');
    expect(logs[1]).toBeCloseTo(Math.log(1.1), 15);
  });

  it('keeps the precision of a tiny move (a difference first, then log1p)', () => {
    const tiny = 2 ** -40;
    expect(simpleReturn(1 + tiny, 1)).toBe(tiny);
    expect(Math.abs(logReturn(1 + tiny, 1)! - (tiny - tiny ** 2 / 2)) / tiny).toBeLessThan(1e-15);
  });

  it('is null, never Infinity or NaN, from a zero or negative price', () => {
    expect([simpleReturn(5, 0), logReturn(5, 0), logReturn(-1, 5), logReturn(0, 5)]).toEqual([null, null, null, null]);
  });
});
