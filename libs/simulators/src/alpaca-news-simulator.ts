import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { extractCashtags, parseSocialCsv, snowflakeTimeMicros, tweetIdFromUrl } from '@md/altdata';
import { microsToIso } from '@md/market';
import { fixturesDir } from '@md/fixtures';
import { LocalServer } from './local-server';
import { AlpacaWsSession, type Wire } from './alpaca-ws-session';
import { AlpacaWsServer } from './alpaca-ws-server';

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
// as the official client does. The control protocol, shared with the stock stream, is alpaca-ws-server.ts.

const PATH = '/v1beta1/news';

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

class NewsSession extends AlpacaWsSession {
  readonly news = new Set<string>();

  wants(article: NewsArticle): boolean {
    return this.authenticated && (this.news.has('*') || article.symbols.some((s) => this.news.has(s)));
  }
}

export class AlpacaNewsSimulator extends AlpacaWsServer<NewsSession> {
  readonly counters: NewsSimulatorCounters = { connections: 0, authentications: 0, authFailures: 0, subscriptions: 0, articlesSent: 0, errors: {} };
  /** The stream URL, path included (what ALPACA_NEWS_URL takes). */
  readonly url: string;

  private constructor(server: LocalServer, private readonly options: NewsSimulatorOptions) {
    super(server, options, (url) => url.split('?')[0] === PATH, 'not found');
    this.url = `ws://127.0.0.1:${server.port}${PATH}`;
  }

  static start(options: NewsSimulatorOptions): Promise<AlpacaNewsSimulator> {
    return LocalServer.host((server) => new AlpacaNewsSimulator(server, options));
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

  /** Current sessions stop answering pings for `ms`: a dead peer behind a live TCP connection. */
  goSilent(ms: number): void {
    for (const s of this.live) s.silence(ms, false);
  }

  sessions(): Array<{ authenticated: boolean; msgpack: boolean; news: string[] }> {
    return [...this.live].map((s) => ({ authenticated: s.authenticated, msgpack: s.msgpack, news: [...s.news] }));
  }

  protected open(ws: WebSocket, req: IncomingMessage): NewsSession {
    return new NewsSession(ws, req);
  }

  protected subscribe(session: NewsSession, request: Wire): void {
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
