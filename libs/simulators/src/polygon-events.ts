import type { MinuteBar } from './minute-csv';

// Polygon.io stocks WebSocket messages (polygon.io/docs/stocks/ws_getting-started): events are JSON
// objects with `ev` (T, Q, AM, A, status) and `sym`, sent as JSON arrays; a channel is "EV.SYM" or "EV.*".

export type PolygonEvent = Record<string, unknown> & { ev: string; sym: string };

const MINUTE_MS = 60_000;

/** Minute bars as AM events; fields the recording lacks (vw, av, op, a, z) are left out. */
export function minuteEvents(sym: string, bars: readonly MinuteBar[]): PolygonEvent[] {
  return bars.map((b) => ({ ev: 'AM', sym, v: b.v, o: b.o, c: b.c, h: b.h, l: b.l, s: b.t, e: b.t + MINUTE_MS }));
}

/** A control message: connected, auth_success, auth_failed, success, error, max_connections. */
export const status = (s: string, message: string) => ({ ev: 'status', status: s, message });

/** Whether a client subscribed to `channels` wants the event. */
export const matches = (channels: ReadonlySet<string>, e: PolygonEvent) => channels.has(`${e.ev}.${e.sym}`) || channels.has(`${e.ev}.*`);
