import { parseTimestamp } from '@md/market';
import { SERIES_SIGNALS, TICKER, type AltSeriesObservation, type SeriesSignal } from './alt-document';

// The documented row schema of the generic alternative-data adapter (web traffic, satellite,
// card spending, supply chain), in CSV (a header row) or JSON (an array, or one object a line):
//   symbol  required  ticker, e.g. AAPL
//   time    required  RFC-3339 with an offset ("2022-05-16T00:00:00Z"), or naive / a date
//                     ("2022-05-16") read in the source's declared zone; never guessed
//   value   required  a finite number in the series' own unit (visits, USD, cars, days)
//   signal  required unless the source declares one: web_traffic | satellite | card_spending | supply_chain
//   provider optional who measured it (default: the source's name)
//   id      optional  the row's own id (becomes sourceId)

export interface SeriesRowOptions {
  provider: string;
  /** IANA zone for naive times; undefined refuses them. */
  zone?: string;
  /** Signal for rows without a signal column. */
  signal?: SeriesSignal;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());

/** Throws an Error whose message is the reason to dead-letter the row. */
export function seriesObservation(row: Record<string, unknown>, options: SeriesRowOptions): AltSeriesObservation {
  const symbol = text(row.symbol).toUpperCase();
  if (!TICKER.test(symbol)) throw new Error(`symbol ${JSON.stringify(row.symbol ?? null)} is not a ticker`);
  const signal = text(row.signal) || options.signal;
  if (!signal || !(SERIES_SIGNALS as readonly string[]).includes(signal)) {
    throw new Error(`signal ${JSON.stringify(row.signal ?? null)} must be one of ${SERIES_SIGNALS.join(', ')}`);
  }
  const time = text(row.time);
  if (!time) throw new Error('time is missing');
  const eventTime = parseTimestamp(time, options.zone);
  const valueText = text(row.value);
  const value = valueText === '' ? Number.NaN : Number(valueText);
  if (!Number.isFinite(value)) throw new Error(`value ${JSON.stringify(row.value ?? null)} is not a finite number`);
  return { symbol, signal: signal as SeriesSignal, provider: text(row.provider) || options.provider, eventTime, value, id: text(row.id) || null };
}
