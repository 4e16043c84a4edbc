import type { QuoteRecord, RawBar, TradeRecord } from '@md/contracts';
import type { Wire } from './alpaca-ws-session';
import { CHANNEL_OF_TYPE, barMessage, quoteMessage, tradeMessage, type Channel } from './alpaca-stream-wire';

// The recorded market as the stream simulator replays it: one timeline in provider-time order, each
// message at the moment the real server would send it (docs.alpaca.markets "Real-time Stock Data").

export interface AlpacaStreamRecording {
  /** Minute bars, sent as `b` right after their minute ends (docs: "Minute Bars"). */
  bars?: readonly RawBar[];
  /** Updated bars, sent as `u` after the half-minute mark following their minute (docs: "Updated Bars"). */
  updatedBars?: readonly RawBar[];
  trades?: readonly TradeRecord[];
  quotes?: readonly QuoteRecord[];
  /** Raw wire messages at provider times (corrections, cancels, statuses, LULDs, daily bars). */
  messages?: readonly { atUs: number; message: Wire }[];
}

export interface TimelineEntry {
  atUs: number;
  symbol: string;
  channel: Channel;
  message: Wire;
  /** A bar's record, which the REST stand-in serves once the bar is sent. */
  bar?: RawBar;
}

const MINUTE_US = 60_000_000;

/** Everything the server will send, in provider-time order (a bar goes out when its minute is over); ties keep recording order. */
export function buildTimeline(o: AlpacaStreamRecording): TimelineEntry[] {
  const entries: TimelineEntry[] = [
    ...(o.bars ?? []).map((bar) => ({ atUs: bar.eventTime + MINUTE_US, symbol: bar.symbol, channel: 'bars' as const, message: barMessage('b', bar), bar })),
    ...(o.updatedBars ?? []).map((bar) => ({ atUs: bar.eventTime + MINUTE_US * 1.5, symbol: bar.symbol, channel: 'updatedBars' as const, message: barMessage('u', bar), bar })),
    ...(o.trades ?? []).map((t) => ({ atUs: t.eventTime, symbol: t.symbol, channel: 'trades' as const, message: tradeMessage(t) })),
    ...(o.quotes ?? []).map((q) => ({ atUs: q.eventTime, symbol: q.symbol, channel: 'quotes' as const, message: quoteMessage(q) })),
    ...(o.messages ?? []).map(({ atUs, message }) => ({ atUs, symbol: String(message.S), channel: CHANNEL_OF_TYPE[String(message.T)] ?? 'bars', message })),
  ];
  return entries.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => a.atUs - b.atUs || i - j).map(([e]) => e);
}
