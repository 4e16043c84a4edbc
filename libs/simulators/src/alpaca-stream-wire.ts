import { EXT_TIMESTAMP, ExtensionCodec, encodeTimeSpecToTimestamp } from '@msgpack/msgpack';
import type { QuoteRecord, RawBar, TradeRecord } from '@md/contracts';
import type { Wire } from './alpaca-ws-session';

// Stock data messages as the Alpaca v2 stream writes them (docs.alpaca.markets "Real-time Stock
// Data": Trades `t`, Quotes `q`, Minute Bars `b`, Updated Bars `u`), in JSON or MessagePack.

export const CHANNELS = ['trades', 'quotes', 'bars', 'updatedBars', 'dailyBars', 'statuses', 'lulds', 'imbalances'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The channel a message type is sent on (corrections `c` and cancels `x` go with trades). */
export const CHANNEL_OF_TYPE: Readonly<Record<string, Channel>> = { t: 'trades', c: 'trades', x: 'trades', q: 'quotes', b: 'bars', u: 'updatedBars', d: 'dailyBars', s: 'statuses', l: 'lulds', i: 'imbalances' };

/** A wire timestamp: RFC-3339 text in JSON, the msgpack timestamp extension (-1) in MessagePack, with nanoseconds. */
class WireTime {
  constructor(readonly us: number) {}
  toJSON(): string {
    const fraction = this.us % 1_000_000;
    const seconds = new Date(Math.floor(this.us / 1000)).toISOString().slice(0, 19);
    return fraction ? `${seconds}.${String(fraction * 1000).padStart(9, '0')}Z` : `${seconds}Z`;
  }
}

/** MessagePack with WireTime as the timestamp extension. */
export const stockDataCodec = new ExtensionCodec();
stockDataCodec.register({
  type: EXT_TIMESTAMP,
  encode: (v) => (v instanceof WireTime ? encodeTimeSpecToTimestamp({ sec: Math.floor(v.us / 1e6), nsec: (v.us % 1e6) * 1000 }) : null),
  decode: (data) => data,
});

const price = (decimal: string) => Number(decimal);

export function barMessage(type: 'b' | 'u', bar: RawBar): Wire {
  const extra = { ...(bar.tradeCount === null ? {} : { n: bar.tradeCount }), ...(bar.vwap === null ? {} : { vw: price(bar.vwap) }) };
  return { T: type, S: bar.symbol, o: price(bar.open), h: price(bar.high), l: price(bar.low), c: price(bar.close), v: bar.volume, t: new WireTime(bar.eventTime), ...extra };
}

export function tradeMessage(t: TradeRecord): Wire {
  return { T: 't', S: t.symbol, i: Number(t.tradeId ?? 0), x: t.exchange ?? 'V', p: price(t.price), s: t.size, c: t.conditions, z: t.tape ?? 'C', t: new WireTime(t.eventTime) };
}

export function quoteMessage(q: QuoteRecord): Wire {
  return {
    T: 'q', S: q.symbol, bx: q.bidExchange ?? 'V', bp: price(q.bidPrice), bs: q.bidSize, ax: q.askExchange ?? 'V', ap: price(q.askPrice), as: q.askSize,
    c: q.conditions, z: q.tape ?? 'C', t: new WireTime(q.eventTime),
  };
}
