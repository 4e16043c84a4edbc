import { DateTime } from 'luxon';

// CBOE's published daily VIX history (https://cdn.cboe.com/api/global/us_indices/daily_prices/VIX_History.csv):
// a header `DATE,OPEN,HIGH,LOW,CLOSE`, then one row a trading day, oldest first, dates MM/DD/YYYY,
// levels with six decimals. Only the close is used. A daily close is stamped 16:15 New York, when
// the VIX's last value of the day is set (the schema's eventTime doc), so summer and winter
// closes land at 20:15 and 21:15 UTC.

export interface VixObservation {
  symbol: string;
  /** UTC micros of the close. */
  eventTime: number;
  value: number;
  /** The trading day as printed (MM/DD/YYYY), for messages. */
  date: string;
}

export interface VixRowRejected {
  /** 1-based line in the file. */
  line: number;
  text: string;
  reason: string;
}

export interface VixCsvParse {
  observations: VixObservation[];
  rejected: VixRowRejected[];
}

const DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
const CLOSE_ZONE = 'America/New_York';

/** 16:15 New York on the given MM/DD/YYYY date, as UTC micros; undefined when the date is not real. */
export function vixCloseTime(date: string): number | undefined {
  const m = DATE.exec(date.trim());
  if (!m) return undefined;
  const local = DateTime.fromObject({ year: Number(m[3]), month: Number(m[1]), day: Number(m[2]), hour: 16, minute: 15 }, { zone: CLOSE_ZONE });
  return local.isValid ? local.toMillis() * 1000 : undefined;
}

/**
 * Parses the file's text. The header must name DATE and CLOSE (case-insensitive; other columns
 * may be empty or absent); '#' lines and blank lines are skipped; a row with a bad date or close
 * is rejected with its line number and reason, never guessed.
 */
export function parseCboeVixCsv(text: string, symbol = 'VIX'): VixCsvParse {
  const lines = text.split(/\r?\n/);
  const out: VixCsvParse = { observations: [], rejected: [] };
  let columns: { date: number; close: number } | undefined;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    if (!columns) {
      const upper = cells.map((c) => c.toUpperCase());
      columns = { date: upper.indexOf('DATE'), close: upper.indexOf('CLOSE') };
      if (columns.date < 0 || columns.close < 0) throw new Error(`not a CBOE VIX history file: header ${JSON.stringify(line)} lacks DATE and CLOSE`);
      return;
    }
    const reject = (reason: string) => out.rejected.push({ line: i + 1, text: raw, reason });
    const date = cells[columns.date] ?? '';
    const eventTime = vixCloseTime(date);
    if (eventTime === undefined) return reject(`DATE ${JSON.stringify(date)} is not a real MM/DD/YYYY date`);
    const closeText = cells[columns.close] ?? '';
    const value = closeText === '' ? Number.NaN : Number(closeText);
    if (!Number.isFinite(value) || value <= 0) return reject(`CLOSE ${JSON.stringify(closeText)} is not a positive number`);
    out.observations.push({ symbol, eventTime, value, date });
  });
  if (!columns) throw new Error('not a CBOE VIX history file: no header line');
  return out;
}
