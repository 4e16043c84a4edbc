import { ConfigError } from '@md/config';
import { Logger } from '@nestjs/common';
import { sessionAt } from '@md/market';
import type { AlpacaChannel } from '@md/providers';
import type { BackoffPolicy } from '@md/kafka';
import { NO_STREAM_METRICS, type DataTimeoutPolicy, type HistoricalBars, type Secret, type StreamLogger } from '@md/ingest';
import type { AlpacaStreamMetrics } from './alpaca-stream.metrics';
import type { AlpacaEncoding } from './alpaca-stream.wire';

/** Docs ("Real-time Stock Data"): v2/iex, v2/sip, v2/delayed_sip; v2/test streams FAKEPACA at any hour. */
export type AlpacaStreamFeed = 'iex' | 'sip' | 'delayed_sip' | 'test';

export interface AlpacaStreamOptions {
  /** Stream host without the path. Default wss://stream.data.alpaca.markets (sandbox: wss://stream.data.sandbox.alpaca.markets). */
  baseUrl?: string;
  /** Default iex (the free plan's feed). */
  feed?: AlpacaStreamFeed;
  /** APCA-API-KEY-ID, read at each session (a rotating key needs no restart). Never logged. */
  keyId: Secret;
  /** APCA-API-SECRET-KEY, read at each session. Never logged. */
  secretKey: Secret;
  /** Symbols per channel, e.g. { bars: ['AAPL'], updatedBars: ['AAPL'] }; '*' is every symbol. */
  symbols: Partial<Record<AlpacaChannel, readonly string[]>>;
  /** Default json; msgpack is what the official SDK uses. */
  encoding?: AlpacaEncoding;
  /** Authenticate with the auth message (default) or the APCA-API-* headers of the upgrade request. */
  authVia?: 'message' | 'headers';
  /** Provider name written into each record. Default "alpaca". */
  provider?: string;
  /** Reconnect delay: capped exponential backoff with full jitter. Default 500 ms doubling to 30 s. */
  backoff?: BackoffPolicy;
  /** A session streaming this long resets the backoff. Default 60 s. */
  stableAfterMs?: number;
  /** After 406 (connection limit exceeded), wait this long for the stale session to expire. Default 45 s. */
  connectionLimitDelayMs?: number;
  /** WebSocket ping every this often. Default 15 s (the server pings every 54 s). */
  pingIntervalMs?: number;
  /** No pong within this: the peer is dead. Default 10 s. */
  pongTimeoutMs?: number;
  /** Each handshake step (connected, authenticated, each subscription ack). Default 10 s, as Alpaca's auth window. */
  handshakeTimeoutMs?: number;
  /** Silence allowed while data is expected. Default 2 min to 15 min, 10 mean gaps, rate over 10 min. */
  dataTimeout?: DataTimeoutPolicy;
  /** Whether data is expected at this instant (UTC micros). Default: the NYSE regular session by the calendar. */
  expectData?: (nowUs: number) => boolean;
  /** How often the data timeout and the last-message age are checked. Default 1 s. */
  watchdogTickMs?: number;
  /** Symbols per subscribe message. Default 200. */
  subscribeBatch?: number;
  /** Frames read ahead of the sink before the socket is paused (back-pressure). Default 256. */
  maxQueuedFrames?: number;
  /** Frames handed over and awaiting their publish at once (see ALPACA_IN_FLIGHT_FRAMES). Default 512. */
  inFlightFrames?: number;
  /** Largest frame accepted. Default 16 MiB. */
  maxFrameBytes?: number;
  /** Fetches the bars missed while disconnected, [last bar received, now), after every reconnect. */
  backfill?: HistoricalBars;
  /** Longest window one backfill asks for. Default 3 days. */
  maxBackfillMs?: number;
  metrics?: AlpacaStreamMetrics;
  /** Default a Nest Logger named AlpacaStreamConnector; every line passes the redactor first. */
  logger?: StreamLogger;
  /** Wall clock in epoch ms, for tests. */
  now?: () => number;
}

export type ResolvedStreamOptions = Required<Omit<AlpacaStreamOptions, 'backfill'>> & Pick<AlpacaStreamOptions, 'backfill'>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * Frames handed to the session and awaiting their publish at once. Each is parsed and handed to the
 * sink as soon as it is read, so a sink that batches concurrent publishes (group commit) sends one
 * Kafka request for all the frames read during the previous one. The window must hold the backlog
 * of a stall (a GC pause, a descheduled process): with 64, and with each batch awaited before the
 * next frame was read, requests never carried more than 63 records, so a backlog drained 63 frames
 * a round trip (stream bench, issue #5). 512 frames is about 100 ms of a 5,000 messages/s stream.
 */
export const ALPACA_IN_FLIGHT_FRAMES = 512;

export function resolveStreamOptions(options: AlpacaStreamOptions): ResolvedStreamOptions {
  if (!options.keyId || !options.secretKey) throw new ConfigError('Alpaca stream: keyId and secretKey are required');
  if (!Object.values(options.symbols).some((list) => list && list.length > 0)) throw new ConfigError('Alpaca stream: no symbols to subscribe');
  return {
    baseUrl: 'wss://stream.data.alpaca.markets',
    feed: 'iex',
    encoding: 'json',
    authVia: 'message',
    provider: 'alpaca',
    backoff: { initialMs: 500, maxMs: 30 * SECOND },
    stableAfterMs: MINUTE,
    connectionLimitDelayMs: 45 * SECOND,
    pingIntervalMs: 15 * SECOND,
    pongTimeoutMs: 10 * SECOND,
    handshakeTimeoutMs: 10 * SECOND,
    dataTimeout: { minMs: 2 * MINUTE, maxMs: 15 * MINUTE, gapMultiple: 10, rateWindowMs: 10 * MINUTE },
    expectData: (nowUs) => sessionAt(nowUs) === 'REGULAR',
    watchdogTickMs: SECOND,
    subscribeBatch: 200,
    maxQueuedFrames: 256,
    inFlightFrames: ALPACA_IN_FLIGHT_FRAMES,
    maxFrameBytes: 16 * 1024 * 1024,
    maxBackfillMs: 3 * 24 * 60 * MINUTE,
    metrics: NO_STREAM_METRICS,
    logger: new Logger('AlpacaStreamConnector'),
    now: Date.now,
    ...definedOnly(options),
    keyId: options.keyId,
    secretKey: options.secretKey,
    symbols: options.symbols,
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
