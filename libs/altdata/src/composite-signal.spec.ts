import fc from 'fast-check';
import { CompositeBook, DEFAULT_COMPOSITE_POLICY, validateCompositePolicy, type CompositePolicy } from './composite-signal';

const HOUR_US = 3_600_000_000;
const HOUR_MS = 3_600_000;
const POLICY: CompositePolicy = {
  sources: { news_sentiment: { weight: 0.4, halfLifeMs: 6 * HOUR_MS }, social_sentiment: { weight: 0.3, halfLifeMs: 2 * HOUR_MS }, web_traffic: { weight: 0.1, halfLifeMs: 168 * HOUR_MS } },
  maxSymbols: 1000,
};

describe('composite alternative-data signal', () => {
  it('is the source mean itself when one source has data (weights renormalised over the sources present)', () => {
    const book = new CompositeBook(POLICY);
    book.update('TSLA', 'social_sentiment', 0.5, 0);
    expect(book.update('TSLA', 'social_sentiment', -0.1, 0)).toEqual({ value: 0.2, components: { social_sentiment: 0.2 }, sources: 1, eventTime: 0 });
  });

  it('weighs fresh sources by their configured weights', () => {
    const book = new CompositeBook(POLICY);
    book.update('AAPL', 'news_sentiment', 0.8, HOUR_US);
    const c = book.update('AAPL', 'social_sentiment', -0.4, HOUR_US)!;
    expect(c.value).toBeCloseTo((0.4 * 0.8 + 0.3 * -0.4) / 0.7, 12);
    expect(c.sources).toBe(2);
  });

  it('counts a source that went quiet less: its weight decays with its own half-life', () => {
    const book = new CompositeBook(POLICY);
    book.update('AAPL', 'news_sentiment', 1, 0);
    const c = book.update('AAPL', 'social_sentiment', -1, 2 * HOUR_US)!;
    const wNews = 0.4 * Math.pow(2, -2 / 6);
    expect(c.value).toBeCloseTo((wNews - 0.3) / (wNews + 0.3), 12);
    expect(c.eventTime).toBe(2 * HOUR_US);
  });

  it('never lets a busy source count more than its configured weight', () => {
    const book = new CompositeBook(POLICY);
    for (let i = 0; i < 50; i++) book.update('GME', 'social_sentiment', 1, 0);
    const c = book.update('GME', 'news_sentiment', -1, 0)!;
    expect(c.value).toBeCloseTo((0.3 - 0.4) / 0.7, 12);
  });

  it('ends with the same composite whatever order the inputs arrive in', () => {
    const sources = Object.keys(POLICY.sources);
    const input = fc.array(fc.tuple(fc.constantFrom(...sources), fc.double({ min: -1, max: 1, noNaN: true }), fc.integer({ min: 0, max: 48 * HOUR_US })), { minLength: 1, maxLength: 30 });
    fc.assert(fc.property(input, (inputs) => {
      const a = new CompositeBook(POLICY);
      const b = new CompositeBook(POLICY);
      for (const [s, x, t] of inputs) a.update('X', s, x, t);
      for (const [s, x, t] of [...inputs].reverse()) b.update('X', s, x, t);
      expect(b.composite('X')!.value).toBeCloseTo(a.composite('X')!.value, 9);
    }));
  });

  it('forgets the least recently updated symbol beyond maxSymbols', () => {
    const book = new CompositeBook({ ...POLICY, maxSymbols: 2 });
    book.update('A', 'news_sentiment', 0.1, 0);
    book.update('B', 'news_sentiment', 0.2, 0);
    book.update('A', 'news_sentiment', 0.1, 1);
    book.update('C', 'news_sentiment', 0.3, 2);
    expect(book.size).toBe(2);
    expect(book.composite('B')).toBeNull();
    expect(book.composite('A')).not.toBeNull();
  });

  it('continues identically from a JSON checkpoint', () => {
    const book = new CompositeBook(POLICY);
    book.update('F', 'news_sentiment', 0.3, 0);
    book.update('F', 'social_sentiment', -0.6, HOUR_US);
    const restored = new CompositeBook(POLICY, JSON.parse(JSON.stringify(book.toJSON())));
    expect(restored.update('F', 'web_traffic', 0.9, 3 * HOUR_US)).toEqual(book.update('F', 'web_traffic', 0.9, 3 * HOUR_US));
  });

  it('refuses an unknown source, a score outside [-1, 1] and a policy it cannot use', () => {
    const book = new CompositeBook(POLICY);
    expect(() => book.update('A', 'rumours', 0, 0)).toThrow(/unknown source "rumours"/);
    expect(() => book.update('A', 'news_sentiment', 1.5, 0)).toThrow(/\[-1, 1\]/);
    expect(() => validateCompositePolicy({ ...DEFAULT_COMPOSITE_POLICY, sources: { a: { weight: 0, halfLifeMs: 1 } } })).toThrow(/every source weight is 0/);
    expect(() => validateCompositePolicy({ ...DEFAULT_COMPOSITE_POLICY, sources: { a: { weight: 1, halfLifeMs: 0 } } })).toThrow(/half-life/);
  });
});
