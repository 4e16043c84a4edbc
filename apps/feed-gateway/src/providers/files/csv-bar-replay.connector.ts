import { ConfigError } from '@md/config';
import { Logger } from '@nestjs/common';
import { nowMicros, parseTimestamp, reasonKind } from '@md/market';
import { DEFAULT_BAR_COLUMNS, csvRowToRawBar, type BarColumns, type CsvBarOptions } from '@md/providers';
import type { CanonicalRecord, RecordSink, StreamingConnector } from '@md/ingest';
import { readCsvRows, type CsvRow } from './csv-rows';

// Replays a CSV of bars (REPLAY_FILE) into a RecordSink, as the LEAN replay does: bars published
// in batches, each awaited (a slow broker slows the reader instead of growing memory), and rows
// that cannot be parsed rejected with file:line and their text, never dropped. A naive timestamp
// is only accepted with a declared zone (DESIGN.md, Contracts): the first row decides, before
// anything is sent.

/** GET /v1/replay: progress of the current or last replay. */
export interface ReplayStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  file: string | null;
  rowsRead: number;
  published: number;
  rejected: number;
  /** Rejected rows by the kind of their reason. */
  reasons: Record<string, number>;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export function idleReplayStatus(): ReplayStatus {
  return { state: 'idle', file: null, rowsRead: 0, published: 0, rejected: 0, reasons: {}, error: null, startedAt: null, finishedAt: null };
}

export interface CsvBarReplayOptions extends Omit<CsvBarOptions, 'columns'> {
  file: string;
  /** Default: the DBB file's header (timestamp,open,high,low,close,volume). */
  columns?: BarColumns;
  /** Records per publish; each publish is awaited (back-pressure). */
  batchSize: number;
  /** Called for every row read (the gateway counts md_records_in_total{topic="file"}). */
  onRow?: () => void;
}

export class CsvBarReplayConnector implements StreamingConnector {
  private readonly logger = new Logger(CsvBarReplayConnector.name);
  readonly provider: string;
  private readonly parse: CsvBarOptions;
  private readonly replay = idleReplayStatus();
  private stopping = false;

  constructor(private readonly options: CsvBarReplayOptions) {
    if (!(Number.isSafeInteger(options.batchSize) && options.batchSize > 0)) throw new RangeError(`batchSize ${options.batchSize} must be a whole number > 0`);
    this.provider = options.provider;
    this.parse = { ...options, columns: options.columns ?? DEFAULT_BAR_COLUMNS };
  }

  /** Resolves when the file is replayed (or after stop, once the batch in hand is published); rejects if it cannot be. */
  async start(sink: RecordSink): Promise<void> {
    const { file } = this.options;
    Object.assign(this.replay, idleReplayStatus(), { state: 'running', file, startedAt: new Date().toISOString() });
    try {
      await this.replayRows(sink);
      this.replay.state = 'done';
    } catch (err) {
      this.replay.state = 'failed';
      this.replay.error = (err as Error).message;
      throw err;
    } finally {
      this.replay.finishedAt = new Date().toISOString();
      const { state, rowsRead, published, rejected } = this.replay;
      this.logger.log(`replay of ${file} ${state}: ${rowsRead} read, ${published} published, ${rejected} rejected`);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
  }

  status(): ReplayStatus {
    return structuredClone(this.replay);
  }

  private async replayRows(sink: RecordSink): Promise<void> {
    let batch: CanonicalRecord[] = [];
    const flush = async () => {
      if (batch.length) await sink.publish(batch);
      this.replay.published += batch.length;
      batch = [];
    };
    let first = true;
    for await (const row of readCsvRows(this.options.file)) {
      if (this.stopping) break;
      if (first) this.refuseUndeclaredZone(row.record[this.parse.columns.time]);
      first = false;
      this.replay.rowsRead++;
      this.options.onRow?.();
      try {
        batch.push({ kind: 'bar', value: csvRowToRawBar(row.record, this.parse, nowMicros()) });
      } catch (err) {
        await this.reject(sink, row, (err as Error).message);
      }
      if (batch.length >= this.options.batchSize) await flush();
    }
    await flush();
  }

  /** A naive first timestamp with no declared zone stops the replay before anything is sent. */
  private refuseUndeclaredZone(firstTime: string | undefined): void {
    if (this.parse.zone || firstTime === undefined) return;
    try {
      parseTimestamp(firstTime, undefined);
    } catch {
      throw new ConfigError(`${this.options.file} has naive timestamps (first: "${firstTime}"); set REPLAY_ZONE to the zone they are in, e.g. REPLAY_ZONE=UTC`);
    }
  }

  private async reject(sink: RecordSink, row: CsvRow, reason: string): Promise<void> {
    this.replay.rejected++;
    const kind = reasonKind(reason);
    this.replay.reasons[kind] = (this.replay.reasons[kind] ?? 0) + 1;
    await sink.reject({ payload: row.raw, reason, source: `${this.options.file}:${row.line}` });
  }
}
