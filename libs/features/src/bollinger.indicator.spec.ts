import { BollingerIndicator } from './bollinger.indicator';
import { closes } from './feature-bars.fixture';
import { IndicatorSpecSchema, type SpecOf } from './feature-set.schema';

const spec = IndicatorSpecSchema.parse({ kind: 'bollinger', name: 'bb', period: 4, stdDev: 2 }) as SpecOf<'bollinger'>;

function last(values: number[]): Record<string, number | null> {
  const bb = new BollingerIndicator(spec);
  const out: Record<string, number | null> = {};
  for (const bar of closes(values)) bb.update(bar, out);
  return out;
}

describe('BollingerIndicator', () => {
  it('puts the bands at the SMA plus and minus k population standard deviations', () => {
    // 2, 4, 4, 6: mean 4, population variance 2
    const out = last([2, 4, 4, 6]);
    expect(out.bb_middle).toBe(4);
    expect(out.bb_upper).toBeCloseTo(4 + 2 * Math.SQRT2, 12);
    expect(out.bb_lower).toBeCloseTo(4 - 2 * Math.SQRT2, 12);
    expect(out.bb_pctb).toBeCloseTo((6 - out.bb_lower!) / (4 * Math.SQRT2), 12);
    expect(out.bb_width).toBeCloseTo((4 * Math.SQRT2) / 4, 12);
  });

  it('is null while warming up and gives no %b on a flat window (zero band width)', () => {
    expect(last([2, 4, 4])).toEqual({ bb_middle: null, bb_upper: null, bb_lower: null, bb_pctb: null, bb_width: null });
    expect(last([1, 5, 5, 5, 5])).toEqual({ bb_middle: 5, bb_upper: 5, bb_lower: 5, bb_pctb: null, bb_width: 0 });
  });
});
