import type { IncomingMessage } from 'node:http';
import { decode, encode, type ExtensionCodec } from '@msgpack/msgpack';
import { WebSocket, type RawData } from 'ws';

// One connection to an Alpaca stream (docs.alpaca.markets "Real-time Stock Data", shared by the news
// stream): JSON by default, MessagePack when the client asks for it (Content-Type/Accept
// application/msgpack), as the official client does.

/** One message as either encoding carries it. */
export type Wire = Record<string, unknown>;

/** The control protocol's error codes ("Real-time Stock Data", errors). */
export const ALPACA_WS_ERRORS: Readonly<Record<number, string>> = {
  400: 'invalid syntax', 401: 'not authenticated', 402: 'auth failed', 403: 'already authenticated', 404: 'auth timeout', 405: 'symbol limit exceeded',
  406: 'connection limit exceeded', 407: 'slow client', 408: 'v2 not enabled', 409: 'insufficient subscription', 500: 'internal error',
};

/** A request frame, or undefined when it is neither JSON nor MessagePack. */
export function decodeRequest(data: RawData, binary: boolean): Wire | undefined {
  try {
    return (binary ? decode(data as Buffer) : JSON.parse(data.toString())) as Wire;
  } catch {
    return undefined;
  }
}

export class AlpacaWsSession {
  authenticated = false;
  /** No data before this time (Date.now()): a silent peer. */
  silentUntil = 0;
  pongsOff = false;
  readonly msgpack: boolean;
  authTimer?: NodeJS.Timeout;
  private silenceTimer?: NodeJS.Timeout;

  /** `codec`: the MessagePack extensions the stream writes (the timestamp extension for stock data). */
  constructor(readonly ws: WebSocket, req: IncomingMessage, private readonly codec?: ExtensionCodec) {
    this.msgpack = `${req.headers['content-type'] ?? ''} ${req.headers.accept ?? ''}`.includes('application/msgpack');
  }

  send(messages: Wire[]): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(this.msgpack ? encode(messages, { extensionCodec: this.codec }) : JSON.stringify(messages));
  }

  /** Sends no data for `ms`; unless `pongs`, answers no pings either (a dead peer behind a live TCP connection). */
  silence(ms: number, pongs: boolean): void {
    clearTimeout(this.silenceTimer);
    this.silentUntil = Date.now() + ms;
    this.pongsOff = !pongs;
    this.silenceTimer = setTimeout(() => (this.pongsOff = false), ms).unref();
  }

  /** The session is over: its timers go. */
  end(): void {
    clearTimeout(this.authTimer);
    clearTimeout(this.silenceTimer);
  }
}
