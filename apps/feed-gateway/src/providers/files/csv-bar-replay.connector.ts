import { ConfigError } from '@md/config';
import { Logger } from '@nestjs/common';
import type { Message, Producer } from 'kafkajs';
import { TOPICS } from '@md/contracts';
import { nowMicros, parseTimestamp, reasonKind } from '@md/market';
import { DEFAULT_BAR_COLUMNS, csvRowToRawBar, type CsvBarOptions } from '@md/providers';
import { deadLetterFor, encodeDeadLetter, type SchemaCodec } from '@md/kafka';
import type { StageMetrics } from '@md/observability';
import { readCsvRows } from './csv-rows';

export interface ReplayStatus {
  state: 'idle' | 'running' | 'done' | 'failed';
  file: string | null;
  rowsRead: number;
  published: number;
  rejected: number;
  reasons: Record<string, number>;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export function idleStatus(): ReplayStatus {
  return { state: 'idle', file: null, rowsRead: 0, published: 0, rejected: 0, reasons: {}, error: null, startedAt: null, finishedAt: null };
}

/**
 * Replays a CSV of bars into md.raw.bars.v1, keyed by symbol. Rows that cannot be parsed go to
 * md.dlq.v1 with file:line and the original text. Each produce request is awaited before the
 * next batch is read, so a slow broker slows the reader instead of growing memory.
 */
export class BarFileReplay {
  private readonly logger = new Logger(BarFileReplay.name);
  readonly status: ReplayStatus = idleStatus();

  constructor(
    private readonly producer: Producer,
    private readonly codec: SchemaCodec,
    private readonly metrics: StageMetrics,
    private readonly batchSize: number,
  ) {}

  async run(file: string, options: Omit<CsvBarOptions, 'columns'> & { columns?: CsvBarOptions['columns'] }): Promise<ReplayStatus> {
    const opts: CsvBarOptions = { ...options, columns: options.columns ?? DEFAULT_BAR_COLUMNS };
    Object.assign(this.status, idleStatus(), { state: 'running', file, startedAt: new Date().toISOString() });
    try {
      await this.replay(file, opts);
      this.status.state = 'done';
    } catch (err) {
      this.status.state = 'failed';
      this.status.error = (err as Error).message;
      throw err;
    } finally {
      this.status.finishedAt = new Date().toISOString();
      this.logger.log(`replay of ${file} ${this.status.state}: ${this.status.rowsRead} read, ${this.status.published} published, ${this.status.rejected} rejected`);
    }
    return this.status;
  }

  private async replay(file: string, opts: CsvBarOptions): Promise<void> {
    let bars: Message[] = [];
    let dead: Message[] = [];
    let checkedZone = false;
    for await (const row of readCsvRows(file)) {
      if (!checkedZone) {
        this.refuseUndeclaredZone(file, row.record[opts.columns.time], opts.zone);
        checkedZone = true;
      }
      this.status.rowsRead++;
      this.metrics.recordsIn.inc({ stage: 'feed-gateway', topic: `file` });
      try {
        const bar = csvRowToRawBar(row.record, opts, nowMicros());
        bars.push({ key: bar.symbol, value: await this.codec.encode(TOPICS.rawBars, bar) });
      } catch (err) {
        dead.push(await this.deadLetter(err, `${file}:${row.line}`, row.raw));
      }
      if (bars.length + dead.length >= this.batchSize) {
        await this.flush(bars, dead);
        bars = [];
        dead = [];
      }
    }
    await this.flush(bars, dead);
  }

  /** A naive first timestamp with no declared zone stops the replay before anything is sent. */
  private refuseUndeclaredZone(file: string, firstTime: string | undefined, zone: string | undefined): void {
    if (zone || firstTime === undefined) return;
    try {
      parseTimestamp(firstTime, undefined);
    } catch {
      throw new ConfigError(`${file} has naive timestamps (first: "${firstTime}"); set REPLAY_ZONE to the zone they are in, e.g. REPLAY_ZONE=UTC`);
    }
  }

  private async deadLetter(err: unknown, location: string, raw: string): Promise<Message> {
    const record = deadLetterFor('feed-gateway', err, { location, payload: Buffer.from(raw, 'utf8') });
    this.status.rejected++;
    const kind = reasonKind(record.reason);
    this.status.reasons[kind] = (this.status.reasons[kind] ?? 0) + 1;
    return encodeDeadLetter(this.codec, this.metrics, record);
  }

  private async flush(bars: Message[], dead: Message[]): Promise<void> {
    const topicMessages = [
      { topic: TOPICS.rawBars, messages: bars },
      { topic: TOPICS.deadLetter, messages: dead },
    ].filter((t) => t.messages.length);
    if (topicMessages.length === 0) return;
    await this.producer.sendBatch({ topicMessages });
    this.status.published += bars.length;
    this.metrics.recordsOut.inc({ stage: 'feed-gateway', topic: TOPICS.rawBars }, bars.length);
  }
}
