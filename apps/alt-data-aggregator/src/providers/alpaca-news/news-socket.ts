import { WebSocket } from 'ws';

// One WebSocket connection for the news stream. Frames are handled one at a time in arrival
// order, each awaited (the sink's back-pressure); past maxQueuedFrames waiting the socket is
// paused, so TCP pushes back instead of memory growing. Liveness: a ping every pingIntervalMs;
// no pong and no frame within pongTimeoutMs ends the connection (`ws`, since the built-in
// WebSocket cannot see pongs). `ended` resolves once, with why, after queued frames are handled.

export type SocketEndReason = 'connect_error' | 'server_closed' | 'pong_timeout' | 'handshake_timeout' | 'server_error' | 'connection_limit' | 'publish_failed' | 'fatal' | 'stopped';

export interface SocketEnd {
  reason: SocketEndReason;
  detail: string;
}

export interface NewsSocketOptions {
  url: string;
  maxFrameBytes: number;
  maxQueuedFrames: number;
  pingIntervalMs: number;
  pongTimeoutMs: number;
  handshakeTimeoutMs: number;
}

export class NewsSocket {
  readonly ended: Promise<SocketEnd>;
  private readonly ws: WebSocket;
  private readonly queue: Array<{ data: Buffer; binary: boolean }> = [];
  private resolveEnded!: (end: SocketEnd) => void;
  private end?: SocketEnd;
  private draining = false;
  private opened = false;
  private lastFrameAt = Date.now();
  private pinger?: NodeJS.Timeout;
  private pongDeadline?: NodeJS.Timeout;

  constructor(private readonly options: NewsSocketOptions, private readonly onFrame: (data: Buffer, binary: boolean) => Promise<void>) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
    this.ws = new WebSocket(options.url, { maxPayload: options.maxFrameBytes, handshakeTimeout: options.handshakeTimeoutMs });
    this.ws.on('open', () => {
      this.opened = true;
      this.pinger = setInterval(() => this.ping(), options.pingIntervalMs);
    });
    this.ws.on('message', (data: Buffer, binary) => this.enqueue(data, binary));
    this.ws.on('pong', () => this.clearPongDeadline());
    this.ws.on('error', (err) => this.close(this.opened ? 'server_closed' : 'connect_error', err.message));
    this.ws.on('close', (code) => this.close('server_closed', `socket closed (code ${code})`));
  }

  send(message: object): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  /** Ends the connection; the first reason wins. Frames already read are still handled. */
  close(reason: SocketEndReason, detail: string): void {
    if (this.end) return;
    this.end = { reason, detail };
    clearInterval(this.pinger);
    this.clearPongDeadline();
    this.ws.terminate();
    if (!this.draining) this.resolveEnded(this.end);
  }

  private ping(): void {
    if (this.pongDeadline || this.ws.readyState !== WebSocket.OPEN) return;
    const sentAt = Date.now();
    this.ws.ping();
    // Checked after pending I/O (setImmediate), so a busy event loop is not taken for a dead peer.
    this.pongDeadline = setTimeout(() => setImmediate(() => {
      this.pongDeadline = undefined;
      if (this.lastFrameAt < sentAt) this.close('pong_timeout', `no pong within ${this.options.pongTimeoutMs} ms`);
    }), this.options.pongTimeoutMs);
  }

  private clearPongDeadline(): void {
    clearTimeout(this.pongDeadline);
    this.pongDeadline = undefined;
    this.lastFrameAt = Date.now();
  }

  private enqueue(data: Buffer, binary: boolean): void {
    if (this.end) return;
    this.lastFrameAt = Date.now();
    this.queue.push({ data, binary });
    if (this.queue.length >= this.options.maxQueuedFrames && !this.ws.isPaused) this.ws.pause();
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let frame = this.queue.shift(); frame; frame = this.queue.shift()) {
        await this.onFrame(frame.data, frame.binary);
        if (this.ws.isPaused && !this.end && this.queue.length <= this.options.maxQueuedFrames / 2) this.ws.resume();
      }
    } catch (err) {
      this.queue.length = 0;
      this.close('publish_failed', `publishing failed: ${(err as Error).message}`);
    } finally {
      this.draining = false;
      if (this.end) this.resolveEnded(this.end);
    }
  }
}
