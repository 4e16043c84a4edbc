import { Logger } from '@nestjs/common';
import { sessionAt } from '@md/market';
import type { BackoffPolicy } from '@md/kafka';
import { NO_STREAM_METRICS, type DataTimeoutPolicy, type Secret, type StreamLogger, type StreamMetrics } from '@md/ingest';
import type { PolygonAggregatesOptions } from './polygon-aggregates.client';

/** Why a session ended and another is opened (the `reason` label of md_polygon_stream_reconnects_total). */
export type PolygonReconnectReason = 'server_closed' | 'connect_error' | 'handshake_timeout' | 'pong_timeout' | 'data_timeout' | 'max_connections';

/** When data is expected, for the data timeout: the NYSE regular session, pre to post market, or always (crypto, forex). */
export type PolygonDataExpected = 'regular' | 'extended' | 'always';

/** The aggregates REST used for the gap backfill; the stream's API key and provider name are used. */
export type PolygonBackfillOptions = Omit<PolygonAggregatesOptions, 'apiKey' | 'onRejected' | 'provider'>;

export interface PolygonStreamOptions {
  /** wss://socket.polygon.io/stocks (real time), wss://delayed.polygon.io/stocks, or a simulator's. */
  url: string;
  /** Sent in the auth message only (read at each session: a rotating key needs no restart); never logged, redacted from anything the server echoes. */
  apiKey: Secret;
  /** Channels as Polygon spells them: "AM.DBB", "T.AAPL", "Q.AAPL". */
  channels: readonly string[];
  /** Reconnect delays: capped exponential with full jitter. Default 500 ms doubling to 30 s. */
  backoff?: BackoffPolicy;
  /** Ping period. Default 10 s. */
  pingIntervalMs?: number;
  /** No pong (and no frame) this long after a ping: the socket counts as dead. Default 10 s. */
  pongTimeoutMs?: number;
  /** From dialling to auth_success. Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Largest frame accepted. Default 16 MiB. */
  maxFrameBytes?: number;
  /** Provider name written into each record. Default "polygon". */
  provider?: string;
  /** Silence allowed while data is expected (a socket that pongs but streams nothing). Default 2 to 15 min, 10 mean gaps, rate over 10 min. */
  dataTimeout?: DataTimeoutPolicy;
  /** Default 'regular': the stocks cluster is quiet outside the session, which is no reason to reconnect. */
  dataExpected?: PolygonDataExpected;
  /** How often the data timeout and the last-message age are checked. Default 1 s. */
  watchdogTickMs?: number;
  /** After every reconnect, the AM symbols' minute bars of the missed window come from here (absent: no backfill). */
  backfill?: PolygonBackfillOptions;
  /** Longest window one backfill asks for. Default 3 days. */
  maxBackfillMs?: number;
  metrics?: StreamMetrics<PolygonReconnectReason>;
  /** Default a Nest Logger named PolygonStreamConnector; every line passes the redactor first. */
  logger?: StreamLogger;
  /** Wall clock in epoch ms, for tests. */
  now?: () => number;
}

export type ResolvedPolygonOptions = Required<Omit<PolygonStreamOptions, 'backfill'>> & Pick<PolygonStreamOptions, 'backfill'>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const EXPECTED: Readonly<Record<PolygonDataExpected, (nowUs: number) => boolean>> = {
  regular: (nowUs) => sessionAt(nowUs) === 'REGULAR',
  extended: (nowUs) => ['PRE', 'REGULAR', 'POST'].includes(sessionAt(nowUs)),
  always: () => true,
};

/** Whether data is expected at an instant (UTC micros). */
export const dataExpectedAt = (mode: PolygonDataExpected) => EXPECTED[mode];

export function resolvePolygonOptions(o: PolygonStreamOptions): ResolvedPolygonOptions {
  if (o.channels.length === 0) throw new RangeError('Polygon stream needs at least one channel, e.g. AM.DBB');
  const defined = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as PolygonStreamOptions;
  return {
    backoff: { initialMs: 500, maxMs: 30 * SECOND },
    pingIntervalMs: 10 * SECOND,
    pongTimeoutMs: 10 * SECOND,
    handshakeTimeoutMs: 10 * SECOND,
    maxFrameBytes: 16 * 1024 * 1024,
    provider: 'polygon',
    dataTimeout: { minMs: 2 * MINUTE, maxMs: 15 * MINUTE, gapMultiple: 10, rateWindowMs: 10 * MINUTE },
    dataExpected: 'regular',
    watchdogTickMs: SECOND,
    maxBackfillMs: 3 * 24 * 60 * MINUTE,
    metrics: NO_STREAM_METRICS,
    logger: new Logger('PolygonStreamConnector'),
    now: Date.now,
    ...defined,
  };
}
