import { parseTimestamp } from '@md/market';
import { TICKER, type AltDocument } from './alt-document';

// Alpaca's real-time news stream (docs.alpaca.markets "Real-time News":
// wss://stream.data.alpaca.markets/v1beta1/news). Frames are JSON arrays of messages; control
// messages are {"T":"success","msg":"connected"|"authenticated"}, {"T":"subscription","news":[…]}
// and {"T":"error","code":…,"msg":…}; an article is {"T":"n", id, headline, summary, author,
// created_at, updated_at (RFC-3339), content, url, symbols, source}. Pure: the connector owns the
// socket, this file says what a frame means.

export type NewsControl =
  | { type: 'connected' }
  | { type: 'authenticated' }
  | { type: 'subscription'; news: string[] }
  | { type: 'error'; code: number; message: string };

export type NewsItem =
  | { kind: 'control'; control: NewsControl }
  | { kind: 'news'; document: AltDocument; updated: boolean }
  | { kind: 'rejected'; reason: string; message: unknown };

export type NewsFrame = { ok: true; items: NewsItem[] } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function rfc3339(value: unknown, field: string): number {
  if (typeof value !== 'string' || !value) throw new Error(`${field} must be an RFC-3339 time, got ${JSON.stringify(value)}`);
  return parseTimestamp(value, undefined); // a time without an offset is refused: never guessed
}

function control(m: Record<string, unknown>): NewsControl | undefined {
  if (m.T === 'success' && (m.msg === 'connected' || m.msg === 'authenticated')) return { type: m.msg };
  if (m.T === 'subscription') return { type: 'subscription', news: Array.isArray(m.news) ? m.news.map(String) : [] };
  if (m.T === 'error') return { type: 'error', code: Number(m.code), message: String(m.msg ?? '') };
  return undefined;
}

/** An article as a document to score: headline and summary (content may be HTML and is not scored). */
export function newsDocument(m: Record<string, unknown>, provider: string): { document: AltDocument; updated: boolean } {
  const id = m.id;
  if (!((typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) || (typeof id === 'string' && /^\d+$/.test(id)))) {
    throw new Error(`id must be a non-negative integer, got ${JSON.stringify(id)}`);
  }
  if (typeof m.headline !== 'string' || !m.headline.trim()) throw new Error('headline must be a non-empty string');
  if (m.summary !== undefined && m.summary !== null && typeof m.summary !== 'string') throw new Error('summary must be a string');
  const symbols = m.symbols ?? [];
  if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string' && TICKER.test(s))) {
    throw new Error(`symbols must be a list of tickers, got ${JSON.stringify(m.symbols)}`);
  }
  const created = rfc3339(m.created_at, 'created_at');
  const updated = m.updated_at === undefined || m.updated_at === null ? created : rfc3339(m.updated_at, 'updated_at');
  const text = [m.headline, m.summary].filter((t): t is string => typeof t === 'string' && t.length > 0).join('\n');
  // Identity is (symbol, news_sentiment, created_at): a re-sent edit of an article replaces its
  // score instead of adding a second one.
  return { document: { signal: 'news_sentiment', provider, id: String(id), symbols: [...new Set(symbols as string[])], text, eventTime: created }, updated: updated > created };
}

export function parseAlpacaNewsFrame(text: string, provider = 'alpaca-news'): NewsFrame {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `frame is not JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(parsed)) return { ok: false, reason: 'frame is not a JSON array of messages' };
  const items = parsed.map((m): NewsItem => {
    if (!isRecord(m)) return { kind: 'rejected', reason: 'message is not a JSON object', message: m };
    const c = control(m);
    if (c) return { kind: 'control', control: c };
    if (m.T !== 'n') return { kind: 'rejected', reason: `unknown message type ${JSON.stringify(m.T)}`, message: m };
    try {
      return { kind: 'news', ...newsDocument(m, provider) };
    } catch (err) {
      return { kind: 'rejected', reason: `news message ${JSON.stringify(m.id ?? null)}: ${(err as Error).message}`, message: m };
    }
  });
  return { ok: true, items };
}
