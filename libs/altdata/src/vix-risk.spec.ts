import type { VixRegimeRecord } from '@md/contracts';
import { riskFromVixRegime } from './vix-risk';

const regime = (r: VixRegimeRecord['regime'], previous: VixRegimeRecord['regime'] | null, changed: boolean): VixRegimeRecord => ({
  symbol: 'VIX', provider: 'cboe', eventTime: 100, ingestTime: 101, value: 31.2, regime: r, previousRegime: previous, changed, availableTime: 100,
});

describe('risk events from VIX regimes', () => {
  it('raises one for a change only, its severity by the regime entered', () => {
    expect(riskFromVixRegime(regime('HIGH', 'ELEVATED', true))).toEqual({
      type: 'vix_regime_change', severity: 'WARNING', symbol: 'VIX', accountAlias: null, detectedAt: 100, availableTime: 100,
      metrics: JSON.stringify({ value: 31.2, regime: 'HIGH', previousRegime: 'ELEVATED' }),
    });
    expect(riskFromVixRegime(regime('CRISIS', 'HIGH', true))?.severity).toBe('CRITICAL');
    expect(riskFromVixRegime(regime('NORMAL', 'HIGH', true))?.severity).toBe('INFO');
    expect(riskFromVixRegime(regime('HIGH', 'HIGH', false))).toBeNull();
  });
});
