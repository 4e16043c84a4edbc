import { DEFAULT_SERIES_POLICY, EMPTY_MOMENTS, addMoment, seriesScore, type EwMoments } from './series-score';

const DAY_US = 86_400_000_000;
const FLAT = { halfLifeMs: Number.POSITIVE_INFINITY, minObservations: 3 }; // no decay: plain mean and variance

function fold(values: number[], policy = FLAT): EwMoments {
  return values.reduce((m, x, i) => addMoment(m, x, i * DAY_US, policy), EMPTY_MOMENTS);
}

describe('series standardisation', () => {
  it('matches the plain mean and population variance when nothing decays', () => {
    const m = fold([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(m.mean).toBeCloseTo(5, 9);
    expect(m.m2 / m.weight).toBeCloseTo(4, 9);
  });

  it('scores against the history before the observation: one sd above scores tanh(0.5)', () => {
    const m = fold([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(seriesScore(m, 7, 8 * DAY_US, FLAT)).toBeCloseTo(Math.tanh(0.5), 9);
    expect(seriesScore(m, 5, 8 * DAY_US, FLAT)).toBeCloseTo(0, 12);
  });

  it('gives no score while warming up, nor to a late observation (that would use later data)', () => {
    expect(seriesScore(fold([10, 12]), 30, 2 * DAY_US, FLAT)).toBeNull();
    expect(seriesScore(fold([10, 12, 11]), 30, DAY_US, FLAT)).toBeNull();
  });

  it('scores a constant series 0 for the same value and ±1 for any other', () => {
    const m = fold([5, 5, 5]);
    expect(seriesScore(m, 5, 3 * DAY_US, FLAT)).toBe(0);
    expect(seriesScore(m, 6, 3 * DAY_US, FLAT)).toBe(1);
  });

  it('forgets with the half-life: an old regime stops being the norm', () => {
    const policy = { ...DEFAULT_SERIES_POLICY, halfLifeMs: 2 * 86_400_000 };
    let m = EMPTY_MOMENTS;
    for (let d = 0; d < 30; d++) m = addMoment(m, d < 15 ? 100 + (d % 2) : 200 + (d % 2), d * DAY_US, policy);
    expect(m.mean).toBeGreaterThan(195);
  });
});
