import { hashTag, historyKey, latestKey } from './feature-store';

describe('feature store keys', () => {
  it('puts the latest hash and the history of a (symbol, timeframe) under one hash tag, so one cluster slot', () => {
    const o = { prefix: 'md:features' };
    expect(latestKey(o, 'DBB', '1m')).toBe('md:features:{DBB:1m}');
    expect(historyKey(o, 'DBB', '1m')).toBe('md:features:{DBB:1m}:history');
    expect(hashTag(historyKey(o, 'DBB', '1m'))).toBe(hashTag(latestKey(o, 'DBB', '1m')));
    // A prefix with braces of its own still gives both keys the same tag.
    expect(hashTag(historyKey({ prefix: 'a{b}' }, 'X', '1d'))).toBe(hashTag(latestKey({ prefix: 'a{b}' }, 'X', '1d')));
  });

  it('hashes what Redis hashes: the first non-empty {…}, else the whole key', () => {
    expect(hashTag('a{b}c{d}')).toBe('b');
    expect(hashTag('a{}b{c}')).toBe('a{}b{c}');
    expect(hashTag('a{b')).toBe('a{b');
    expect(hashTag('plain')).toBe('plain');
  });
});
