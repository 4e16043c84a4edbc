import { ConfigError } from '@md/config';
import { Logger } from '@nestjs/common';
import { nowMicros, parseTimestamp, reasonKind } from '@md/market';
import { DEFAULT_BAR_COLUMNS, csvRowToRawBar, type BarColumns, type CsvBarOptions } from '@md/providers';
import { asCheckpointed, type CanonicalRecord, type CheckpointedSink, type JobSink, type StreamingConnector } from '@md/ingest';
import { readCsvRows, type CsvRow } from './csv-rows';

// Replays a CSV of bars (REPLAY_FILE) into a RecordSink, as the LEAN replay does: bars published
// in batches, each awaited (a slow broker slows the reader instead of growing memory), and rows
// that cannot be parsed rejected with file:line and their text, never dropped. A naive timestamp
// is only accepted with a declared zone (DESIGN.md, Contracts): the first row decides, before
// anything is sent. With a checkpointed sink each batch commits with the count of rows it covers
// (rows published or dead-lettered), and a restarted replay skips that many rows: a restart
// re-reads and re-parses the file up to there (the DBB file's 38,964 rows take ~0.1 s) and
// publishes none of it again.

/** How far a replay got: data rows (after the header) whose bars or dead letters are committed. */
export interface CsvReplayPosition {
  rows: number;
}

/** GET /v1/replay: progress of the current or last replay. */
export interface ReplayStatus {
  state: 'idle' | 'running' | 'done' | 'stopped' | 'failed';
  file: string | null;
  /** Rows committed by earlier starts of this run, skipped by this one. */
  resumedFrom: number;
  /** Rows this start read after the resume point. */
  rowsRead: number;
  /** Bars this start published. */
  published: number;
  rejected: number;
  /** Rejected rows by the kind of their reason. */
  reasons: Record<string, number>;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export function idleReplayStatus(): ReplayStatus {
  return { state: 'idle', file: null, resumedFrom: 0, rowsRead: 0, published: 0, rejected: 0, reasons: {}, error: null, startedAt: null, finishedAt: null };
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
  async start(jobSink: JobSink<CsvReplayPosition>): Promise<void> {
    const { file } = this.options;
    const sink = asCheckpointed(jobSink);
    const resumedFrom = sink.resumeAt?.rows ?? 0;
    Object.assign(this.replay, idleReplayStatus(), { state: 'running', file, resumedFrom, startedAt: new Date().toISOString() });
    try {
      await this.replayRows(sink, resumedFrom);
      this.replay.state = this.stopping ? 'stopped' : 'done';
    } catch (err) {
      this.replay.state = 'failed';
      this.replay.error = (err as Error).message;
      throw err;
    } finally {
      this.replay.finishedAt = new Date().toISOString();
      const { state, rowsRead, published, rejected } = this.replay;
      const resumed = resumedFrom ? ` after the ${resumedFrom} rows of earlier starts` : '';
      this.logger.log(`replay of ${file} ${state}: ${rowsRead} read${resumed}, ${published} published, ${rejected} rejected`);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
  }

  /** Whether the last start read the file to its end (not stopped, not failed). */
  finished(): boolean {
    return this.replay.state === 'done';
  }

  status(): ReplayStatus {
    return structuredClone(this.replay);
  }

  private async replayRows(sink: CheckpointedSink<CsvReplayPosition>, skip: number): Promise<void> {
    let batch: CanonicalRecord[] = [];
    let rows = 0;
    let held = 0; // rows rejected since the last publish: their dead letters commit with it
    const flush = async () => {
      if (batch.length + held === 0) return;
      await sink.publish(batch, { rows });
      this.replay.published += batch.length;
      [batch, held] = [[], 0];
    };
    for await (const row of readCsvRows(this.options.file)) {
      if (this.stopping) break;
      if (rows === 0) this.refuseUndeclaredZone(row.record[this.parse.columns.time]);
      if (++rows <= skip) continue;
      this.replay.rowsRead++;
      this.options.onRow?.();
      try {
        batch.push({ kind: 'bar', value: csvRowToRawBar(row.record, this.parse, nowMicros()) });
      } catch (err) {
        await this.reject(sink, row, (err as Error).message);
        held++;
      }
      if (batch.length + held >= this.options.batchSize) await flush();
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

  private async reject(sink: CheckpointedSink<CsvReplayPosition>, row: CsvRow, reason: string): Promise<void> {
    this.replay.rejected++;
    const kind = reasonKind(reason);
    this.replay.reasons[kind] = (this.replay.reasons[kind] ?? 0) + 1;
    await sink.reject({ payload: row.raw, reason, source: `${this.options.file}:${row.line}` });
  }
}
