import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Logger } from '@nestjs/common';
import { parseSocialCsv, socialDocument, type AltDocument, type SocialOptions } from '@md/altdata';
import type { AltDataProvider, ProviderSink, ProviderStatus } from './provider';

// Replays a social-post CSV (the shared tweets file's columns) once. The event time of each post
// is declared, never the wall clock (libs/altdata/src/social-post.ts): by default the time
// in its tweet status id. Posts are published in event-time order (stable for ties), so each
// composite on the topic uses exactly the posts up to its time, as a live feed would have.

export interface SocialFileOptions extends Omit<SocialOptions, 'provider'> {
  path: string;
  maxRows: number;
  /** Rows a publish call carries at most. */
  batch: number;
}

const MAX_BYTES_PER_ROW = 64 * 1024;

export class SocialFileProvider implements AltDataProvider {
  readonly name = 'social-file';
  private readonly logger = new Logger(SocialFileProvider.name);
  private state: ProviderStatus = { state: 'starting', reason: null };
  private stopped = false;

  constructor(private readonly options: SocialFileOptions) {}

  async run(sink: ProviderSink): Promise<void> {
    const { path, maxRows } = this.options;
    this.state = { state: 'running', reason: null };
    // The whole file is parsed at once to sort by time: bounded by maxRows (and its bytes by maxRows × 64 KiB).
    const { size } = await stat(path);
    if (size > maxRows * MAX_BYTES_PER_ROW) throw new Error(`${path}: ${size} bytes is more than SOCIAL_MAX_ROWS (${maxRows}) rows can hold`);
    const records = parseSocialCsv(await readFile(path, 'utf8'));
    if (records.length > maxRows) throw new Error(`${path}: ${records.length} rows, more than SOCIAL_MAX_ROWS (${maxRows})`);
    const provider = `file:${basename(path)}`;
    const documents: AltDocument[] = [];
    for (const [i, record] of records.entries()) {
      try {
        documents.push(socialDocument(record.row, i, { ...this.options, provider }));
      } catch (err) {
        await sink.reject({ payload: JSON.stringify(record.raw), reason: (err as Error).message, source: `${path}:${record.line}` });
      }
    }
    documents.sort((a, b) => a.eventTime - b.eventTime);
    for (let i = 0; i < documents.length && !this.stopped; i += this.options.batch) {
      await sink.publish(documents.slice(i, i + this.options.batch).map((value) => ({ kind: 'document' as const, value })));
    }
    this.logger.log(`${this.name}: ${path}: ${documents.length} posts published, ${records.length - documents.length} rejected`);
    this.state = { state: this.stopped ? 'stopped' : 'done', reason: null };
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  status(): ProviderStatus {
    return { ...this.state };
  }
}
