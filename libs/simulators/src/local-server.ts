import { STATUS_CODES, createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type ServerOptions } from 'ws';

// What every simulator holds open, and the one way to let it all go: an HTTP server on 127.0.0.1 at
// a free port, the WebSocket servers on it, the sockets it accepted and the timers set through it.
// close() ends every socket, upgraded ones included: Node stops tracking a socket once it is upgraded,
// so closeAllConnections() never reaches a WebSocket, and server.close() would wait on it (ws gives a
// peer 30 s to answer a close frame). A test run can then end with no open handle.

export class LocalServer {
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly webSockets: WebSocketServer[] = [];
  private onRequest: RequestListener = upgradeRequired;

  private constructor(readonly http: Server) {
    http.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Listens on 127.0.0.1 at a free port, then builds on the server; a build that throws closes it again. */
  static async host<T>(build: (local: LocalServer) => T): Promise<T> {
    const local = new LocalServer(createServer((req, res) => local.onRequest(req, res)));
    try {
      await new Promise<void>((resolve, reject) => local.http.once('error', reject).listen(0, '127.0.0.1', resolve));
      return build(local);
    } catch (err) {
      await local.close();
      throw err;
    }
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** http://127.0.0.1:<port> */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Who answers plain HTTP requests; until one is set, 426 as ws's own server answers them. */
  serve(onRequest: RequestListener): void {
    this.onRequest = onRequest;
  }

  /** A WebSocket server on this port, closed with it. */
  webSocket(options: Omit<ServerOptions, 'server' | 'port' | 'host' | 'noServer'>): WebSocketServer {
    const wss = new WebSocketServer({ ...options, server: this.http });
    this.webSockets.push(wss);
    return wss;
  }

  /** A timer that close() clears; unref'd, as the open server is what keeps the process alive. */
  later(ms: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms).unref();
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | undefined): void {
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** A wait that close() cuts off: it then never ends, and holds nothing. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(ms, resolve));
  }

  /** Stops listening, clears the timers and ends every socket; safe to call twice or after a failed listen. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wss of this.webSockets) wss.close();
    // The callback gets ERR_SERVER_NOT_RUNNING when the server never listened or is closed: nothing left to wait for.
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

/** ws's answer to a plain HTTP request on a WebSocket-only server. */
const upgradeRequired: RequestListener = (_req, res) => {
  const body = STATUS_CODES[426]!;
  res.writeHead(426, { 'content-length': body.length, 'content-type': 'text/plain' }).end(body);
};
