// What the connector reports, as a small interface so this folder needs no prom-client; the
// gateway binds it to prom-client as md_alpaca_stream_* (providers/provider-stream.metrics.ts).
/** Why a session ended and another is opened. */
export const RECONNECT_REASONS = [
  'server_closed', 'connect_error', 'pong_timeout', 'data_timeout', 'handshake_timeout', 'protocol_error', 'connection_limit',
  'slow_client', 'auth_timeout', 'not_authenticated', 'server_error', 'publish_failed',
] as const;
export type ReconnectReason = (typeof RECONNECT_REASONS)[number];

export interface StreamMetrics {
  /** One message by Alpaca type (b, u, d, t, q, c, x, s, l, success, subscription, error), or 'rejected'. */
  message(type: string): void;
  reconnect(reason: ReconnectReason): void;
  /** Seconds since the last frame of any kind, sampled every watchdog tick. */
  lastMessageAge(seconds: number): void;
  /** Provider time to publish resolved, seconds: trades and quotes from their time, minute bars from their end. */
  publishLatency(seconds: number): void;
  /** Bars recovered through the backfill hook after a reconnect. */
  backfilled(bars: number): void;
}

export const NO_STREAM_METRICS: StreamMetrics = {
  message: () => undefined,
  reconnect: () => undefined,
  lastMessageAge: () => undefined,
  publishLatency: () => undefined,
  backfilled: () => undefined,
};
