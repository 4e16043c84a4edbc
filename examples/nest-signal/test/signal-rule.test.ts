import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeatureVector } from '@md-platform/client';
import { signalOf, toSignalValue } from '../src/signal-rule';

const vector = (values: Record<string, number | null>): FeatureVector => ({
  symbol: 'DBB', timeframe: '1m', provider: 'file', featureSet: 'default-v1', values, generation: 0,
  eventTime: new Date('2023-07-10T13:31:00Z'), eventTimeMicros: Date.parse('2023-07-10T13:31:00Z') * 1000,
  ingestTime: new Date('2023-07-10T13:32:00Z'), ingestTimeMicros: Date.parse('2023-07-10T13:32:00Z') * 1000,
  availableTime: new Date('2023-07-10T13:32:00Z'),
});

test('a move of at least the threshold in standard deviations is long or short', () => {
  assert.deepEqual(signalOf(vector({ ret_1: 0.25, vol_20: 0.125 }), 1), {
    symbol: 'DBB', timeframe: '1m', eventTime: '2023-07-10T13:31:00.000Z', featureSet: 'default-v1', score: 2, direction: 'long', threshold: 1,
  });
  assert.equal(signalOf(vector({ ret_1: -0.125, vol_20: 0.125 }), 1)?.direction, 'short');
  assert.equal(signalOf(vector({ ret_1: 0.0625, vol_20: 0.125 }), 1)?.direction, 'flat');
  assert.equal(signalOf(vector({ ret_1: 0.25, vol_20: 0.125 }), 3)?.direction, 'flat');
});

test('no signal while an input is warming up (null), missing, or the window is flat', () => {
  assert.equal(signalOf(vector({ ret_1: null, vol_20: 0.01 }), 1), null);
  assert.equal(signalOf(vector({ ret_1: 0.01, vol_20: null }), 1), null);
  assert.equal(signalOf(vector({ rsi_14: 55 }), 1), null);
  assert.equal(signalOf(vector({ ret_1: 0.01, vol_20: 0 }), 1), null);
});

test('a signal in the md.signals.v1 contract: upper-case direction, the score as strength, times from the vector', () => {
  const v = { ...vector({ ret_1: -0.25, vol_20: 0.125 }), availableTimeMicros: Date.parse('2023-07-10T13:32:00Z') * 1000 };
  assert.deepEqual(toSignalValue(signalOf(v, 1)!, v, 'example-zscore', '0.1.0'), {
    symbol: 'DBB', direction: 'SHORT', strength: -2, model: 'example-zscore', modelVersion: '0.1.0',
    featuresAsOf: Date.parse('2023-07-10T13:32:00Z') * 1000, signalTime: Date.parse('2023-07-10T13:31:00Z') * 1000, availableTime: Date.parse('2023-07-10T13:32:00Z') * 1000,
  });
});
