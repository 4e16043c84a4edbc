import { WebSocket } from 'ws';

// The one WebSocket connection of every streaming connector (Alpaca market data, Alpaca news,
// Polygon). Frames are handed to the connector in arrival order, and each is held until its
// handler (map + publish) resolves: the sink's back-pressure. At most `inFlightFrames` handlers
// run at once (1: strictly one after the other); later frames wait in a queue, and when
// `maxQueuedFrames` wait the socket is paused, so TCP pushes back instead of memory growing
// (STYLE.md habit 10). Liveness: a ping every pingIntervalMs, dead without a pong (or any frame)
// within pongTimeoutMs (the built-in WHATWG WebSocket cannot see pongs, hence `ws`). Stopping is
// a clean close (RFC 6455 7.1.2, code 1000) bounded by closeTimeoutMs; any other end terminates.

export interface RawFrame {
  data: Buffer;
  binary: boolean;
  receivedAtMs: number;
}

/** Why the socket itself ends a connection; a connector adds its own reasons through close(). */
export type SocketReason = 'connect_error' | 'server_closed' | 'pong_timeout' | 'publish_failed' | 'stopped';

export interface SocketEnd<R extends string = never> {
  reason: R | SocketReason;
  detail: string;
}

export interface LiveSocketOptions {
  url: string;
  /** Headers of the upgrade request (Alpaca: header authentication, MessagePack). */
  headers?: Record<string, string>;
  /** Largest frame accepted. */
  maxFrameBytes: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** Deadline of the opening handshake (the HTTP upgrade). */
  handshakeTimeoutMs: number;
  /** Frames handed to the connector and awaiting their handler at once. */
  inFlightFrames: number;
  /** Frames read ahead of the handlers before the socket is paused. */
  maxQueuedFrames: number;
  /** How long a clean close may take before the socket is terminated. Default 1 s. */
  closeTimeoutMs?: number;
  /** Wall clock in epoch ms, for tests. Default Date.now. */
  now?: () => number;
}

export class LiveSocket<R extends string = never> {
  /** Resolves as soon as the connection is over, with why. */
  readonly closing: Promise<SocketEnd<R>>;
  /** Resolves once every frame read before the end has been handled. */
  readonly ended: Promise<SocketEnd<R>>;
  /** Resolves when the TCP connection is gone (after a clean close, at most closeTimeoutMs after stopping). */
  readonly closed: Promise<void>;
  lastFrameAt: number;
  /** Most bytes read and waiting for a handler at once (frames in flight not counted). */
  maxQueuedBytes = 0;
  private readonly ws: WebSocket;
  private readonly now: () => number;
  private readonly queue: RawFrame[] = [];
  private queuedBytes = 0;
  private inFlight = 0;
  private failed = false;
  private opened = false;
  private end?: SocketEnd<R>;
  private pinger?: NodeJS.Timeout;
  private pongTimer?: NodeJS.Timeout;
  private pingSentAt = 0;
  private resolveClosing!: (end: SocketEnd<R>) => void;
  private resolveEnded!: (end: SocketEnd<R>) => void;

  constructor(private readonly options: LiveSocketOptions, private readonly onFrame: (frame: RawFrame) => Promise<void>) {
    this.now = options.now ?? Date.now;
    this.closing = new Promise((resolve) => (this.resolveClosing = resolve));
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.lastFrameAt = this.now();
    this.ws = new WebSocket(options.url, { headers: options.headers, maxPayload: options.maxFrameBytes, handshakeTimeout: options.handshakeTimeoutMs });
    this.closed = new Promise((resolve) => this.ws.once('close', () => resolve()));
    this.ws.on('open', () => this.onOpen());
    this.ws.on('message', (data: Buffer, binary) => this.enqueue({ data, binary, receivedAtMs: this.now() }));
    this.ws.on('pong', () => this.onPong());
    this.ws.on('error', (err) => this.finish(this.opened ? 'server_closed' : 'connect_error', err.message));
    this.ws.on('close', (code) => this.finish('server_closed', `socket closed by the peer or the network (code ${code})`));
  }

  get finished(): boolean {
    return this.end !== undefined;
  }

  /** Frames read but not handled yet: queued, or awaiting their handler. */
  get busy(): boolean {
    return this.inFlight > 0 || this.queue.length > 0;
  }

  send(payload: string | Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(payload);
  }

  /** Ends the connection; the first reason given wins. Frames already read are still handled. */
  close(reason: R | 'stopped', detail: string): void {
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
    this.pingSentAt = this.now();
    this.ws.ping();
    this.pongTimer = setTimeout(() => setImmediate(() => this.checkPong()), this.options.pongTimeoutMs);
  }

  /**
   * Runs after the I/O that was pending when the timer fired (setImmediate follows the poll phase), so
   * a busy event loop is not taken for a dead peer; any frame since the ping proves life as well. A
   * socket paused for back-pressure reads no pongs: that is a slow sink, not a dead peer.
   */
  private checkPong(): void {
    if (!this.pongTimer) return;
    this.pongTimer = undefined;
    if (this.lastFrameAt < this.pingSentAt && !this.ws.isPaused) this.finish('pong_timeout', `no pong or data within ${this.options.pongTimeoutMs} ms`);
  }

  private enqueue(frame: RawFrame): void {
    if (this.end) return;
    this.lastFrameAt = frame.receivedAtMs;
    this.queue.push(frame);
    this.queuedBytes += frame.data.length;
    this.maxQueuedBytes = Math.max(this.maxQueuedBytes, this.queuedBytes);
    if (this.queue.length >= this.options.maxQueuedFrames && !this.ws.isPaused) this.ws.pause();
    this.dispatch();
  }

  /**
   * Hands queued frames to the connector in order while the window has room. Frames read before the
   * end are still handled; after a failed handler the queue is dropped (a backfill may bring it back).
   */
  private dispatch(): void {
    while (this.queue.length && this.inFlight < this.options.inFlightFrames) {
      const frame = this.queue.shift()!;
      this.queuedBytes -= frame.data.length;
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
      // The sink failed: what is still queued is lost here.
      this.queue.length = 0;
      this.queuedBytes = 0;
      this.finish('publish_failed', `publishing failed: ${(err as Error).message}`);
    }
    this.dispatch();
  }

  private finish(reason: R | SocketReason, detail: string): void {
    if (this.end) {
      // A frame read before the close explains it better (Alpaca 406 or 407, then the server closes).
      if (this.end.reason === 'server_closed' && this.busy) this.end = { reason, detail };
      return;
    }
    this.end = { reason, detail };
    clearInterval(this.pinger);
    clearTimeout(this.pongTimer);
    if (reason === 'stopped') this.closeCleanly();
    else this.ws.terminate();
    this.resolveClosing(this.end);
    if (!this.busy) this.resolveEnded(this.end);
  }

  /** Close frame 1000, then the peer's; a peer that does not answer in time is cut off. */
  private closeCleanly(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return this.ws.terminate();
    const timer = setTimeout(() => this.ws.terminate(), this.options.closeTimeoutMs ?? 1000);
    void this.closed.then(() => clearTimeout(timer));
    if (this.ws.isPaused) this.ws.resume(); // the peer's close frame must be read; later data frames are ignored
    this.ws.close(1000, 'client stopping');
  }
}
