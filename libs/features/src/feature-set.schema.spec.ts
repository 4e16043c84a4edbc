import { DEFAULT_FEATURE_SET } from './default-feature-set';
import { FeatureSetSchema, featureNames, IndicatorSpecSchema } from './feature-set.schema';

describe('feature set specs', () => {
  it('names the 20 values of default-v1 in order', () => {
    expect(DEFAULT_FEATURE_SET.name).toBe('default-v1');
    expect(featureNames(DEFAULT_FEATURE_SET)).toEqual([
      'sma_20', 'ema_12', 'ema_26', 'rsi_14', 'macd_12_26_9', 'macd_12_26_9_signal', 'macd_12_26_9_hist',
      'bb_20_2_middle', 'bb_20_2_upper', 'bb_20_2_lower', 'bb_20_2_pctb', 'bb_20_2_width', 'atr_14', 'vwap_session',
      'ret_1', 'logret_1', 'vol_20', 'zscore_20', 'volume_sma_20', 'volume_ratio_20',
    ]);
  });

  it('fills defaults: field close, Bollinger k 2, return period 1, VWAP regular session', () => {
    expect(IndicatorSpecSchema.parse({ kind: 'bollinger', name: 'bb', period: 20 })).toEqual({ kind: 'bollinger', name: 'bb', period: 20, stdDev: 2, field: 'close' });
    expect(IndicatorSpecSchema.parse({ kind: 'return', name: 'r' })).toEqual({ kind: 'return', name: 'r', period: 1, field: 'close' });
    expect(IndicatorSpecSchema.parse({ kind: 'vwap', name: 'v' })).toEqual({ kind: 'vwap', name: 'v', session: 'regular' });
  });

  it.each([
    ['an unknown kind', { kind: 'kama', name: 'k', period: 10 }],
    ['a zero period', { kind: 'sma', name: 's', period: 0 }],
    ['an unbounded period', { kind: 'sma', name: 's', period: 1_000_000 }],
    ['minPeriods above period', { kind: 'ema', name: 'e', period: 5, minPeriods: 6 }],
    ['an unknown field', { kind: 'sma', name: 's', period: 5, field: 'vwap' }],
    ['a name that is not snake_case', { kind: 'sma', name: 'SMA-20', period: 20 }],
    ['an unknown parameter', { kind: 'sma', name: 's', period: 5, lookahead: 2 }],
  ])('refuses %s', (_, spec) => {
    expect(IndicatorSpecSchema.safeParse(spec).success).toBe(false);
  });

  it('refuses a set in which two indicators write the same value', () => {
    const result = FeatureSetSchema.safeParse({ name: 'x', indicators: [{ kind: 'sma', name: 'bb_middle', period: 5 }, { kind: 'bollinger', name: 'bb', period: 5 }] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('bb_middle is produced twice');
  });
});
