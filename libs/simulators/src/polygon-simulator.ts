import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LocalServer } from './local-server';
import { dbbMinuteBars, type MinuteBar } from './minute-csv';
import { matches, minuteEvents, type PolygonEvent } from './polygon-events';
import { PolygonAggregates, type PolygonRestFaults } from './polygon-aggregates';
import { PolygonClients, type PolygonClient } from './polygon-clients';

// A protocol-faithful Polygon.io (Massive) stocks server on 127.0.0.1, one port for both:
// - WebSocket at /stocks: the control protocol in polygon-clients.ts, then data as JSON arrays of events.
// - REST custom bars (GET /v2/aggs/ticker/...): polygon-aggregates.ts.
// Two clocks. `replay` (default): playback advances only while a subscribed client is connected, so
// a test can prove a connector loses nothing it was sent across reconnects. `live`: the test moves
// the market on with emitNext(); a client that is away (dropped, silent, not yet subscribed) misses
// those events for good, as on the real service, and the aggregates REST knows exactly the minute
// bars emitted so far, so only a gap backfill can recover them.

export interface PolygonFaults extends PolygonRestFaults {
  /** End the connection without a close frame right after these frames (1-based, over the whole playback). */
  dropAfterFrames?: number[];
  /** Answer every auth with auth_failed, whatever the key. */
  failAuth?: boolean;
}

export interface PolygonSimulatorOptions {
  apiKey: string;
  /** `replay` (default) or `live`: see the top of this file. */
  clock?: 'replay' | 'live';
  /** Events to play, oldest first, as Polygon serialises them. Default: the DBB file as AM events. */
  stream?: readonly PolygonEvent[];
  /** Minute bars per ticker for the aggregates endpoint, oldest first. Default: DBB from the file; with the live clock, the AM events emitted so far. */
  aggregates?: Readonly<Record<string, readonly MinuteBar[]>>;
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

export class PolygonSimulator {
  readonly stats: PolygonSimulatorStats = { connections: 0, authFailures: 0, subscribes: 0, frames: 0, events: 0, drops: 0, missed: 0, refused: 0, restRequests: {} };
  faults: PolygonFaults;
  private readonly clients: PolygonClients;
  private readonly rest: PolygonAggregates;
  private readonly injected: string[] = [];
  private readonly stream: readonly PolygonEvent[];
  private readonly bars: Map<string, readonly MinuteBar[]>;
  private readonly live: boolean;
  private cursor = 0;
  private pumping = false;

  private constructor(private readonly options: PolygonSimulatorOptions, private readonly server: LocalServer) {
    this.faults = { ...options.faults };
    this.stream = options.stream ?? minuteEvents('DBB', dbbMinuteBars());
    this.live = options.clock === 'live';
    this.bars = this.live ? new Map() : new Map(Object.entries(options.aggregates ?? { DBB: dbbMinuteBars() }));
    this.rest = new PolygonAggregates(options.apiKey, this.bars, server.url);
    this.clients = new PolygonClients(
      { apiKey: options.apiKey, maxConnections: options.maxConnections ?? 1, failAuth: () => !!this.faults.failAuth, onSubscribe: () => this.schedulePump() },
      this.stats,
    );
    // autoPong off: the simulator answers pings itself so that "go silent" can stop answering.
    server.webSocket({ path: '/stocks', autoPong: false }).on('connection', (ws, req) => this.clients.accept(ws, req));
    server.serve((req, res) => this.handleRest(req, res));
  }

  static start(options: PolygonSimulatorOptions): Promise<PolygonSimulator> {
    return LocalServer.host((server) => new PolygonSimulator(options, server));
  }

  /** Stand-in for wss://socket.polygon.io/stocks. */
  get wsUrl(): string {
    return `ws://127.0.0.1:${this.server.port}/stocks`;
  }

  /** Stand-in for https://api.polygon.io. */
  get restUrl(): string {
    return this.server.url;
  }

  /** Events of the playback already sent. */
  get played(): number {
    return this.cursor;
  }

  get finished(): boolean {
    return this.cursor >= this.stream.length && this.injected.length === 0;
  }

  /** Closes the server, every socket (refused and dropped ones included) and the playback and drop timers. */
  stop(): Promise<void> {
    return this.server.close();
  }

  /** Current connections stop sending and (unless `pongs`) stop answering pings; the sockets stay open. */
  goSilent({ pongs = false }: { pongs?: boolean } = {}): void {
    for (const c of this.clients.all) Object.assign(c, { silent: true, pongsWhileSilent: pongs });
  }

  /** Ends every connection abruptly: a FIN without a WebSocket close frame (close code 1006 at the client). */
  dropConnections(): void {
    this.stats.drops++;
    for (const c of this.clients.all) {
      c.dropped = true;
      c.socket.end();
      this.server.later(1000, () => c.socket.destroy());
    }
  }

  /** The next `count` connections are refused with max_connections, as while a stale session still holds the slot. */
  refuseNext(count = 1): void {
    this.clients.refuseNext(count);
  }

  /** Sends `frame` as is (malformed or not) to subscribed clients, in playback order (live clock: at once). */
  injectFrame(frame: string): void {
    if (this.live) {
      for (const c of this.clients.listening()) c.ws.send(frame);
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

  private emitFrame(events: PolygonEvent[]): void {
    const audience = this.clients.listening();
    for (const c of audience) {
      const mine = events.filter((e) => matches(c.channels, e));
      if (mine.length) c.ws.send(JSON.stringify(mine));
    }
    this.stats.missed += events.filter((e) => !audience.some((c) => matches(c.channels, e))).length;
    this.countFrame(events.length);
  }

  /** Counts a frame sent; true when the faults drop the connections after it. */
  private countFrame(events: number): boolean {
    this.stats.frames++;
    this.stats.events += events;
    const drop = this.faults.dropAfterFrames?.includes(this.stats.frames) ?? false;
    if (drop) this.dropConnections();
    return drop;
  }

  /** An emitted minute aggregate becomes what the aggregates REST knows. */
  private record(e: PolygonEvent): void {
    const bars = (this.bars.get(e.sym) ?? []) as MinuteBar[];
    bars.push({ t: Number(e.s), o: Number(e.o), h: Number(e.h), l: Number(e.l), c: Number(e.c), v: Number(e.v) });
    this.bars.set(e.sym, bars);
  }

  private schedulePump(): void {
    if (this.pumping || this.live) return;
    this.pumping = true;
    const interval = this.options.frameIntervalMs ?? 0;
    const run = () => void this.pump().finally(() => (this.pumping = false));
    if (interval > 0) this.server.later(interval, run);
    else setImmediate(run);
  }

  /** One frame to the subscribed clients; the cursor moves only once the frame is written. */
  private async pump(): Promise<void> {
    const audience = this.clients.listening();
    if (audience.length === 0 || this.finished) return;
    const injected = this.injected.shift();
    const { events, end } = injected === undefined ? this.nextBatch(audience) : { events: [], end: this.cursor };
    if (injected === undefined && events.length === 0) {
      this.cursor = end;
      return;
    }
    const sent = await Promise.all(audience.map((c) => write(c, injected ?? JSON.stringify(events.filter((e) => matches(c.channels, e))))));
    if (!sent.some(Boolean)) {
      if (injected !== undefined) this.injected.unshift(injected);
      return;
    }
    this.cursor = end;
    if (!this.countFrame(events.length)) setImmediate(() => this.schedulePump());
  }

  /** The next events any client wants; events nobody subscribed to are skipped. */
  private nextBatch(audience: PolygonClient[]): { events: PolygonEvent[]; end: number } {
    const events: PolygonEvent[] = [];
    let i = this.cursor;
    for (; i < this.stream.length && events.length < (this.options.eventsPerFrame ?? 50); i++) {
      if (audience.some((c) => matches(c.channels, this.stream[i]))) events.push(this.stream[i]);
    }
    return { events, end: i };
  }

  private handleRest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.restUrl);
    const { status: code, body } = this.rest.answer(req, url, this.faults);
    this.stats.restRequests[code] = (this.stats.restRequests[code] ?? 0) + 1;
    res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify({ ...body, request_id: randomUUID().replace(/-/g, '') }));
  }
}

function write(client: PolygonClient, text: string): Promise<boolean> {
  return new Promise((resolve) => client.ws.send(text, (err) => resolve(!err)));
}
