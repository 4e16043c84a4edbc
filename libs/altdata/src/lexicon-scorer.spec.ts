import { labelAgreement } from './label-agreement';
import { lexiconScore, lexiconValence, normaliseValence } from './lexicon-scorer';

describe('lexicon scorer (AFINN-165 via the sentiment package)', () => {
  it('scores positive, negative and opinion-free text by sign, within (-1, 1)', () => {
    expect(lexiconScore('SELL EVERYTHING, BUY $TSLA, great news, love it')).toBeGreaterThan(0.5);
    expect(lexiconScore('fraud, terrible, lying to investors')).toBeLessThan(-0.5);
    expect(lexiconScore('$TSLA closes at 700')).toBe(0);
    expect(Math.abs(lexiconScore('good good good good good great great great awesome'))).toBeLessThan(1);
  });

  it('handles negation as AFINN-165 does ("not good" flips the valence of good)', () => {
    expect(lexiconValence('good')).toBe(3);
    expect(lexiconValence('not good')).toBe(-3);
  });

  it('normalises a valence sum with VADER\'s x / sqrt(x² + 15)', () => {
    expect(normaliseValence(1)).toBeCloseTo(0.25, 12);
    expect(normaliseValence(-7)).toBeCloseTo(-7 / 8, 12);
    expect(normaliseValence(0)).toBe(0);
  });
});

describe('agreement with human labels', () => {
  it('counts a neutral prediction as a miss and reports coverage and balanced accuracy apart', () => {
    const a = labelAgreement([
      { label: 'Positive', score: 0.5 }, { label: 'Positive', score: 0.1 }, { label: 'Positive', score: 0 }, { label: 'Positive', score: -0.2 },
      { label: 'Negative', score: -0.9 }, { label: 'Negative', score: 0.3 },
    ]);
    expect(a.confusion).toEqual({ Positive: { positive: 2, negative: 1, neutral: 1 }, Negative: { positive: 1, negative: 1, neutral: 0 } });
    expect(a.accuracy).toBeCloseTo(3 / 6, 12);
    expect(a.balancedAccuracy).toBeCloseTo((2 / 4 + 1 / 2) / 2, 12);
    expect(a.coverage).toBeCloseTo(5 / 6, 12);
    expect(a.accuracyWhenDecided).toBeCloseTo(3 / 5, 12);
  });
});
