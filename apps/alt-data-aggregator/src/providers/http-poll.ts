import { backoffDelay, type BackoffPolicy } from '@md/kafka';
import { InterruptibleSleep } from '@md/ingest';

// The HTTP side of the polled sources (CBOE's VIX history, alternative-data series): a bounded
// GET (deadline, body size) that sends the previous ETag / Last-Modified so an unchanged file
// costs a 304, and a poll loop that waits the interval after a success and a capped, jittered
// backoff after a failure, interruptible by stop().

export interface HttpGetOptions {
  timeoutMs: number;
  maxBytes: number;
}

export interface HttpBody {
  text: string;
  contentType: string;
}

export class HttpStatusError extends Error {
  constructor(readonly url: string, readonly status: number) {
    super(`GET ${url} answered HTTP ${status}`);
  }
}

/** GETs a text resource; resolves undefined when the server says it has not changed since the last call. */
export class ConditionalGet {
  private validators: Record<string, string> = {};

  constructor(private readonly url: string, private readonly options: HttpGetOptions) {}

  async fetch(): Promise<HttpBody | undefined> {
    const res = await fetch(this.url, { headers: this.validators, signal: AbortSignal.timeout(this.options.timeoutMs), redirect: 'follow' });
    if (res.status === 304) return undefined;
    if (!res.ok) throw new HttpStatusError(this.url, res.status);
    const text = await this.readBounded(res);
    const etag = res.headers.get('etag');
    const modified = res.headers.get('last-modified');
    this.validators = { ...(etag ? { 'if-none-match': etag } : {}), ...(modified ? { 'if-modified-since': modified } : {}) };
    return { text, contentType: res.headers.get('content-type') ?? '' };
  }

  private async readBounded(res: Response): Promise<string> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of res.body ?? []) {
      bytes += chunk.length;
      if (bytes > this.options.maxBytes) throw new Error(`GET ${this.url}: body larger than ${this.options.maxBytes} bytes`);
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

export class PollLoop {
  private running = true;
  private readonly sleeper = new InterruptibleSleep();

  constructor(private readonly intervalMs: number, private readonly backoff: BackoffPolicy) {}

  /** Runs `work` every interval until stop(); a failure is reported and retried after the backoff. */
  async run(work: () => Promise<void>, onError: (err: Error, retryInMs: number) => void): Promise<void> {
    let failures = 0;
    while (this.running) {
      let delay = this.intervalMs;
      try {
        await work();
        failures = 0;
      } catch (err) {
        delay = Math.min(this.intervalMs, Math.max(100, backoffDelay(failures++, this.backoff)));
        onError(err as Error, delay);
      }
      if (this.running) await this.sleeper.sleep(delay);
    }
  }

  stop(): void {
    this.running = false;
    this.sleeper.interrupt();
  }
}
