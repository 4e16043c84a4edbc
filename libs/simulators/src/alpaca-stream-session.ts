import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { AlpacaWsSession, type Wire } from './alpaca-ws-session';
import { CHANNELS, stockDataCodec, type Channel } from './alpaca-stream-wire';
import type { TimelineEntry } from './alpaca-stream-timeline';

/** The feeds of the v2 stock stream, by URL path (docs: "wss://stream.data.alpaca.markets/{version}/{feed}"). */
export const FEED_PATH = /^\/v2\/(iex|sip|delayed_sip|test)$/;

/** A stock stream session: its feed and its subscriptions per channel. */
export class StockStreamSession extends AlpacaWsSession {
  readonly subs = new Map<Channel, Set<string>>(CHANNELS.map((c) => [c, new Set<string>()]));
  readonly feed: string;

  constructor(ws: WebSocket, req: IncomingMessage) {
    super(ws, req, stockDataCodec);
    this.feed = FEED_PATH.exec(req.url ?? '')?.[1] ?? '';
  }

  wants(entry: TimelineEntry): boolean {
    const subs = this.subs.get(entry.channel)!;
    return this.authenticated && Date.now() >= this.silentUntil && (subs.has(entry.symbol) || subs.has('*'));
  }

  /** The subscription acknowledgement: channels with no symbols are left out, and `trades` brings `corrections` and `cancelErrors` (first-hand captures). */
  ack(): Wire {
    const lists = CHANNELS.filter((c) => this.subs.get(c)!.size > 0).map((c) => [c, [...this.subs.get(c)!]]);
    const trades = [...this.subs.get('trades')!];
    return { T: 'subscription', ...Object.fromEntries(lists), ...(trades.length ? { corrections: trades, cancelErrors: trades } : {}) };
  }
}
