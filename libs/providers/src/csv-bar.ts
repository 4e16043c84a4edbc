import { InvalidRecordError, type RawBar, type Timeframe } from '@md/contracts';
import { parseDecimal, parseTimestamp } from '@md/market';

/** Which CSV column holds which bar field; the DBB file's header is the default. */
export interface BarColumns {
  time: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  symbol?: string;
}

export const DEFAULT_BAR_COLUMNS: BarColumns = {
  time: 'timestamp', open: 'open', high: 'high', low: 'low', close: 'close', volume: 'volume',
};

export interface CsvBarOptions {
  columns: BarColumns;
  /** IANA zone for naive timestamps; required when the file has naive times. */
  zone: string | undefined;
  /** Symbol for files of one instrument (when no symbol column). */
  symbol: string | undefined;
  timeframe: Timeframe;
  provider: string;
}

const SYMBOL = /^[A-Z][A-Z0-9.\-/]{0,20}$/;

function field(row: Record<string, string>, column: string): string {
  const value = row[column];
  if (value === undefined) throw new InvalidRecordError(`missing column "${column}"`);
  return value;
}

function parseVolume(text: string): number {
  const trimmed = text.trim();
  if (!/^-?\d+(\.0+)?$/.test(trimmed)) throw new InvalidRecordError(`volume ${JSON.stringify(text)} is not a whole number`);
  const volume = Number.parseInt(trimmed, 10);
  if (!Number.isSafeInteger(volume)) throw new InvalidRecordError(`volume ${text} is too large`);
  return volume;
}

/**
 * One CSV row to a raw bar. Only parsing happens here (text to typed values); business rules
 * such as high >= low are the preprocessor's, so a file and a WebSocket feed are judged alike.
 */
export function csvRowToRawBar(row: Record<string, string>, options: CsvBarOptions, ingestTime: number): RawBar {
  const symbol = (options.columns.symbol ? field(row, options.columns.symbol) : options.symbol ?? '').trim().toUpperCase();
  if (!SYMBOL.test(symbol)) throw new InvalidRecordError(`symbol ${JSON.stringify(symbol)} is not a ticker`);
  const price = (name: keyof BarColumns) => {
    const text = field(row, options.columns[name] as string);
    try {
      return parseDecimal(text);
    } catch (err) {
      throw new InvalidRecordError(`${name}: ${(err as Error).message}`);
    }
  };
  return {
    symbol,
    timeframe: options.timeframe,
    provider: options.provider,
    eventTime: parseTimestamp(field(row, options.columns.time), options.zone),
    ingestTime,
    open: price('open'),
    high: price('high'),
    low: price('low'),
    close: price('close'),
    volume: parseVolume(field(row, options.columns.volume)),
    tradeCount: null,
    vwap: null,
    revision: 0,
  };
}
