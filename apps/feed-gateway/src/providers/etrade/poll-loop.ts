import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import { MdError } from '@md/contracts';

export interface PollLoopOptions {
  /** "quote round", "accounts cycle": what the log lines call one pass. */
  what: string;
  /** Least time from one pass's start to the next. */
  intervalMs: number;
  logger: Logger;
  /** A pass failed in a way the next one may not (throttled, 5xx, timeout after retries). */
  onSkipped(err: MdError): void;
  /** The loop stopped for good (an expired token, a refused signature). */
  onFailed(err: Error): void;
}

/**
 * The E*TRADE pollers' lifecycle, one implementation for both: the first pass runs in start() (its
 * failure is start's), then a pass every intervalMs until stop(). A retriable failure skips to the
 * next pass; anything else stops the loop. A pass in flight finishes before stop() returns (its own
 * timeouts and retries bound it). `finished` settles when the loop ends: resolved by stop(),
 * rejected by a failure.
 */
export class PollLoop {
  readonly finished: Promise<void>;
  private readonly abort = new AbortController();
  private end!: { resolve(): void; reject(err: Error): void };
  private running?: Promise<void>;

  constructor(private readonly o: PollLoopOptions) {
    this.finished = new Promise<void>((resolve, reject) => (this.end = { resolve, reject }));
    this.finished.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /** Runs the first pass, then the loop in the background; rejects with the first pass's failure. */
  async start(pass: () => Promise<void>): Promise<void> {
    if (this.running) throw new Error(`E*TRADE ${this.o.what} loop already started`);
    const started = Date.now();
    await pass().catch((err: Error) => {
      this.fail(err);
      throw err;
    });
    this.running = this.loop(pass, started);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.end.resolve();
  }

  private async loop(pass: () => Promise<void>, firstStarted: number): Promise<void> {
    for (let started = firstStarted; !this.abort.signal.aborted; ) {
      try {
        await sleep(Math.max(0, started + this.o.intervalMs - Date.now()), undefined, { signal: this.abort.signal });
        started = Date.now();
        await pass();
      } catch (err) {
        if (this.abort.signal.aborted) return;
        if (err instanceof MdError && err.retriable) {
          this.o.onSkipped(err);
          this.o.logger.warn(`${this.o.what} failed, next one as usual: ${err.message}`);
          continue;
        }
        this.o.logger.error(`${this.o.what}s stopped: ${(err as Error).message}`);
        this.fail(err as Error);
        return;
      }
    }
  }

  private fail(err: Error): void {
    this.o.onFailed(err);
    this.end.reject(err);
  }
}
