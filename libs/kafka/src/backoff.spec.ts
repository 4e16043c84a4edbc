import { backoffDelay } from './backoff';
import { chunks } from './chunks';

describe('backoff with full jitter', () => {
  it('grows exponentially up to the cap', () => {
    const top = () => 0.999999;
    expect(backoffDelay(0, { initialMs: 100, maxMs: 5000 }, top)).toBe(99);
    expect(backoffDelay(3, { initialMs: 100, maxMs: 5000 }, top)).toBe(799);
    expect(backoffDelay(40, { initialMs: 100, maxMs: 5000 }, top)).toBe(4999);
  });

  it('can draw any delay from zero up', () => {
    expect(backoffDelay(5, { initialMs: 100, maxMs: 5000 }, () => 0)).toBe(0);
  });
});

describe('chunks', () => {
  it('splits into bounded slices in order', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(() => chunks([1], 0)).toThrow();
  });
});
