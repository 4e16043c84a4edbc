import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import { status } from './polygon-events';

// Polygon's WebSocket control protocol (polygon.io/docs/stocks/ws_getting-started): `connected` on
// open, {"action":"auth","params":KEY} -> auth_success | auth_failed (then closed),
// {"action":"subscribe","params":"AM.DBB,T.*"} -> one `success` status per channel; a connection over
// the limit ("one simultaneous WebSocket connection per cluster") gets max_connections and is closed.

export interface PolygonClient {
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

/** The counts the control protocol keeps (part of PolygonSimulatorStats). */
interface ControlStats {
  connections: number;
  authFailures: number;
  subscribes: number;
  refused: number;
}

export interface PolygonClientsOptions {
  apiKey: string;
  /** Connections allowed at once. */
  maxConnections: number;
  /** Read at each auth: answer auth_failed whatever the key. */
  failAuth: () => boolean;
  /** A client's channels changed: playback may go on. */
  onSubscribe: () => void;
}

/** The connected clients and their side of the control protocol. */
export class PolygonClients {
  readonly all = new Set<PolygonClient>();
  private refusals = 0;

  constructor(private readonly options: PolygonClientsOptions, private readonly stats: ControlStats) {}

  /** The next `count` connections are refused with max_connections. */
  refuseNext(count: number): void {
    this.refusals += count;
  }

  /** Clients that get data: authenticated, subscribed, not silent, not dropped, open. */
  listening(): PolygonClient[] {
    return [...this.all].filter((c) => c.authed && !c.silent && !c.dropped && c.channels.size > 0 && c.ws.readyState === c.ws.OPEN);
  }

  accept(ws: WebSocket, req: IncomingMessage): void {
    const client: PolygonClient = { ws, socket: req.socket as Socket, authed: false, silent: false, pongsWhileSilent: false, dropped: false, channels: new Set() };
    const open = [...this.all].filter((c) => !c.dropped).length;
    if (open >= this.options.maxConnections || this.refusals > 0) {
      this.refusals = Math.max(0, this.refusals - 1);
      this.stats.refused++;
      this.send(client, [status('max_connections', 'Maximum number of websocket connections exceeded. You have reached the connection limit for your account.')]);
      ws.close(1008, 'max_connections');
      return;
    }
    this.all.add(client);
    this.stats.connections++;
    ws.on('close', () => this.all.delete(client));
    ws.on('error', () => this.all.delete(client));
    ws.on('ping', (data) => (client.silent && !client.pongsWhileSilent) || ws.pong(data));
    ws.on('message', (data) => this.onAction(client, data));
    this.send(client, [status('connected', 'Connected Successfully')]);
  }

  private send(client: PolygonClient, events: unknown[]): void {
    if (!client.silent) client.ws.send(JSON.stringify(events));
  }

  private onAction(client: PolygonClient, data: RawData): void {
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

  private auth(client: PolygonClient, key: string): void {
    if (this.options.failAuth() || key !== this.options.apiKey) {
      this.stats.authFailures++;
      this.send(client, [status('auth_failed', 'authentication failed')]);
      client.ws.close(1008, 'authentication failed');
      return;
    }
    client.authed = true;
    this.send(client, [status('auth_success', 'authenticated')]);
  }

  private subscribe(client: PolygonClient, action: 'subscribe' | 'unsubscribe', params: string): void {
    const channels = params.split(',').map((p) => p.trim()).filter((p) => /^(T|Q|AM|A)\.(\*|[A-Z][A-Z0-9.\-/]*)$/.test(p));
    if (action === 'subscribe') this.stats.subscribes++;
    for (const ch of channels) {
      if (action === 'subscribe') client.channels.add(ch);
      else client.channels.delete(ch);
    }
    this.send(client, channels.map((ch) => status('success', `${action}d to: ${ch}`)));
    this.options.onSubscribe();
  }
}
