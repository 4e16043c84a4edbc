import { ConfigError } from '@md/contracts';
import { DEFAULT_FEATURE_SET } from './default-feature-set';
import { DEFAULT_FEATURE_CONFIG, featureSetFor, parseFeatureConfig } from './feature-config';

const set = (name: string) => ({ name, indicators: [{ kind: 'sma', name: 'sma_5', period: 5 }] });

describe('feature configuration', () => {
  const config = parseFeatureConfig({
    sets: [DEFAULT_FEATURE_SET, set('dbb-1m'), set('dbb'), set('daily')],
    default: 'default-v1',
    overrides: [
      { symbol: 'DBB', timeframe: '1m', set: 'dbb-1m' },
      { symbol: 'DBB', set: 'dbb' },
      { timeframe: '1d', set: 'daily' },
    ],
  });

  it('picks the most specific override: symbol and timeframe, then symbol, then timeframe, then the default', () => {
    expect(featureSetFor(config, 'DBB', '1m').name).toBe('dbb-1m');
    expect(featureSetFor(config, 'DBB', '1d').name).toBe('dbb');
    expect(featureSetFor(config, 'SPY', '1d').name).toBe('daily');
    expect(featureSetFor(config, 'SPY', '5m').name).toBe('default-v1');
    expect(featureSetFor(DEFAULT_FEATURE_CONFIG, 'SPY', '5m')).toBe(DEFAULT_FEATURE_SET);
  });

  it.each([
    ['an unknown default', { sets: [set('a')], default: 'b' }, /default: default set b is not in sets/],
    ['an override of an unknown set', { sets: [set('a')], default: 'a', overrides: [{ symbol: 'X', set: 'b' }] }, /overrides.0.set/],
    ['an override naming no stream', { sets: [set('a')], default: 'a', overrides: [{ set: 'a' }] }, /name a symbol, a timeframe or both/],
    ['two overrides for one stream', { sets: [set('a')], default: 'a', overrides: [{ symbol: 'X', set: 'a' }, { symbol: 'X', set: 'a' }] }, /a second override for X/],
    ['a set defined twice', { sets: [set('a'), set('a')], default: 'a' }, /set a is defined twice/],
  ])('refuses %s with a ConfigError naming it', (_, input, message) => {
    expect(() => parseFeatureConfig(input)).toThrow(ConfigError);
    expect(() => parseFeatureConfig(input)).toThrow(message);
  });
});
