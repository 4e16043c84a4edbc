import { parseAlpacaNewsFrame } from './alpaca-news';

const ARTICLE = {
  T: 'n', id: 24843171, headline: 'Apple leads a rally', summary: 'Shares rose after strong results', author: 'x',
  created_at: '2022-01-05T22:00:37Z', updated_at: '2022-01-05T22:00:38Z', url: 'https://example.org/a', content: '<p>…</p>', symbols: ['AAPL', 'MSFT'], source: 'benzinga',
};

describe('Alpaca news frames', () => {
  it('reads control messages', () => {
    const frame = parseAlpacaNewsFrame('[{"T":"success","msg":"connected"},{"T":"success","msg":"authenticated"},{"T":"subscription","news":["*"]},{"T":"error","code":402,"msg":"auth failed"}]');
    expect(frame).toEqual({ ok: true, items: [
      { kind: 'control', control: { type: 'connected' } },
      { kind: 'control', control: { type: 'authenticated' } },
      { kind: 'control', control: { type: 'subscription', news: ['*'] } },
      { kind: 'control', control: { type: 'error', code: 402, message: 'auth failed' } },
    ] });
  });

  it('maps an article to a document: headline and summary as text, created_at as event time', () => {
    const frame = parseAlpacaNewsFrame(JSON.stringify([ARTICLE]));
    expect(frame).toEqual({ ok: true, items: [{ kind: 'news', updated: true, document: {
      signal: 'news_sentiment', provider: 'alpaca-news', id: '24843171', symbols: ['AAPL', 'MSFT'], text: 'Apple leads a rally\nShares rose after strong results',
      eventTime: Date.parse('2022-01-05T22:00:37Z') * 1000,
    } }] });
  });

  it('rejects a malformed article with the reason, and keeps the other messages of the frame', () => {
    const bad = [{ ...ARTICLE, created_at: '2022-01-05 22:00:37' }, { ...ARTICLE, id: 'x' }, { ...ARTICLE, symbols: 'AAPL' }, { ...ARTICLE, headline: '' }, { T: 'q' }, 7, ARTICLE];
    const frame = parseAlpacaNewsFrame(JSON.stringify(bad));
    if (!frame.ok) throw new Error('frame refused');
    expect(frame.items.map((i) => (i.kind === 'rejected' ? i.reason : i.kind))).toEqual([
      'news message 24843171: timestamp "2022-01-05 22:00:37" has no zone and none was declared',
      'news message "x": id must be a non-negative integer, got "x"',
      'news message 24843171: symbols must be a list of tickers, got "AAPL"',
      'news message 24843171: headline must be a non-empty string',
      'unknown message type "q"',
      'message is not a JSON object',
      'news',
    ]);
  });

  it('refuses a frame that is not a JSON array', () => {
    expect(parseAlpacaNewsFrame('{"T":"n"')).toMatchObject({ ok: false, reason: expect.stringMatching(/^frame is not JSON/) });
    expect(parseAlpacaNewsFrame('{"T":"n"}')).toEqual({ ok: false, reason: 'frame is not a JSON array of messages' });
  });
});
