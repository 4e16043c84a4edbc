import { createHash } from 'node:crypto';
import type { QuoteRecord, TradeRecord } from '@md/contracts';

// The identity of a stored trade or quote (0006-raw-market-tables.migration.ts) within its
// (symbol, event_time, provider[, correction]) group.
//
// A trade with a provider id is that id. A quote, or a trade without an id, has only its content:
// two identical prints in the same microsecond are two trades (the vendored SPY day has 330 such
// repeats in its first 3,000 trades, at millisecond stamps), yet a redelivery of one print is
// identical too. Inside one write (one chunk of one partition, in topic order) identical records
// are distinct records, so they are numbered 0, 1, … after the content hash; a redelivered or
// replayed chunk numbers them the same way and stores nothing twice. The limit: identical records
// that a chunk boundary splits (one in each of two writes) get the same number and are stored
// once. Telling them apart would take the record's Kafka position, which a sink's write does not
// see; every connector of ours sets trade ids (the LEAN file connector uses date:line).

/** '168.90000000' and '168.9' are one price: a key must not depend on how a decimal was spelled. */
export function canonicalDecimal(text: string): string {
  const m = /^(-?)0*(\d*?)(?:\.(\d*?)0*)?$/.exec(text.trim());
  if (!m) return text.trim();
  const whole = m[2] === '' ? '0' : m[2];
  const fraction = m[3] ?? '';
  const sign = m[1] && (whole !== '0' || fraction !== '') ? '-' : '';
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** 64 bits of SHA-256 over the fields, as 16 hex digits: collisions within one microsecond group are out of reach. */
function contentHash(fields: ReadonlyArray<string | number | readonly string[] | null>): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 16);
}

/** Numbers records that share `group` in their order of appearance: 0, 1, 2, … */
function ordinals<T>(records: readonly T[], group: (r: T) => string): number[] {
  const seen = new Map<string, number>();
  return records.map((r) => {
    const g = group(r);
    const n = seen.get(g) ?? 0;
    seen.set(g, n + 1);
    return n;
  });
}

/** trade_key per trade, in order: the provider's id, or '~' content hash '.' ordinal within this write. */
export function tradeKeys(trades: readonly TradeRecord[]): string[] {
  const hashes = trades.map((t) => (t.tradeId ? null : contentHash([canonicalDecimal(t.price), t.size, t.exchange, t.conditions, t.tape])));
  const n = ordinals(trades.map((t, i) => ({ t, h: hashes[i] })), ({ t, h }) => (h === null ? '' : `${t.symbol}\u0000${t.provider}\u0000${t.eventTime}\u0000${t.correction}\u0000${h}`));
  return trades.map((t, i) => (t.tradeId ? t.tradeId : `~${hashes[i]}.${n[i]}`));
}

/** quote_key per quote, in order: content hash '.' ordinal within this write. */
export function quoteKeys(quotes: readonly QuoteRecord[]): string[] {
  const hashes = quotes.map((q) => contentHash([
    canonicalDecimal(q.bidPrice), q.bidSize, q.bidExchange, canonicalDecimal(q.askPrice), q.askSize, q.askExchange, q.conditions, q.tape,
  ]));
  const n = ordinals(quotes.map((q, i) => ({ q, h: hashes[i] })), ({ q, h }) => `${q.symbol}\u0000${q.provider}\u0000${q.eventTime}\u0000${h}`);
  return quotes.map((_, i) => `${hashes[i]}.${n[i]}`);
}
