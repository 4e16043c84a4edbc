import { ProviderDisagreementDetector } from './provider-disagreement.detector';
import { dbbDays, feed, testBar } from './test-bars.fixture';

const DBB = { symbol: 'DBB', timeframe: '1m' } as const;

describe('provider disagreement', () => {
  const bars = dbbDays('2024-05-03');
  const at = 150;

  it('reports one bar of a real day whose second provider closes 20 bps away, with both values', () => {
    const other = bars.map((b, i) => ({ ...b, provider: 'alpaca', close: i === at ? (Number(b.close) * 1.002).toFixed(8) : b.close }));
    const issues = feed(new ProviderDisagreementDetector(DBB), bars.flatMap((b, i) => [b, other[i]]));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ type: 'provider_disagreement', windowStartUs: bars[at].eventTime, evidence: { closes: { file: bars[at].close, alpaca: other[at].close } } });
    expect(issues[0].evidence.differenceBps).toBeCloseTo(20, 0);
  });

  it('accepts a difference within the tolerance', () => {
    const a = testBar('2024-05-03T14:00Z', '20.00000000');
    expect(feed(new ProviderDisagreementDetector(DBB), [a, { ...a, provider: 'alpaca', close: '20.01000000' }])).toEqual([]);
  });

  it('reports a bar time once, whatever a third provider says', () => {
    const a = testBar('2024-05-03T14:00Z', '20.00000000');
    const issues = feed(new ProviderDisagreementDetector(DBB), [a, { ...a, provider: 'alpaca', close: '20.50000000' }, { ...a, provider: 'polygon', close: '21.00000000' }]);
    expect(issues).toHaveLength(1);
  });

  it('keeps each provider latest revision', () => {
    const a = testBar('2024-05-03T14:00Z', '20.00000000');
    const b = { ...a, provider: 'alpaca', revision: 2 };
    expect(feed(new ProviderDisagreementDetector(DBB), [a, b, { ...b, close: '25.00000000', revision: 1 }])).toEqual([]);
  });

  it('remembers bar times only within its horizon', () => {
    const detector = new ProviderDisagreementDetector(DBB, { horizonBars: 50 });
    feed(detector, dbbDays('2024-04-29', '2024-05-03'));
    expect(detector.toJSON().times.length).toBeLessThanOrEqual(50);
  });
});
