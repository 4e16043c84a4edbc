import { InvalidRecordError } from '@md/contracts';
import { assertFeatureBar, finiteOrNull } from './feature-bar';
import { minuteBar } from './feature-bars.fixture';

describe('feature bars', () => {
  it('refuses a bar with a non-finite price, a negative volume or a fractional time', () => {
    expect(() => assertFeatureBar(minuteBar(0, 10))).not.toThrow();
    expect(() => assertFeatureBar(minuteBar(0, 10, { high: Number.NaN }))).toThrow(InvalidRecordError);
    expect(() => assertFeatureBar(minuteBar(0, 10, { close: Number.POSITIVE_INFINITY }))).toThrow(/close/);
    expect(() => assertFeatureBar(minuteBar(0, 10, { open: 1e300 }))).toThrow(/open/);
    expect(() => assertFeatureBar(minuteBar(0, 10, { volume: -1 }))).toThrow(/negative/);
    expect(() => assertFeatureBar(minuteBar(0, 10, { eventTime: 1.5 }))).toThrow(/micros/);
  });

  it('turns NaN and Infinity into null and -0 into 0', () => {
    expect([finiteOrNull(Number.NaN), finiteOrNull(-Infinity), finiteOrNull(null), finiteOrNull(2.5)]).toEqual([null, null, null, 2.5]);
    expect(Object.is(finiteOrNull(-0), 0)).toBe(true);
  });
});
