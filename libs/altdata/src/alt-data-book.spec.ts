import type { AltDocument } from './alt-document';
import { AltDataBook } from './alt-data-book';

const HOUR_US = 3_600_000_000;
const score = (text: string) => (text.includes('good') ? 0.5 : text.includes('bad') ? -0.5 : 0);
const doc = (over: Partial<AltDocument> = {}): AltDocument => ({
  signal: 'news_sentiment', provider: 'alpaca-news', id: '1', symbols: ['AAPL', 'MSFT'], text: 'good results', eventTime: HOUR_US, ...over,
});

describe('alternative-data book', () => {
  it('emits a per-document score for each symbol, then each symbol\'s composite', () => {
    const out = new AltDataBook({ score }).document(doc(), 42);
    expect(out.map((s) => [s.symbol, s.signal, s.value, s.sourceId])).toEqual([
      ['AAPL', 'news_sentiment', 0.5, '1'], ['AAPL', 'composite', 0.5, null], ['MSFT', 'news_sentiment', 0.5, '1'], ['MSFT', 'composite', 0.5, null],
    ]);
    expect(out[1]).toMatchObject({ provider: 'composite', observations: 1, components: { news_sentiment: 0.5 }, eventTime: HOUR_US, ingestTime: 42 });
  });

  it('scores a re-sent document again but counts it once in the composite', () => {
    const book = new AltDataBook({ score });
    book.document(doc(), 0);
    const again = book.document(doc({ text: 'bad results' }), 0);
    expect(again.map((s) => s.signal)).toEqual(['news_sentiment', 'news_sentiment']);
    expect(again[0].value).toBe(-0.5);
  });

  it('combines news and social sentiment per symbol', () => {
    const book = new AltDataBook({ score });
    book.document(doc({ symbols: ['TSLA'] }), 0);
    const out = book.document(doc({ signal: 'social_sentiment', provider: 'file:t.csv', id: 't1', symbols: ['TSLA'], text: 'bad' }), 0);
    expect(out[1].components).toEqual({ news_sentiment: 0.5, social_sentiment: -0.5 });
    expect(out[1].value).toBeCloseTo((0.4 * 0.5 - 0.3 * 0.5) / 0.7, 12);
  });

  it('publishes a series value raw and feeds the composite only once the series is warm', () => {
    const book = new AltDataBook({ score, series: { halfLifeMs: Number.POSITIVE_INFINITY, minObservations: 3 } });
    const obs = (value: number, h: number) => ({ symbol: 'WMT', signal: 'web_traffic' as const, provider: 'p', eventTime: h * HOUR_US, value, id: null });
    expect(book.series(obs(10, 0), 0)).toHaveLength(1);
    expect(book.series(obs(12, 1), 0)).toHaveLength(1);
    expect(book.series(obs(14, 2), 0)).toHaveLength(1);
    const warm = book.series(obs(14, 3), 0);
    expect(warm.map((s) => s.signal)).toEqual(['web_traffic', 'composite']);
    expect(warm[0].value).toBe(14);
    expect(warm[1].components.web_traffic).toBeCloseTo(Math.tanh((14 - 12) / Math.sqrt(8 / 3) / 2), 12);
  });

  it('continues identically from its JSON state', () => {
    const book = new AltDataBook({ score });
    book.document(doc(), 0);
    const copy = new AltDataBook({ score }, JSON.parse(JSON.stringify(book.toJSON())));
    const next = doc({ id: '2', text: 'bad', eventTime: 2 * HOUR_US });
    expect(copy.document(next, 0)).toEqual(book.document(next, 0));
    expect(copy.document(doc(), 0)).toHaveLength(2); // still remembers document 1
  });
});
