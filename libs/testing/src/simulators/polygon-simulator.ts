import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DateTime } from 'luxon';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

// A protocol-faithful Polygon.io (Massive) stocks server on 127.0.0.1, one port for both:
// - WebSocket at /stocks (polygon.io/docs/stocks/ws_getting-started): `connected` status on open,
//   {"action":"auth","params":KEY} -> auth_success | auth_failed, {"action":"subscribe","params":"AM.DBB,T.*"}
//   -> one `success` status per channel, then data as JSON arrays of events.
// - REST custom bars: GET /v2/aggs/ticker/{ticker}/range/1/minute/{from}/{to}?adjusted&sort&limit,
//   key as `apiKey` or `Authorization: Bearer`, paged by `next_url` carrying an opaque `cursor`.
// Two clocks. `replay` (default): playback advances only while a subscribed client is connected, so
// a test can prove a connector loses nothing it was sent across reconnects. `live`: the test moves
// the market on with emitNext(); a client that is away (dropped, silent, not yet subscribed) misses
// those events for good, as on the real service, and the aggregates REST knows exactly the minute
// bars emitted so far, so only a gap backfill can recover them.

type Event = Record<string, unknown> & { ev: string; sym: string };
type Bar = { t: number; o: number; h: number; l: number; c: number; v: number; vw?: number; n?: number };

export interface PolygonFaults {
  /** End the connection without a close frame right after these frames (1-based, over the whole playback). */
  dropAfterFrames?: number[];
  /** Answer every auth with auth_failed, whatever the key. */
  failAuth?: boolean;
  /** REST: answer every Nth authorised request with 429. */
  rateLimitEvery?: number;
  /** REST: answer every Nth authorised request with 500 (counted apart from rateLimitEvery). */
  serverErrorEvery?: number;
}

export interface PolygonSimulatorOptions {
  apiKey: string;
  /** `replay` (default) or `live`: see the top of this file. */
  clock?: 'replay' | 'live';
  /** Events to play, oldest first, as Polygon serialises them. Default: the DBB file as AM events. */
  stream?: readonly Event[];
  /** Minute bars per ticker for the aggregates endpoint, oldest first. Default: DBB from the file; with the live clock, the AM events emitted so far. */
  aggregates?: Readonly<Record<string, readonly Bar[]>>;
  /** Events per frame (the server batches). Default 50. */
  eventsPerFrame?: number;
  /** Pause between frames. Default 0: as fast as the socket takes them. */
  frameIntervalMs?: number;
  /** Connections allowed at once ("one simultaneous WebSocket connection per cluster"). Default 1. */
  maxConnections?: number;
  faults?: PolygonFaults;
}

export interface PolygonSimulatorStats {
  connections: number;
  authFailures: number;
  subscribes: number;
  frames: number;
  events: number;
  drops: number;
  /** Live clock: events emitted while no connected client wanted them (a client away misses them). */
  missed: number;
  /** Connections refused with max_connections. */
  refused: number;
  restRequests: Record<number, number>;
}

interface Client {
  ws: WebSocket;
  socket: Socket;
  authed: boolean;
  silent: boolean;
  /** Silent but still answering pings: a socket that looks alive and streams nothing. */
  pongsWhileSilent: boolean;
  /** Ended by the server: gone for it at once, though the socket may take a moment to close. */
  dropped: boolean;
  channels: Set<string>;
}

const MINUTE_MS = 60_000;
const MAX_LIMIT = 50_000;
const status = (s: string, message: string) => ({ ev: 'status', status: s, message });

let dbb: Bar[] | undefined;

/** The DBB file (naive UTC times, see fixtures/README.md) as minute bars, read once per process. */
export function dbbMinuteBars(): readonly Bar[] {
  dbb ??= readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split(/\r?\n/).slice(1).map((line) => {
    const [ts, o, h, l, c, v] = line.split(',');
    return { t: Date.parse(`${ts.replace(' ', 'T')}Z`), o: Number(o), h: Number(h), l: Number(l), c: Number(c), v: Number(v) };
  });
  return dbb;
}

/** Minute bars as AM events; fields the recording lacks (vw, av, op, a, z) are left out. */
export function minuteEvents(sym: string, bars: readonly Bar[]): Event[] {
  return bars.map((b) => ({ ev: 'AM', sym, v: b.v, o: b.o, c: b.c, h: b.h, l: b.l, s: b.t, e: b.t + MINUTE_MS }));
}

const matches = (channels: Set<string>, e: Event) => channels.has(`${e.ev}.${e.sym}`) || channels.has(`${e.ev}.*`);

export class PolygonSimulator {
  readonly stats: PolygonSimulatorStats = { connections: 0, authFailures: 0, subscribes: 0, frames: 0, events: 0, drops: 0, missed: 0, refused: 0, restRequests: {} };
  faults: PolygonFaults;
  private readonly clients = new Set<Client>();
  private readonly injected: string[] = [];
  private readonly stream: readonly Event[];
  private readonly bars: Map<string, readonly Bar[]>;
  private readonly live: boolean;
  private cursor = 0;
  private pumping = false;
  private restCount = 0;
  private refusals = 0;

  private constructor(private readonly options: PolygonSimulatorOptions, private readonly server: Server, wss: WebSocketServer) {
    this.faults = { ...options.faults };
    this.stream = options.stream ?? minuteEvents('DBB', dbbMinuteBars());
    this.live = options.clock === 'live';
    this.bars = this.live ? new Map() : new Map(Object.entries(options.aggregates ?? { DBB: dbbMinuteBars() }));
    wss.on('connection', (ws, req) => this.accept(ws, req));
    server.on('request', (req, res) => this.handleRest(req, res));
  }

  static async start(options: PolygonSimulatorOptions): Promise<PolygonSimulator> {
    const server = createServer();
    // autoPong off: the simulator answers pings itself so that "go silent" can stop answering.
    const wss = new WebSocketServer({ server, path: '/stocks', autoPong: false });
    const simulator = new PolygonSimulator(options, server, wss);
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    return simulator;
  }

  private get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Stand-in for wss://socket.polygon.io/stocks. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/stocks`;
  }

  /** Stand-in for https://api.polygon.io. */
  get restUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Events of the playback already sent. */
  get played(): number {
    return this.cursor;
  }

  get finished(): boolean {
    return this.cursor >= this.stream.length && this.injected.length === 0;
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.socket.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Current connections stop sending and (unless `pongs`) stop answering pings; the sockets stay open. */
  goSilent({ pongs = false }: { pongs?: boolean } = {}): void {
    for (const c of this.clients) Object.assign(c, { silent: true, pongsWhileSilent: pongs });
  }

  /** Ends every connection abruptly: a FIN without a WebSocket close frame (close code 1006 at the client). */
  dropConnections(): void {
    this.stats.drops++;
    for (const c of this.clients) {
      c.dropped = true;
      c.socket.end();
      setTimeout(() => c.socket.destroy(), 1000).unref();
    }
  }

  /** The next `count` connections are refused with max_connections, as while a stale session still holds the slot. */
  refuseNext(count = 1): void {
    this.refusals += count;
  }

  /** Sends `frame` as is (malformed or not) to subscribed clients, in playback order (live clock: at once). */
  injectFrame(frame: string): void {
    if (this.live) {
      for (const c of this.listening()) c.ws.send(frame);
      return;
    }
    this.injected.push(frame);
    this.schedulePump();
  }

  /**
   * Live clock: the next `n` events of the stream happen now. Clients listening get them in frames of
   * eventsPerFrame; the others miss them. Returns how many events were emitted.
   */
  emitNext(n: number): number {
    if (!this.live) throw new Error('emitNext() needs the live clock (clock: "live")');
    const events = this.stream.slice(this.cursor, this.cursor + n);
    this.cursor += events.length;
    for (const e of events) if (e.ev === 'AM') this.record(e);
    const per = this.options.eventsPerFrame ?? 50;
    for (let i = 0; i < events.length; i += per) this.emitFrame(events.slice(i, i + per));
    return events.length;
  }

  private emitFrame(events: Event[]): void {
    const audience = this.listening();
    for (const c of audience) {
      const mine = events.filter((e) => matches(c.channels, e));
      if (mine.length) c.ws.send(JSON.stringify(mine));
    }
    this.stats.missed += events.filter((e) => !audience.some((c) => matches(c.channels, e))).length;
    this.stats.frames++;
    this.stats.events += events.length;
    if (this.faults.dropAfterFrames?.includes(this.stats.frames)) this.dropConnections();
  }

  /** An emitted minute aggregate becomes what the aggregates REST knows. */
  private record(e: Event): void {
    const bars = (this.bars.get(e.sym) ?? []) as Bar[];
    bars.push({ t: Number(e.s), o: Number(e.o), h: Number(e.h), l: Number(e.l), c: Number(e.c), v: Number(e.v) });
    this.bars.set(e.sym, bars);
  }

  private listening(): Client[] {
    return [...this.clients].filter((c) => c.authed && !c.silent && !c.dropped && c.channels.size > 0 && c.ws.readyState === c.ws.OPEN);
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const client: Client = { ws, socket: req.socket as Socket, authed: false, silent: false, pongsWhileSilent: false, dropped: false, channels: new Set() };
    const open = [...this.clients].filter((c) => !c.dropped).length;
    if (open >= (this.options.maxConnections ?? 1) || this.refusals > 0) {
      this.refusals = Math.max(0, this.refusals - 1);
      this.stats.refused++;
      this.send(client, [status('max_connections', 'Maximum number of websocket connections exceeded. You have reached the connection limit for your account.')]);
      ws.close(1008, 'max_connections');
      return;
    }
    this.clients.add(client);
    this.stats.connections++;
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', () => this.clients.delete(client));
    ws.on('ping', (data) => (client.silent && !client.pongsWhileSilent) || ws.pong(data));
    ws.on('message', (data) => this.onAction(client, data));
    this.send(client, [status('connected', 'Connected Successfully')]);
  }

  private send(client: Client, events: unknown[]): void {
    if (!client.silent) client.ws.send(JSON.stringify(events));
  }

  private onAction(client: Client, data: RawData): void {
    let action: { action?: unknown; params?: unknown };
    try {
      action = JSON.parse(data.toString());
    } catch {
      return this.send(client, [status('error', 'invalid json')]);
    }
    const params = typeof action.params === 'string' ? action.params : '';
    if (action.action === 'auth') return this.auth(client, params);
    if (!client.authed) return this.send(client, [status('error', 'not authenticated')]);
    if (action.action === 'subscribe' || action.action === 'unsubscribe') return this.subscribe(client, action.action, params);
    this.send(client, [status('error', `unknown action ${JSON.stringify(action.action)}`)]);
  }

  private auth(client: Client, key: string): void {
    if (this.faults.failAuth || key !== this.options.apiKey) {
      this.stats.authFailures++;
      this.send(client, [status('auth_failed', 'authentication failed')]);
      client.ws.close(1008, 'authentication failed');
      return;
    }
    client.authed = true;
    this.send(client, [status('auth_success', 'authenticated')]);
  }

  private subscribe(client: Client, action: 'subscribe' | 'unsubscribe', params: string): void {
    const channels = params.split(',').map((p) => p.trim()).filter((p) => /^(T|Q|AM|A)\.(\*|[A-Z][A-Z0-9.\-/]*)$/.test(p));
    if (action === 'subscribe') this.stats.subscribes++;
    for (const ch of channels) {
      if (action === 'subscribe') client.channels.add(ch);
      else client.channels.delete(ch);
    }
    this.send(client, channels.map((ch) => status('success', `${action}d to: ${ch}`)));
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumping || this.live) return;
    this.pumping = true;
    const interval = this.options.frameIntervalMs ?? 0;
    const run = () => void this.pump().finally(() => (this.pumping = false));
    if (interval > 0) setTimeout(run, interval);
    else setImmediate(run);
  }

  /** One frame to the subscribed clients; the cursor moves only once the frame is written. */
  private async pump(): Promise<void> {
    const audience = this.listening();
    if (audience.length === 0 || this.finished) return;
    const injected = this.injected.shift();
    const { events, end } = injected === undefined ? this.nextBatch(audience) : { events: [], end: this.cursor };
    if (injected === undefined && events.length === 0) {
      this.cursor = end;
      return;
    }
    const sent = await Promise.all(audience.map((c) => this.write(c, injected ?? JSON.stringify(events.filter((e) => matches(c.channels, e))))));
    if (!sent.some(Boolean)) {
      if (injected !== undefined) this.injected.unshift(injected);
      return;
    }
    this.cursor = end;
    this.stats.frames++;
    this.stats.events += events.length;
    if (this.faults.dropAfterFrames?.includes(this.stats.frames)) return this.dropConnections();
    setImmediate(() => this.schedulePump());
  }

  /** The next events any client wants; events nobody subscribed to are skipped. */
  private nextBatch(audience: Client[]): { events: Event[]; end: number } {
    const events: Event[] = [];
    let i = this.cursor;
    for (; i < this.stream.length && events.length < (this.options.eventsPerFrame ?? 50); i++) {
      if (audience.some((c) => matches(c.channels, this.stream[i]))) events.push(this.stream[i]);
    }
    return { events, end: i };
  }

  private write(client: Client, text: string): Promise<boolean> {
    return new Promise((resolve) => client.ws.send(text, (err) => resolve(!err)));
  }

  private handleRest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.restUrl);
    const { status: code, body } = this.answer(req, url);
    this.stats.restRequests[code] = (this.stats.restRequests[code] ?? 0) + 1;
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ ...body, request_id: randomUUID().replace(/-/g, '') }));
  }

  private answer(req: IncomingMessage, url: URL): { status: number; body: Record<string, unknown> } {
    const route = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/(\d+)\/([a-z]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!route || req.method !== 'GET') return { status: 404, body: { status: 'NOT_FOUND', message: 'not found' } };
    const key = url.searchParams.get('apiKey') ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (key !== this.options.apiKey) return { status: 401, body: { status: 'ERROR', error: 'Unknown API Key' } };
    const n = ++this.restCount;
    if (this.faults.rateLimitEvery && n % this.faults.rateLimitEvery === 0) {
      return { status: 429, body: { status: 'ERROR', error: "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue." } };
    }
    if (this.faults.serverErrorEvery && n % this.faults.serverErrorEvery === 0) return { status: 500, body: { status: 'ERROR', error: 'Internal server error' } };
    try {
      return { status: 200, body: this.aggregates(route.slice(1), url.searchParams) };
    } catch (err) {
      return { status: 400, body: { status: 'ERROR', error: (err as Error).message } };
    }
  }

  private aggregates([ticker, multiplier, timespan, fromText, toText]: string[], params: URLSearchParams): Record<string, unknown> {
    if (multiplier !== '1' || timespan !== 'minute') throw new Error('the simulator records 1/minute bars only');
    // next_url carries only an opaque cursor; ours is the query it continues, base64-encoded.
    const cursor = params.get('cursor');
    const query = cursor ? new URLSearchParams(Buffer.from(cursor, 'base64url').toString('utf8')) : params;
    const limit = Number(query.get('limit') ?? 5000);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new Error(`limit must be 1..${MAX_LIMIT}`);
    if ((query.get('sort') ?? 'asc') !== 'asc') throw new Error('the simulator serves sort=asc only');
    const adjusted = query.get('adjusted') !== 'false';
    const [from, to] = [windowEdge(fromText, 'start'), windowEdge(toText, 'end')];
    const all = this.bars.get(ticker) ?? [];
    const first = all.findIndex((b) => b.t >= from);
    const inWindow = first < 0 ? [] : all.slice(first).filter((b) => b.t <= to);
    const results = inWindow.slice(0, limit);
    const body: Record<string, unknown> = { ticker, queryCount: results.length, resultsCount: results.length, adjusted, status: 'OK', count: results.length };
    if (results.length) body.results = results;
    if (inWindow.length > limit) {
      const next = new URLSearchParams({ adjusted: String(adjusted), limit: String(limit), sort: 'asc' }).toString();
      body.next_url = `${this.restUrl}/v2/aggs/ticker/${ticker}/range/1/minute/${inWindow[limit].t}/${toText}?cursor=${Buffer.from(next).toString('base64url')}`;
    }
    return body;
  }
}

/** `from`/`to` are inclusive: epoch ms, or a YYYY-MM-DD day, read in New York as Polygon builds bars in ET. */
function windowEdge(text: string, edge: 'start' | 'end'): number {
  if (/^\d+$/.test(text)) return Number(text);
  const day = DateTime.fromISO(text, { zone: 'America/New_York' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !day.isValid) throw new Error(`invalid ${edge === 'start' ? 'from' : 'to'}: ${text}`);
  return edge === 'start' ? day.toMillis() : day.endOf('day').toMillis();
}
