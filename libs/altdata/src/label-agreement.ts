// Agreement of a scorer with human labels (positive/negative), for the README and a floor test.
// A score of exactly 0 is "no opinion": counted as a miss in accuracy (an honest figure for a
// classifier that must say something) and reported apart as coverage.

export type SentimentLabel = 'Positive' | 'Negative';
export type Predicted = 'positive' | 'negative' | 'neutral';

export interface LabelAgreement {
  documents: number;
  /** confusion[label][predicted] */
  confusion: Record<SentimentLabel, Record<Predicted, number>>;
  /** Correct / all documents (neutral predictions count as wrong). */
  accuracy: number;
  /** Mean of the per-label recalls: not flattered by the 2:1 positive majority. */
  balancedAccuracy: number;
  /** Share of documents given a non-zero score. */
  coverage: number;
  /** Correct / documents given a non-zero score. */
  accuracyWhenDecided: number;
}

export function predictedLabel(score: number): Predicted {
  return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
}

export function labelAgreement(pairs: ReadonlyArray<{ label: SentimentLabel; score: number }>): LabelAgreement {
  const confusion: LabelAgreement['confusion'] = {
    Positive: { positive: 0, negative: 0, neutral: 0 },
    Negative: { positive: 0, negative: 0, neutral: 0 },
  };
  for (const { label, score } of pairs) confusion[label][predictedLabel(score)]++;
  const total = (l: SentimentLabel) => confusion[l].positive + confusion[l].negative + confusion[l].neutral;
  const correct = confusion.Positive.positive + confusion.Negative.negative;
  const decided = pairs.length - confusion.Positive.neutral - confusion.Negative.neutral;
  const recall = (l: SentimentLabel, p: Predicted) => (total(l) ? confusion[l][p] / total(l) : 0);
  return {
    documents: pairs.length,
    confusion,
    accuracy: pairs.length ? correct / pairs.length : 0,
    balancedAccuracy: (recall('Positive', 'positive') + recall('Negative', 'negative')) / 2,
    coverage: pairs.length ? decided / pairs.length : 0,
    accuracyWhenDecided: decided ? correct / decided : 0,
  };
}
