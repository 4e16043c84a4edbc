import { FeatureStateError } from './feature-state-error';
import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps the last `capacity` values oldest first and returns the one it pushes out', () => {
    const ring = new RingBuffer(3);
    expect([1, 2, 3].map((x) => ring.push(x))).toEqual([undefined, undefined, undefined]);
    expect(ring.push(4)).toBe(1);
    expect(ring.push(5)).toBe(2);
    expect(ring.toJSON()).toEqual([3, 4, 5]);
    expect([ring.oldest, ring.newest, ring.size, ring.full]).toEqual([3, 5, 3, true]);
  });

  it('restores from its oldest-first array and continues in the same order', () => {
    const ring = new RingBuffer(3);
    [1, 2, 3, 4].forEach((x) => ring.push(x));
    const restored = new RingBuffer(3, JSON.parse(JSON.stringify(ring.toJSON())));
    expect(restored.push(9)).toBe(ring.push(9));
    expect(restored.toJSON()).toEqual(ring.toJSON());
  });

  it('refuses a state longer than its capacity', () => {
    expect(() => new RingBuffer(2, [1, 2, 3])).toThrow(FeatureStateError);
  });

  it('is empty with undefined ends before the first push', () => {
    const ring = new RingBuffer(2);
    expect([ring.oldest, ring.newest, ring.size]).toEqual([undefined, undefined, 0]);
  });
});
