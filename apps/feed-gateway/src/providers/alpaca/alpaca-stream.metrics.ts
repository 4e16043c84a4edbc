import type { StreamMetrics } from '@md/ingest';

// What the connector reports, as the ingest kit's small StreamMetrics interface with Alpaca's
// reconnect reasons; the gateway binds it to prom-client as md_alpaca_stream_* (streams.ts).

/** Why a session ended and another is opened. */
export const RECONNECT_REASONS = [
  'server_closed', 'connect_error', 'pong_timeout', 'data_timeout', 'handshake_timeout', 'protocol_error', 'connection_limit',
  'slow_client', 'auth_timeout', 'not_authenticated', 'server_error', 'publish_failed',
] as const;
export type ReconnectReason = (typeof RECONNECT_REASONS)[number];

/** Message types are Alpaca's (b, u, d, t, q, c, x, s, l, success, subscription, error), or 'rejected'. */
export type AlpacaStreamMetrics = StreamMetrics<ReconnectReason>;
