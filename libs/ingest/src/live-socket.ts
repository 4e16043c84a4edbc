import { WebSocket } from 'ws';
import type { ReconnectReason } from './alpaca-stream.metrics';

// One WebSocket connection: frames are handed to the session in arrival order, and each is held
// until its publish resolves (the sink's back-pressure); when the window of frames awaiting their
// publish is full, later frames wait in a queue, and when too many wait the socket is paused so TCP
// pushes back instead of memory growing. Liveness: a ping every pingIntervalMs, dead without a pong
// (or any frame) within pongTimeoutMs (the built-in WHATWG WebSocket cannot see pongs, hence `ws`).

export interface RawFrame {
  data: Buffer;
  binary: boolean;
  receivedAtMs: number;
}

export interface SocketEnd {
  reason: ReconnectReason | 'fatal' | 'stopped';
  detail: string;
}

export interface SocketOptions {
  url: string;
  headers: Record<string, string>;
  maxFrameBytes: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  handshakeTimeoutMs: number;
  maxQueuedFrames: number;
  now: () => number;
}

/**
 * Frames handed to the session and awaiting their publish at once. Each is parsed and handed to the
 * sink as soon as it is read, so a sink that batches concurrent publishes (group commit) sends one
 * Kafka request for all the frames read during the previous one. The window must hold the backlog
 * of a stall (a GC pause, a descheduled process): with 64, and with each batch awaited before the
 * next frame was read, requests never carried more than 63 records, so a backlog drained 63 frames
 * a round trip (stream bench, issue #5). 512 frames is about 100 ms of a 5,000 messages/s stream.
 */
const IN_FLIGHT_FRAMES = 512;

export class AlpacaSocket {
  /** Resolves as soon as the connection is over, with why. */
  readonly closing: Promise<SocketEnd>;
  /** Resolves once every frame read before the end has been handled. */
  readonly ended: Promise<SocketEnd>;
  lastFrameAt: number;
  private readonly ws: WebSocket;
  private readonly queue: RawFrame[] = [];
  private inFlight = 0;
  private failed = false;
  private opened = false;
  private end?: SocketEnd;
  private pinger?: NodeJS.Timeout;
  private pongTimer?: NodeJS.Timeout;
  private pingSentAt = 0;
  private resolveClosing!: (end: SocketEnd) => void;
  private resolveEnded!: (end: SocketEnd) => void;

  constructor(private readonly options: SocketOptions, private readonly onFrame: (frame: RawFrame) => Promise<void>) {
    this.closing = new Promise((resolve) => (this.resolveClosing = resolve));
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.lastFrameAt = options.now();
    this.ws = new WebSocket(options.url, { headers: options.headers, maxPayload: options.maxFrameBytes, handshakeTimeout: options.handshakeTimeoutMs });
    this.ws.on('open', () => this.onOpen());
    this.ws.on('message', (data: Buffer, binary) => this.enqueue({ data, binary, receivedAtMs: options.now() }));
    this.ws.on('pong', () => this.onPong());
    this.ws.on('error', (err) => this.finish(this.opened ? 'server_closed' : 'connect_error', err.message));
    this.ws.on('close', (code) => this.finish('server_closed', `socket closed by the peer or the network (code ${code})`));
  }

  get finished(): boolean {
    return this.end !== undefined;
  }

  send(payload: string | Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(payload);
  }

  /** Ends the connection; the first reason given wins. Frames already read are still handled. */
  close(reason: SocketEnd['reason'], detail: string): void {
    this.finish(reason, detail);
  }

  private onOpen(): void {
    this.opened = true;
    this.pinger = setInterval(() => this.ping(), this.options.pingIntervalMs);
  }

  private onPong(): void {
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private ping(): void {
    if (this.pongTimer || this.ws.readyState !== WebSocket.OPEN) return;
    this.pingSentAt = this.options.now();
    this.ws.ping();
    this.pongTimer = setTimeout(() => setImmediate(() => this.checkPong()), this.options.pongTimeoutMs);
  }

  /**
   * Runs after the I/O that was pending when the timer fired (setImmediate follows the poll phase), so
   * a busy event loop is not taken for a dead peer; any frame since the ping proves life as well.
   */
  private checkPong(): void {
    if (!this.pongTimer) return;
    this.pongTimer = undefined;
    if (this.lastFrameAt < this.pingSentAt) this.finish('pong_timeout', `no pong within ${this.options.pongTimeoutMs} ms`);
  }

  private enqueue(frame: RawFrame): void {
    if (this.end) return;
    this.lastFrameAt = frame.receivedAtMs;
    this.queue.push(frame);
    if (this.queue.length >= this.options.maxQueuedFrames && !this.ws.isPaused) this.ws.pause();
    this.dispatch();
  }

  /** Frames read but not handled yet: queued, or awaiting their publish. */
  private get busy(): boolean {
    return this.inFlight > 0 || this.queue.length > 0;
  }

  /**
   * Hands queued frames to the session in order while the window has room. Frames read before the
   * end are still handled; after a failed publish the queue is dropped (the backfill brings it back).
   */
  private dispatch(): void {
    while (this.queue.length && this.inFlight < IN_FLIGHT_FRAMES) {
      const frame = this.queue.shift()!;
      this.inFlight++;
      this.handle(frame).then(() => this.settled(), (err: unknown) => this.settled(err ?? new Error('publish failed')));
    }
    if (this.ws.isPaused && !this.end && this.queue.length <= this.options.maxQueuedFrames / 2) this.ws.resume();
    if (this.end && !this.busy) this.resolveEnded(this.end);
  }

  private handle(frame: RawFrame): Promise<void> {
    try {
      return this.onFrame(frame);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private settled(err?: unknown): void {
    this.inFlight--;
    if (err !== undefined && !this.failed) {
      this.failed = true;
      // The sink failed: what is still queued is lost here and comes back through the backfill.
      this.queue.length = 0;
      this.finish('publish_failed', `publishing failed: ${(err as Error).message}`);
    }
    this.dispatch();
  }

  private finish(reason: SocketEnd['reason'], detail: string): void {
    if (this.end) {
      // A frame read before the close explains it better (406 or 407, then the server closes).
      if (this.end.reason === 'server_closed' && this.busy) this.end = { reason, detail };
      return;
    }
    this.end = { reason, detail };
    clearInterval(this.pinger);
    clearTimeout(this.pongTimer);
    this.ws.terminate();
    this.resolveClosing(this.end);
    if (!this.busy) this.resolveEnded(this.end);
  }
}
