import { parse } from 'csv-parse/sync';
import { TICKER, type AltDocument } from './alt-document';
import { extractCashtags } from './cashtags';
import { snowflakeTimeMicros, tweetIdFromUrl } from './tweet-time';

// A row of a social-post file (the shared tweets_sentiment.csv: `Stock Ticker,Tweet Text,
// Sentiment,Tweet URL`) as a document to score. The file has no time column, so the event time
// is declared by the replay, never taken from the wall clock (a replay must give the same records):
//   tweet-id   (default) the posting time encoded in the status id of the row's URL (Snowflake);
//              a row without one is rejected, its time being unknown;
//   file-order row i (0-based) at start + i × spacing, for files whose rows carry no usable id.

export interface SocialRow {
  ticker?: string;
  text: string;
  url?: string;
}

export type SocialTime = { mode: 'tweet-id' } | { mode: 'file-order'; startUs: number; spacingUs: number };

export interface SocialOptions {
  provider: string;
  time: SocialTime;
  /** Symbols per post at most: the ticker column first, then cashtags in order of mention. */
  maxSymbols: number;
}

/** Throws an Error whose message is the reason to dead-letter the row. */
export function socialDocument(row: SocialRow, index: number, options: SocialOptions): AltDocument {
  if (!row.text?.trim()) throw new Error('the post has no text');
  // The column usually holds one ticker ("$TSLA") but may list several ("$BWV $AUVI $DTC").
  const column = (row.ticker ?? '').split(/[\s,;]+/).filter(Boolean).map((t) => t.replace(/^\$/, '').toUpperCase());
  const bad = column.find((t) => !TICKER.test(t));
  if (bad !== undefined) throw new Error(`ticker ${JSON.stringify(bad)} in ${JSON.stringify(row.ticker)} is not a ticker`);
  const symbols = [...new Set([...column, ...extractCashtags(row.text)])].slice(0, options.maxSymbols);
  if (!symbols.length) throw new Error('no symbol: neither a ticker column nor a cashtag in the text');
  const statusId = row.url ? tweetIdFromUrl(row.url) : undefined;
  if (options.time.mode === 'file-order') {
    const { startUs, spacingUs } = options.time;
    return { signal: 'social_sentiment', provider: options.provider, id: statusId ?? `row-${index}`, symbols, text: row.text, eventTime: startUs + index * spacingUs };
  }
  const eventTime = statusId === undefined ? undefined : snowflakeTimeMicros(statusId);
  if (eventTime === undefined) {
    throw new Error(`no tweet status id in the URL ${JSON.stringify(row.url ?? '')}, so the post's time is unknown (replay with the file-order time mode to place rows by position)`);
  }
  return { signal: 'social_sentiment', provider: options.provider, id: statusId!, symbols, text: row.text, eventTime };
}

/** Column names of a social-post CSV; the defaults are the shared tweets file's header. */
export interface SocialColumns {
  ticker: string;
  text: string;
  url: string;
  /** A human label column, when the file has one (used to measure the scorer). */
  label: string;
}

export const TWEETS_FILE_COLUMNS: SocialColumns = { ticker: 'Stock Ticker', text: 'Tweet Text', url: 'Tweet URL', label: 'Sentiment' };

export interface SocialCsvRecord {
  row: SocialRow;
  label: string | undefined;
  /** First line of the record in the file (texts span several lines). */
  line: number;
  /** The record's fields as read, for a dead letter. */
  raw: Record<string, string>;
}

/**
 * Parses a social-post CSV (RFC 4180: quoted fields with commas, quotes and line breaks) with
 * csv-parse. Throws when the header lacks the text column: the file is not what was declared.
 */
export function parseSocialCsv(text: string, columns: SocialColumns = TWEETS_FILE_COLUMNS): SocialCsvRecord[] {
  const records = parse(text, { columns: true, info: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as Array<{ record: Record<string, string>; info: { lines: number; records: number } }>;
  if (records.length && !(columns.text in records[0].record)) {
    throw new Error(`social CSV: no ${JSON.stringify(columns.text)} column (header: ${Object.keys(records[0].record).join(',')})`);
  }
  let line = 2;
  return records.map(({ record, info }) => {
    const out = { row: { ticker: record[columns.ticker], text: record[columns.text] ?? '', url: record[columns.url] }, label: record[columns.label], line, raw: record };
    line = info.lines + 1;
    return out;
  });
}
