import fc from 'fast-check';
import {
  DEFAULT_TRADE_PROFILE_CONFIG as C, activityFactor, emptyRunLogProbability, emptyTradeProfile, learnDay, tradeProbability, type TradeProfileState,
} from './trade-profile';

const BUCKETS = 26;
const day = fc.array(fc.integer({ min: 0, max: 15 }), { minLength: BUCKETS, maxLength: BUCKETS });
const fifteen = new Array(BUCKETS).fill(15);
const learnAll = (days: number[][]): TradeProfileState => days.reduce((p, d) => learnDay(p, d, fifteen, C), emptyTradeProfile());

describe('trade profile', () => {
  it('gives a new symbol the prior probability in every bucket', () => {
    expect(tradeProbability(emptyTradeProfile(), 7, C)).toBe(C.priorProbability);
  });

  it('keeps every probability strictly between 0 and 1, so an empty run always has a finite log probability', () => {
    fc.assert(fc.property(fc.array(day, { maxLength: 60 }), fc.nat(BUCKETS - 1), (days, b) => {
      const p = tradeProbability(learnAll(days), b, C);
      return p > 0 && p < 1 && Number.isFinite(emptyRunLogProbability(learnAll(days), [b], 1, C));
    }));
  });

  it('converges to the symbol own frequency, shrunk by the prior: 3 of 15 minutes every day tends to (7.5 + 60) / (15 + 300)', () => {
    const profile = learnAll(new Array(400).fill(new Array(BUCKETS).fill(3)));
    // Decayed sums tend to 3 x 20 traded of 15 x 20 slots; the prior (15 slots at 0.5) stays.
    expect(tradeProbability(profile, 0, C)).toBeCloseTo((0.5 * 15 + 60) / (15 + 300), 6);
  });

  it('keeps a bounded state: one pair of numbers per bucket however many days it learned', () => {
    fc.assert(fc.property(fc.array(day, { minLength: 1, maxLength: 80 }), (days) => {
      const p = learnAll(days);
      return p.traded.length === BUCKETS && p.slots.every((s) => s < 15 * C.lookbackDays + 1e-9);
    }));
  });

  it('makes a longer empty run, or a busier day, never more probable', () => {
    fc.assert(fc.property(fc.array(day, { maxLength: 30 }), fc.array(fc.nat(BUCKETS - 1), { maxLength: 60 }), fc.nat(BUCKETS - 1),
      fc.double({ min: 0.1, max: 10, noNaN: true }), fc.double({ min: 0, max: 5, noNaN: true }), (days, run, extra, activity, more) => {
        const p = learnAll(days);
        const logP = emptyRunLogProbability(p, run, activity, C);
        return emptyRunLogProbability(p, [...run, extra], activity, C) <= logP && emptyRunLogProbability(p, run, activity + more, C) <= logP;
      }));
  });

  it('reads today as busy or quiet from what was seen so far, and as usual before anything is seen', () => {
    expect(activityFactor(0, 0, C)).toBe(1);
    expect(activityFactor(100, 20, C)).toBeGreaterThan(3);
    expect(activityFactor(2, 20, C)).toBeLessThan(0.5);
  });

  it('is deterministic and forgets: the same days give the same profile, and recent days weigh more', () => {
    const quiet = new Array(BUCKETS).fill(1);
    const busy = new Array(BUCKETS).fill(14);
    expect(learnAll([quiet, busy])).toEqual(learnAll([quiet, busy]));
    expect(tradeProbability(learnAll([quiet, busy]), 0, C)).toBeGreaterThan(tradeProbability(learnAll([busy, quiet]), 0, C));
  });
});
