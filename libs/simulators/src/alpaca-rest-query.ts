// Query parameters as Alpaca's Market Data REST API reads them (docs.alpaca.markets, "Historical
// API"), and the 400 (or 403, for a feed the subscription lacks) a bad one gets.

/** A refused query: 400, or 403 when the message starts with "subscription". */
export class BadRequest extends Error {}

const TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** RFC-3339 (to the microsecond) or YYYY-MM-DD (UTC midnight) to UTC micros. */
export function micros(text: string): number | undefined {
  if (DATE.test(text)) return Date.parse(`${text}T00:00:00Z`) * 1000;
  const m = TIME.exec(text);
  const ms = m ? Date.parse(m[1] + m[3]) : NaN;
  return Number.isNaN(ms) ? undefined : ms * 1000 + Number((m![2] ?? '').padEnd(6, '0').slice(0, 6));
}

/** UTC micros as Alpaca writes times: RFC-3339 with the fraction (microseconds here). */
export function rfc3339(us: number): string {
  const seconds = Math.floor(us / 1_000_000);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(us - seconds * 1_000_000).padStart(6, '0')}Z`;
}

export function param(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (!value) throw new BadRequest(`missing ${name}`);
  return value;
}

export function time(params: URLSearchParams, name: string): number {
  const value = micros(param(params, name));
  if (value === undefined) throw new BadRequest(`invalid ${name}: expected RFC-3339 or YYYY-MM-DD`);
  return value;
}

export function optionalNumber(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  if (!/^\d+(\.\d+)?$/.test(text)) throw new BadRequest(`invalid ${name}`);
  return Number(text);
}

export function optionalDate(params: URLSearchParams, name: string): string | undefined {
  const text = params.get(name);
  if (text !== null && !DATE.test(text)) throw new BadRequest(`invalid ${name}: expected YYYY-MM-DD`);
  return text ?? undefined;
}

export function limitOf(params: URLSearchParams, fallback: number, max: number): number {
  const text = params.get('limit') ?? String(fallback);
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > max) throw new BadRequest(`invalid limit: must be between 1 and ${max}`);
  return limit;
}

/** A feed the endpoint knows (else 400) and the key may query (else 403, as a missing subscription). */
export function feedOf(params: URLSearchParams, fallback: string, known: readonly string[], allowed: readonly string[] | undefined): string {
  const feed = params.get('feed') ?? fallback;
  if (!known.includes(feed)) throw new BadRequest(`invalid feed: ${feed}`);
  if (allowed && !allowed.includes(feed)) throw new BadRequest(`subscription does not permit querying ${feed} data`);
  return feed;
}

// Alpaca's tokens are opaque base64 ("AAPL|2022-01-03T09:00:00.028294451Z|..."); ours say where to go on.

/** A page token: where to go on (a symbol, or the scope of the query it pages) and the index there. */
export const pageToken = (scope: string, index: number) => Buffer.from(`${scope}|${index}`).toString('base64');

/** Reads a page token back; with `scope`, a token of another query is refused. */
export function readPageToken(token: string, scope?: string): { scope: string; index: number } {
  const text = Buffer.from(token, 'base64').toString('utf8');
  const cut = text.lastIndexOf('|');
  const index = text.slice(cut + 1);
  if (cut < 0 || !/^\d+$/.test(index) || (scope !== undefined && text.slice(0, cut) !== scope)) throw new BadRequest('invalid page_token');
  return { scope: text.slice(0, cut), index: Number(index) };
}

/** The offset a page token holds for `scope`, 0 without one. */
export function offsetOf(params: URLSearchParams, scope: string): number {
  const token = params.get('page_token');
  return token ? readPageToken(token, scope).index : 0;
}
