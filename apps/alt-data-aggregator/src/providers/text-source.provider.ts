import { readFile } from 'node:fs/promises';
import { Logger } from '@nestjs/common';
import type { BackoffPolicy } from '@md/kafka';
import { ConditionalGet, PollLoop, type HttpGetOptions } from './http-poll';
import type { AltDataProvider, ProviderSink, ProviderStatus } from './provider';

// What the file-or-HTTP sources share (CBOE VIX history, alternative-data series): a file is read
// once; a URL is polled (conditional GET, interval after success, backoff after failure) and
// returns its whole history each time, so a subclass publishes only what is new, and a bad row is
// dead-lettered once, not on every poll.

export type TextSource =
  | { kind: 'file'; path: string }
  | { kind: 'http'; url: string; intervalMs: number; get: HttpGetOptions; backoff: BackoffPolicy };

const MAX_REMEMBERED_REJECTS = 10_000;

export abstract class TextSourceProvider implements AltDataProvider {
  abstract readonly name: string;
  protected readonly logger = new Logger(this.constructor.name);
  private readonly loop?: PollLoop;
  private readonly rejectedRows = new Set<string>();
  private state: ProviderStatus = { state: 'starting', reason: null };

  constructor(protected readonly source: TextSource) {
    if (source.kind === 'http') this.loop = new PollLoop(source.intervalMs, source.backoff);
  }

  /** Takes one read of the source: the whole text, where it came from, its content type when known. */
  protected abstract take(text: string, where: string, contentType: string, sink: ProviderSink): Promise<void>;

  async run(sink: ProviderSink): Promise<void> {
    const source = this.source;
    if (source.kind === 'file') {
      this.state = { state: 'running', reason: null };
      await this.take(await readFile(source.path, 'utf8'), source.path, '', sink);
      this.state = { state: 'done', reason: null };
      return;
    }
    const get = new ConditionalGet(source.url, source.get);
    await this.loop!.run(async () => {
      this.state = { state: 'running', reason: null };
      const body = await get.fetch();
      if (body) await this.take(body.text, source.url, body.contentType, sink);
      this.state = { state: 'waiting', reason: null };
    }, (err, retryInMs) => {
      this.state = { state: 'waiting', reason: err.message };
      this.logger.warn(`${this.name}: ${err.message}; retrying in ${retryInMs} ms`);
    });
    this.state = { state: 'stopped', reason: null };
  }

  async stop(): Promise<void> {
    this.loop?.stop();
  }

  status(): ProviderStatus {
    return { ...this.state };
  }

  protected async rejectOnce(sink: ProviderSink, payload: string, reason: string, source: string): Promise<void> {
    const key = `${source}|${payload}`;
    if (this.rejectedRows.has(key)) return;
    if (this.rejectedRows.size < MAX_REMEMBERED_REJECTS) this.rejectedRows.add(key);
    await sink.reject({ payload, reason, source });
  }
}
