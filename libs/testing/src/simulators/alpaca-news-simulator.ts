import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { decode, encode } from '@msgpack/msgpack';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { extractCashtags, parseSocialCsv, snowflakeTimeMicros, tweetIdFromUrl } from '@md/altdata';
import { microsToIso } from '@md/market';
import { fixturesDir } from '@md/fixtures';

// A protocol-faithful Alpaca real-time news stream (docs.alpaca.markets "Real-time News" and
// "Real-time Stock Data" for the shared control protocol) on 127.0.0.1, with fault injection:
//   URL       ws://127.0.0.1:<port>/v1beta1/news (any other path: HTTP 404 at the upgrade)
//   open      [{"T":"success","msg":"connected"}]
//   auth      {"action":"auth","key":…,"secret":…} or APCA-API-KEY-ID / APCA-API-SECRET-KEY headers
//             -> [{"T":"success","msg":"authenticated"}] | error 402 (auth failed), 403 (already
//             authenticated), 406 (connection limit exceeded, then closed), 404 (auth timeout, closed)
//   subscribe {"action":"subscribe","news":["*"]} -> [{"T":"subscription","news":["*"]}]; before
//             auth 401; a channel other than news, or an empty list, 400
//   data      [{"T":"n","id":…,"headline":…,"summary":…,"author":…,"created_at":…,"updated_at":…,
//             "content":…,"url":…,"symbols":[…],"source":…}], to sessions subscribed to "*" or to
//             one of the article's symbols
// JSON by default; MessagePack when the client asks for it (Content-Type/Accept application/msgpack),
// as the official client does. The alpaca-stream simulator's session class is private to its file,
// so this one keeps its own, smaller one.

type Wire = Record<string, unknown>;
const PATH = '/v1beta1/news';
const ERRORS: Record<number, string> = {
  400: 'invalid syntax', 401: 'not authenticated', 402: 'auth failed', 403: 'already authenticated', 404: 'auth timeout',
  406: 'connection limit exceeded', 409: 'insufficient subscription', 500: 'internal error',
};

/** One article as Alpaca's news stream sends it. */
export interface NewsArticle {
  T: 'n';
  id: number;
  headline: string;
  summary: string;
  author: string;
  created_at: string;
  updated_at: string;
  content: string;
  url: string;
  symbols: string[];
  source: string;
}

export interface NewsSimulatorOptions {
  key: string;
  secret: string;
  /** Authenticated sessions allowed at once (Alpaca: one per account on most plans). Default 1. */
  connectionLimit?: number;
  /** Docs: 10 seconds to authenticate. */
  authTimeoutMs?: number;
  /** Messages per frame at most. Default 10. */
  maxMessagesPerFrame?: number;
}

export interface NewsSimulatorCounters {
  connections: number;
  authentications: number;
  authFailures: number;
  subscriptions: number;
  articlesSent: number;
  errors: Record<number, number>;
}

class NewsSession {
  authenticated = false;
  pongsOff = false;
  readonly news = new Set<string>();
  readonly msgpack: boolean;
  authTimer?: NodeJS.Timeout;

  constructor(readonly ws: WebSocket, req: IncomingMessage) {
    this.msgpack = `${req.headers['content-type'] ?? ''} ${req.headers.accept ?? ''}`.includes('application/msgpack');
  }

  send(messages: Wire[]): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(this.msgpack ? encode(messages) : JSON.stringify(messages));
  }

  wants(article: NewsArticle): boolean {
    return this.authenticated && (this.news.has('*') || article.symbols.some((s) => this.news.has(s)));
  }
}

export class AlpacaNewsSimulator {
  readonly counters: NewsSimulatorCounters = { connections: 0, authentications: 0, authFailures: 0, subscriptions: 0, articlesSent: 0, errors: {} };
  /** The stream URL, path included (what ALPACA_NEWS_URL takes). */
  readonly url: string;
  private readonly live = new Set<NewsSession>();
  private refusal: number | undefined;

  private constructor(private readonly server: WebSocketServer, private readonly options: NewsSimulatorOptions) {
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${PATH}`;
    server.on('connection', (ws, req) => this.accept(ws, req));
  }

  static async start(options: NewsSimulatorOptions): Promise<AlpacaNewsSimulator> {
    const server = new WebSocketServer({
      host: '127.0.0.1', port: 0, autoPong: false,
      verifyClient: (info, done) => done((info.req.url ?? '').split('?')[0] === PATH, 404, 'not found'),
    });
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    return new AlpacaNewsSimulator(server, options);
  }

  /** Sends articles to every session that wants them; returns how many deliveries were made. */
  publish(articles: readonly NewsArticle[]): number {
    let delivered = 0;
    const size = this.options.maxMessagesPerFrame ?? 10;
    for (const session of this.live) {
      const wanted = articles.filter((a) => session.wants(a));
      for (let i = 0; i < wanted.length; i += size) session.send(wanted.slice(i, i + size) as unknown as Wire[]);
      delivered += wanted.length;
    }
    this.counters.articlesSent += delivered;
    return delivered;
  }

  /** Sends a frame as is to every authenticated session (malformed-input tests). */
  sendRaw(frame: string | Uint8Array): void {
    for (const s of this.live) if (s.authenticated) s.ws.send(frame, { binary: typeof frame !== 'string' });
  }

  /** Cuts every connection without a close frame, as a network failure would (clients see 1006). */
  dropConnections(): void {
    for (const s of [...this.live]) {
      this.live.delete(s);
      s.ws.terminate();
    }
  }

  /** Current sessions stop answering pings for `ms` and send nothing: a dead peer behind a live TCP connection. */
  goSilent(ms: number): void {
    for (const s of this.live) {
      s.pongsOff = true;
      setTimeout(() => (s.pongsOff = false), ms).unref();
    }
  }

  /** The next authentication is answered with this error (406 also closes the socket). */
  refuseNextWith(code: number): void {
    this.refusal = code;
  }

  sessions(): Array<{ authenticated: boolean; msgpack: boolean; news: string[] }> {
    return [...this.live].map((s) => ({ authenticated: s.authenticated, msgpack: s.msgpack, news: [...s.news] }));
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const session = new NewsSession(ws, req);
    this.live.add(session);
    this.counters.connections++;
    ws.on('close', () => this.live.delete(session));
    ws.on('error', () => this.live.delete(session));
    ws.on('message', (data, binary) => this.handle(session, data, binary));
    ws.on('ping', (data) => session.pongsOff || ws.pong(data));
    session.send([{ T: 'success', msg: 'connected' }]);
    const timeoutMs = this.options.authTimeoutMs ?? 10_000;
    session.authTimer = setTimeout(() => session.authenticated || this.fail(session, 404, true), timeoutMs);
    ws.once('close', () => clearTimeout(session.authTimer));
    // Header authentication happens at the upgrade, before any message.
    if (req.headers['apca-api-key-id'] !== undefined) this.login(session, { key: req.headers['apca-api-key-id'], secret: req.headers['apca-api-secret-key'] });
  }

  private handle(session: NewsSession, data: RawData, binary: boolean): void {
    let request: Wire | undefined;
    try {
      request = (binary ? decode(data as Buffer) : JSON.parse(data.toString())) as Wire;
    } catch {
      request = undefined;
    }
    const action = request?.action;
    if (action === 'auth') this.login(session, request!);
    else if (action === 'subscribe' || action === 'unsubscribe') this.subscribe(session, request!);
    else this.fail(session, 400);
  }

  /** Why a login is refused (an Alpaca error code), or 0 to accept it. */
  private refusalFor(session: NewsSession, credentials: Wire): number {
    const forced = this.refusal;
    this.refusal = undefined;
    if (session.authenticated) return 403;
    if (forced) return forced;
    if (credentials.key !== this.options.key || credentials.secret !== this.options.secret) return 402;
    const others = [...this.live].filter((s) => s.authenticated).length;
    return others >= (this.options.connectionLimit ?? 1) ? 406 : 0;
  }

  private login(session: NewsSession, credentials: Wire): void {
    const code = this.refusalFor(session, credentials);
    if (code === 402) this.counters.authFailures++;
    if (code) return this.fail(session, code, code === 406); // 406: the server also closes the socket
    session.authenticated = true;
    clearTimeout(session.authTimer);
    this.counters.authentications++;
    session.send([{ T: 'success', msg: 'authenticated' }]);
  }

  private subscribe(session: NewsSession, request: Wire): void {
    if (!session.authenticated) return this.fail(session, 401);
    const keys = Object.keys(request).filter((k) => k !== 'action');
    const list = request.news;
    const valid = keys.length === 1 && keys[0] === 'news' && Array.isArray(list) && list.length > 0 && list.every((s) => typeof s === 'string' && s.length > 0);
    if (!valid) return this.fail(session, 400);
    for (const s of list as string[]) {
      if (request.action === 'subscribe') session.news.add(s);
      else session.news.delete(s);
    }
    this.counters.subscriptions++;
    session.send([{ T: 'subscription', news: [...session.news] }]);
  }

  private fail(session: NewsSession, code: number, close = false): void {
    this.counters.errors[code] = (this.counters.errors[code] ?? 0) + 1;
    session.send([{ T: 'error', code, msg: ERRORS[code] ?? 'error' }]);
    if (!close) return;
    this.live.delete(session);
    session.ws.close(1008, ERRORS[code]);
  }
}

/** The shared file of 500 real tweets with human sentiment labels (see fixtures/README.md). */
export function tweetsFilePath(): string {
  return join(fixturesDir(), 'altdata/tweets_sentiment.csv');
}

/**
 * Articles for the simulator made from real text: the rows of the shared tweets file that carry a
 * status id, as news items (headline: the first line, summary: the rest; created_at: the tweet's
 * own time; symbols: the ticker column and the cashtags; id: the row's position, 1-based). No
 * invented content; the first `limit` such rows, in file order.
 */
export function newsArticlesFromTweets(path = tweetsFilePath(), limit = Number.POSITIVE_INFINITY): NewsArticle[] {
  const out: NewsArticle[] = [];
  for (const [i, { row }] of parseSocialCsv(readFileSync(path, 'utf8')).entries()) {
    if (out.length >= limit) break;
    const statusId = row.url ? tweetIdFromUrl(row.url) : undefined;
    const atUs = statusId ? snowflakeTimeMicros(statusId) : undefined;
    if (atUs === undefined) continue;
    const [headline, ...rest] = row.text.trim().split('\n');
    const ticker = row.ticker?.replace(/^\$/, '').toUpperCase();
    const symbols = [...new Set([...(ticker ? [ticker] : []), ...extractCashtags(row.text, 10)])];
    const at = microsToIso(atUs).replace('.000Z', 'Z');
    out.push({ T: 'n', id: i + 1, headline: headline.trim() || row.text.trim(), summary: rest.join('\n').trim(), author: '', created_at: at, updated_at: at, content: '', url: row.url ?? '', symbols, source: 'tweets_sentiment.csv' });
  }
  return out;
}
