import { Logger } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import { backoffDelay, type BackoffPolicy } from './backoff';
import { isFencedError, isRetriableError } from './classify-error';
import { OutageBudget } from './outage-budget';
import { StopRequested } from './retry-loop';
import { retryUntil } from './retry-until';

export interface SupervisorOptions {
  stage: string;
  /** KAFKA_OUTAGE_BUDGET_SECONDS in ms: how long the consumer may be out of its group before the process exits 1. */
  outageBudgetMs: number;
  backoff: BackoffPolicy;
  /** The consumer's fetch wait: a connected consumer talks to its broker at least this often. */
  maxWaitTimeInMs: number;
  /** Starts consuming again (consumer.run with the stage's handler) after kafkajs gave up on the consumer. */
  run: () => Promise<void>;
  /** Closes the stage's producers before a fatal exit. */
  close: () => Promise<unknown>;
}

const WATCHDOG_MS = 1000;

/**
 * Keeps a stage's consumer in its group through a broker restart, and says when it is not.
 *
 * kafkajs restarts a crashed consumer itself only when the error is retriable in its own eyes; a
 * broker restart also brings errors it calls final ("Failed to find group coordinator", "The
 * coordinator is not aware of this member", UNKNOWN_MEMBER_ID after the coordinator reloaded the
 * group), and ends the consumer with `restart: false`. Those are retriable here
 * (classify-error.ts): the supervisor connects and runs the same consumer again (its subscriptions
 * survive the crash's disconnect) with capped, jittered backoff, and the group's committed offsets
 * say where to resume. A fenced producer (a newer instance took the transactional id) and any
 * other non-retriable crash still end the process at once: zombie fencing relies on the first,
 * and the second is a bug a restart from committed offsets handles best.
 *
 * Ready means joined and heard from the broker within three fetch waits (at least 15 s): a
 * consumer whose broker died keeps its group state until kafkajs' own retries run out (about a
 * minute), while /ready should turn 503 at once. Out of its group or unheard for longer than the
 * outage budget, the process exits 1.
 */
export class ConsumerSupervisor {
  private readonly logger: Logger;
  private readonly budget: OutageBudget;
  private readonly staleMs: number;
  private joined = false;
  private lastContact = 0;
  private attempt = 0;
  private restartTimer?: NodeJS.Timeout;
  private watchdog?: NodeJS.Timeout;
  private starting?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly consumer: Consumer,
    private readonly opts: SupervisorOptions,
  ) {
    this.logger = new Logger(`${ConsumerSupervisor.name}:${opts.stage}`);
    this.budget = new OutageBudget(opts.outageBudgetMs);
    this.staleMs = Math.max(15_000, 3 * opts.maxWaitTimeInMs);
    const { events } = consumer;
    consumer.on(events.GROUP_JOIN, () => this.onJoin());
    consumer.on(events.REQUEST, () => (this.lastContact = Date.now()));
    consumer.on(events.STOP, () => (this.joined = false));
    consumer.on(events.DISCONNECT, () => (this.joined = false));
    consumer.on(events.CRASH, (event) => void this.onCrash(event.payload.error, event.payload.restart));
  }

  /** For /ready: in the group and hearing from the broker. */
  readonly ready = (): boolean => this.joined && Date.now() - this.lastContact < this.staleMs;

  /**
   * The stage's start: `connect` (topic creation, schemas, producers, subscribe) retried while the
   * broker is not there yet or still electing leaders, for up to the outage budget; then the
   * watchdog and the consumer's run. Resolves once consuming (or stopped while starting).
   */
  start(connect: () => Promise<void>): Promise<void> {
    this.starting ??= (async () => {
      await retryUntil(`starting ${this.opts.stage}`, async () => {
        if (this.stopped) throw new StopRequested('stopped while starting');
        await connect();
      }, this.opts.outageBudgetMs, this.opts.backoff);
      if (this.stopped) return;
      this.watch();
      await this.opts.run();
    })();
    return this.starting;
  }

  /** Starts the outage clock: from now on, a consumer out of its group for the budget ends the process. */
  watch(): void {
    this.watchdog ??= setInterval(() => this.check(), WATCHDOG_MS);
    this.watchdog.unref();
  }

  /** Before a deliberate disconnect: no restart, no watchdog. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearInterval(this.watchdog);
  }

  private onJoin(): void {
    this.joined = true;
    this.lastContact = Date.now();
    if (this.budget.downForMs() > 0) this.logger.log(`rejoined the group after ${Math.round(this.budget.downForMs() / 1000)} s`);
    this.attempt = 0;
    this.budget.observe(true);
  }

  private check(): void {
    if (this.stopped) return;
    this.budget.observe(this.ready());
    if (this.budget.exhausted()) {
      void this.exit(`out of the consumer group or unheard from the broker for ${Math.round(this.budget.downForMs() / 1000)} s, over the outage budget (KAFKA_OUTAGE_BUDGET_SECONDS=${this.opts.outageBudgetMs / 1000})`);
    }
  }

  /**
   * The stage's producer was fenced. Ends the process here rather than by the error's way back
   * through kafkajs: when the group has already dropped this member (a zombie's session timed out
   * too), kafkajs' runner answers the batch's failure by rejoining the group, and the fenced error
   * never becomes a crash.
   */
  fenced(error: unknown): void {
    if (!this.stopped) void this.exit(`producer fenced, a newer instance owns the transactional id: ${(error as Error)?.message}`);
  }

  private async onCrash(error: Error | undefined, restartedByKafkajs: boolean): Promise<void> {
    this.joined = false;
    if (this.stopped) return;
    if (isFencedError(error)) return this.fenced(error);
    if (restartedByKafkajs) return; // kafkajs restarts it after its retry time; the watchdog bounds how long
    if (!isRetriableError(error)) return this.exit(`consumer crashed, exiting so the supervisor restarts from committed offsets: ${error?.message}`);
    this.scheduleRestart(error);
  }

  private scheduleRestart(error: unknown): void {
    clearTimeout(this.restartTimer);
    const delay = backoffDelay(this.attempt++, this.opts.backoff);
    this.logger.warn(`consumer stopped by a broker outage (${(error as Error)?.message}); restarting in ${delay} ms (attempt ${this.attempt})`);
    this.restartTimer = setTimeout(() => void this.restart(), delay);
  }

  /** connect + run: a failed join comes back as another CRASH event, a failed connect here. */
  private async restart(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.consumer.connect();
      await this.opts.run();
    } catch (err) {
      if (this.stopped) return;
      if (!isRetriableError(err)) return this.exit(`consumer could not restart: ${(err as Error).message}`);
      this.scheduleRestart(err);
    }
  }

  private async exit(reason: string): Promise<void> {
    this.stop();
    this.logger.error(reason);
    await Promise.race([this.opts.close().catch(() => undefined), new Promise((r) => setTimeout(r, 5000).unref())]);
    process.exit(1);
  }
}
