import { clamp, ewmaAlpha, ewmaStep } from './ewma';

describe('EWMA helpers', () => {
  it('uses the pandas span convention, alpha = 2 / (span + 1)', () => {
    expect(ewmaAlpha(1)).toBe(1);
    expect(ewmaAlpha(19)).toBeCloseTo(0.1, 15);
  });

  it('moves alpha of the way from the average to the new value', () => {
    expect(ewmaStep(100, 200, 0.25)).toBe(125);
    expect(ewmaStep(100, 0, 1)).toBe(0);
  });

  it('approaches a constant input geometrically', () => {
    let average = 0;
    for (let i = 0; i < 50; i++) average = ewmaStep(average, 10, ewmaAlpha(9));
    expect(10 - average).toBeCloseTo(10 * 0.8 ** 50, 12);
  });

  it('clamps into a closed range', () => {
    expect([clamp(-1, 0, 5), clamp(3, 0, 5), clamp(9, 0, 5), clamp(5, 0, 5)]).toEqual([0, 3, 5, 5]);
  });
});
