import { ConfigError } from '@md/contracts';
import { parseIntrinsicBarSpec } from './intrinsic-bar-spec.schema';

describe('intrinsic bar spec', () => {
  it('fills the documented defaults of an imbalance spec from initialExpectedTicks', () => {
    expect(parseIntrinsicBarSpec({ kind: 'tick_imbalance', initialExpectedTicks: 1000 })).toEqual({
      kind: 'tick_imbalance',
      initialExpectedTicks: 1000,
      expectedTicksSpan: 10,
      expectedImbalanceSpan: 10_000,
      minExpectedTicks: 250,
      maxExpectedTicks: 4000,
      minThresholdMultiple: 0.5,
      maxThresholdMultiple: 2,
      maxBarTicks: 40_000,
      initialSign: 1,
    });
  });

  it('keeps a fixed-threshold spec as written', () => {
    expect(parseIntrinsicBarSpec({ kind: 'dollar', threshold: 1e8 })).toEqual({ kind: 'dollar', threshold: 1e8 });
  });

  it('names an unknown kind and lists the known ones', () => {
    expect(() => parseIntrinsicBarSpec({ kind: 'time', threshold: 60 })).toThrow(
      new ConfigError('intrinsic bar spec: kind "time" is not one of tick, volume, dollar, tick_imbalance, volume_imbalance, dollar_imbalance, tick_run, volume_run, dollar_run'),
    );
  });

  it('refuses a misspelt field instead of ignoring it', () => {
    expect(() => parseIntrinsicBarSpec({ kind: 'volume', threshold: 1000, treshold: 5 })).toThrow(/intrinsic bar spec \(volume\): spec Unrecognized key\(s\) in object: 'treshold'/);
  });

  it('refuses a fractional tick threshold and a non-positive dollar threshold', () => {
    expect(() => parseIntrinsicBarSpec({ kind: 'tick', threshold: 10.5 })).toThrow(/threshold Expected integer/);
    expect(() => parseIntrinsicBarSpec({ kind: 'dollar', threshold: 0 })).toThrow(/threshold Number must be greater than 0/);
  });

  it('refuses bounds that exclude the initial expectation', () => {
    expect(() => parseIntrinsicBarSpec({ kind: 'volume_run', initialExpectedTicks: 50, minExpectedTicks: 60 })).toThrow(
      /initialExpectedTicks must satisfy minExpectedTicks <= initialExpectedTicks <= maxExpectedTicks/,
    );
    expect(() => parseIntrinsicBarSpec({ kind: 'tick_run', initialExpectedTicks: 50, maxExpectedTicks: 100, maxBarTicks: 99 })).toThrow(/maxBarTicks must be at least maxExpectedTicks/);
    expect(() => parseIntrinsicBarSpec({ kind: 'tick_run', initialExpectedTicks: 50, minThresholdMultiple: 2 })).toThrow(/minThresholdMultiple/);
  });
});
