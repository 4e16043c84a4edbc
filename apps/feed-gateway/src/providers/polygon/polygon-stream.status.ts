import { MdError } from '@md/contracts';
import type { PolygonReconnectReason } from './polygon-stream.options';

// What the Polygon stream reports (GET /v1/streams, stats for tests) and the error that stops it.

/** The stream cannot go on as configured (auth_failed) or without losing data (the sink failed): not retriable. */
export class PolygonStreamError extends MdError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

export interface PolygonStreamStats {
  connections: number;
  frames: number;
  records: number;
  rejected: number;
  /** Most bytes read but not yet handled: about one socket read (64 KiB), as the socket is paused while the sink is busy. */
  maxQueuedBytes: number;
}

export type PolygonStreamState = 'idle' | 'connecting' | 'authenticating' | 'streaming' | 'waiting' | 'stopped' | 'failed';

/** What GET /v1/streams shows. */
export interface PolygonStreamStatus {
  state: PolygonStreamState;
  url: string;
  /** Why the last session ended, or why the connector failed. */
  reason: string | null;
  channels: string[];
  /** Channels the server acknowledged on the current connection. */
  acknowledged: string[];
  /** AM symbols whose missed minutes are backfilled after a reconnect (empty: no backfill configured). */
  backfillSymbols: string[];
  reconnects: Partial<Record<PolygonReconnectReason, number>>;
  /** Connections opened, and how many of them got as far as subscribing. */
  sessions: number;
  streamed: number;
  published: number;
  rejected: number;
  backfills: number;
  backfilledBars: number;
  lastBackfill: { from: string; to: string; bars: number; error: string | null } | null;
}
