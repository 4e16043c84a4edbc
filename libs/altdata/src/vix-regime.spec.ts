import type { VixRegimeLevel } from '@md/contracts';
import { DEFAULT_VIX_POLICY, INITIAL_VIX_STATE, proposedVixRegime, rawVixRegime, stepVixRegime, validateVixPolicy, type VixRegimePolicy, type VixRegimeState } from './vix-regime';

const DAY_US = 86_400_000_000;

/** Runs values (one a day) through the classifier; returns the regime after each and the final state. */
function run(values: number[], policy: VixRegimePolicy = DEFAULT_VIX_POLICY, start: VixRegimeState = INITIAL_VIX_STATE) {
  let state = start;
  const regimes: VixRegimeLevel[] = [];
  let changes = 0;
  values.forEach((v, i) => {
    const step = stepVixRegime(state, v, (i + 1) * DAY_US, policy);
    state = step.state;
    regimes.push(step.regime);
    if (step.changed) changes++;
  });
  return { regimes, changes, state };
}

const NO_HYSTERESIS: VixRegimePolicy = { ...DEFAULT_VIX_POLICY, bandPoints: 0, confirmations: 1 };

describe('raw VIX level', () => {
  it('puts each boundary value in the level above it (lower bound inclusive)', () => {
    expect([11.99, 12, 14.99, 15, 19.99, 20, 24.99, 25, 29.99, 30, 39.99, 40, 82.69].map((v) => rawVixRegime(v))).toEqual([
      'COMPLACENT', 'LOW', 'LOW', 'NORMAL', 'NORMAL', 'ELEVATED', 'ELEVATED', 'HIGH', 'HIGH', 'EXTREME', 'EXTREME', 'CRISIS', 'CRISIS',
    ]);
  });
});

describe('VIX regime hysteresis', () => {
  // A value oscillating around 20 by less than the band.
  const flapping = [19.5, 20.2, 19.8, 20.3, 19.7, 20.4, 19.9, 20.1, 19.6, 20.3];

  it('flaps on a boundary without hysteresis (the case the band exists for)', () => {
    expect(run(flapping, NO_HYSTERESIS).changes).toBe(9);
  });

  it('holds the regime while the value stays inside the 0.5-point band around 20', () => {
    const { regimes, changes } = run(flapping);
    expect(changes).toBe(0);
    expect(new Set(regimes)).toEqual(new Set(['NORMAL']));
  });

  it('moves up once the value clears boundary + band, and down only below boundary - band', () => {
    const { regimes } = run([19, 20.49, 20.5, 19.6, 19.51, 19.49]);
    expect(regimes).toEqual(['NORMAL', 'NORMAL', 'ELEVATED', 'ELEVATED', 'ELEVATED', 'NORMAL']);
  });

  it('lands on the furthest boundary cleared by the band when a jump crosses several', () => {
    // 30.2 is raw EXTREME but within the band of 30: from NORMAL it reaches HIGH, not EXTREME.
    expect(run([17, 30.2]).regimes).toEqual(['NORMAL', 'HIGH']);
    expect(run([17, 30.5]).regimes).toEqual(['NORMAL', 'EXTREME']);
    expect(run([45, 14.6]).regimes).toEqual(['CRISIS', 'NORMAL']);
    expect(run([45, 14.4]).regimes).toEqual(['CRISIS', 'LOW']);
  });

  it('uses the wider of the point band and the fractional band', () => {
    const policy = { ...DEFAULT_VIX_POLICY, bandPoints: 0.5, bandFraction: 0.05 }; // 5% of 40 = 2 points
    expect(proposedVixRegime(41.9, 'EXTREME', policy)).toBe('EXTREME');
    expect(proposedVixRegime(42, 'EXTREME', policy)).toBe('CRISIS');
    expect(proposedVixRegime(11.5, 'LOW', policy)).toBe('LOW'); // 5% of 12 = 0.6 > 0.5
    expect(proposedVixRegime(11.39, 'LOW', policy)).toBe('COMPLACENT');
  });

  it('waits for N consecutive observations out of the regime when confirmations > 1', () => {
    const policy = { ...DEFAULT_VIX_POLICY, confirmations: 3 };
    // One spike, then back: no change. Three days above 20.5: change on the third.
    expect(run([18, 21, 18, 21, 21, 21, 21], policy).regimes).toEqual(['NORMAL', 'NORMAL', 'NORMAL', 'NORMAL', 'NORMAL', 'ELEVATED', 'ELEVATED']);
    // Pointing up then down restarts the count.
    expect(run([18, 21, 21, 14, 21], policy).regimes).toEqual(['NORMAL', 'NORMAL', 'NORMAL', 'NORMAL', 'NORMAL']);
  });

  it('takes the raw level first, reports the previous regime and whether it changed', () => {
    let step = stepVixRegime(INITIAL_VIX_STATE, 28.03, DAY_US);
    expect(step).toMatchObject({ regime: 'HIGH', previousRegime: null, changed: false, accepted: true });
    step = stepVixRegime(step.state, 40.74, 2 * DAY_US);
    expect(step).toMatchObject({ regime: 'CRISIS', previousRegime: 'HIGH', changed: true });
    step = stepVixRegime(step.state, 40.1, 3 * DAY_US);
    expect(step).toMatchObject({ regime: 'CRISIS', previousRegime: 'CRISIS', changed: false });
  });

  it('ignores an observation at or before the last one taken (a re-polled history), leaving the state as it was', () => {
    const first = stepVixRegime(INITIAL_VIX_STATE, 13, 2 * DAY_US);
    const again = stepVixRegime(first.state, 45, 2 * DAY_US);
    expect(again.accepted).toBe(false);
    expect(again.state).toBe(first.state);
    expect(stepVixRegime(first.state, 45, DAY_US).accepted).toBe(false);
  });

  it('continues identically from a state that went through JSON (a checkpoint)', () => {
    const values = [12.56, 15.25, 19.14, 28.03, 40.74, 36.02, 30.32, 26.1, 24.9, 24.37];
    const whole = run(values, { ...DEFAULT_VIX_POLICY, confirmations: 2 });
    const head = run(values.slice(0, 5), { ...DEFAULT_VIX_POLICY, confirmations: 2 });
    let state = JSON.parse(JSON.stringify(head.state)) as VixRegimeState;
    const tail: VixRegimeLevel[] = [];
    values.slice(5).forEach((v, i) => {
      const step = stepVixRegime(state, v, (i + 6) * DAY_US, { ...DEFAULT_VIX_POLICY, confirmations: 2 });
      state = step.state;
      tail.push(step.regime);
    });
    expect([...head.regimes, ...tail]).toEqual(whole.regimes);
  });

  it('refuses values and policies it cannot classify', () => {
    expect(() => stepVixRegime(INITIAL_VIX_STATE, Number.NaN, DAY_US)).toThrow(/finite/);
    expect(() => validateVixPolicy({ ...DEFAULT_VIX_POLICY, thresholds: [12, 15, 20] })).toThrow(/6 boundaries/);
    expect(() => validateVixPolicy({ ...DEFAULT_VIX_POLICY, thresholds: [12, 15, 15, 25, 30, 40] })).toThrow(/increase/);
    expect(() => validateVixPolicy({ ...DEFAULT_VIX_POLICY, confirmations: 0 })).toThrow(/confirmations/);
  });
});
