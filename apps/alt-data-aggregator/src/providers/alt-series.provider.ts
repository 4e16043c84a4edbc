import { basename, extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { seriesObservation, type AltSeriesObservation, type SeriesRowOptions } from '@md/altdata';
import type { ProviderSink } from './provider';
import { TextSourceProvider, type TextSource } from './text-source.provider';

// Web traffic, satellite, card spending and supply-chain series through one adapter: a file read
// once or a URL polled, in CSV (header row) or JSON (an array of objects, or one object a line),
// rows in the schema of libs/altdata/src/series-row.ts. A polled source returns its whole
// history each time: per (symbol, signal) only rows newer than the newest already published go on
// (a repeat is counted as a duplicate, not published again), and a bad row is dead-lettered once.

export interface SeriesProviderOptions {
  row: Omit<SeriesRowOptions, 'provider'>;
  /** Observations a publish call carries at most. */
  batch: number;
  /** (symbol, signal) high-water marks kept at most (oldest forgotten first). */
  maxSeries: number;
}

type Format = 'csv' | 'json' | 'jsonl';

function formatOf(name: string, contentType = ''): Format {
  const ext = extname(new URL(name, 'file:///').pathname).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson' || /ndjson|jsonl/.test(contentType)) return 'jsonl';
  if (ext === '.json' || /json/.test(contentType)) return 'json';
  return 'csv';
}

/** Rows of a body with a 1-based position (line for CSV and JSON lines, index for a JSON array). */
function rowsOf(text: string, format: Format): Array<{ at: number; row: unknown }> {
  if (format === 'csv') {
    const records = parse(text, { columns: true, info: true, bom: true, skip_empty_lines: true, trim: true }) as Array<{ record: unknown; info: { lines: number } }>;
    return records.map(({ record, info }) => ({ at: info.lines, row: record }));
  }
  if (format === 'json') {
    const parsed = JSON.parse(text) as unknown;
    if (!Array.isArray(parsed)) throw new Error('JSON body must be an array of rows');
    return parsed.map((row, i) => ({ at: i + 1, row }));
  }
  return text.split(/\r?\n/).flatMap((line, i) => {
    if (!line.trim()) return [];
    try {
      return [{ at: i + 1, row: JSON.parse(line) as unknown }];
    } catch {
      return [{ at: i + 1, row: line }];
    }
  });
}

export class AltSeriesProvider extends TextSourceProvider {
  readonly name: string;
  /** Told how many rows of a read were already published (a re-polled history). */
  onDuplicates?: (n: number) => void;
  private readonly newest = new Map<string, number>();

  constructor(source: TextSource, private readonly options: SeriesProviderOptions) {
    super(source);
    this.name = source.kind === 'file' ? `altdata-file:${basename(source.path)}` : `altdata-http:${new URL(source.url).host}`;
  }

  protected async take(text: string, where: string, contentType: string, sink: ProviderSink): Promise<void> {
    const provider = this.source.kind === 'file' ? `file:${basename(this.source.path)}` : this.name;
    const observations: AltSeriesObservation[] = [];
    for (const { at, row } of rowsOf(text, formatOf(where, contentType))) {
      try {
        if (typeof row !== 'object' || row === null) throw new Error('row is not an object');
        observations.push(seriesObservation(row as Record<string, unknown>, { ...this.options.row, provider }));
      } catch (err) {
        await this.rejectOnce(sink, typeof row === 'string' ? row : JSON.stringify(row), (err as Error).message, `${where}:${at}`);
      }
    }
    observations.sort((a, b) => a.eventTime - b.eventTime);
    const fresh = observations.filter((o) => this.advance(`${o.symbol}|${o.signal}`, o.eventTime));
    if (observations.length > fresh.length) this.onDuplicates?.(observations.length - fresh.length);
    for (let i = 0; i < fresh.length; i += this.options.batch) {
      await sink.publish(fresh.slice(i, i + this.options.batch).map((value) => ({ kind: 'series' as const, value })));
    }
    if (fresh.length) this.logger.log(`${this.name}: ${fresh.length} new observations`);
  }

  /** Moves the series' high-water mark; false for a row at or before it (already published). */
  private advance(key: string, eventTime: number): boolean {
    if (eventTime <= (this.newest.get(key) ?? Number.NEGATIVE_INFINITY)) return false;
    this.newest.delete(key);
    this.newest.set(key, eventTime);
    while (this.newest.size > this.options.maxSeries) this.newest.delete(this.newest.keys().next().value!);
    return true;
  }
}
