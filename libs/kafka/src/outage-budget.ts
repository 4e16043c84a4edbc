// How long a stage may be cut off from its broker before it gives up and exits 1. Below the
// budget it retries on its own (a broker restart, a leader election, a rolling upgrade); past
// it, something an operator must fix is wrong, and an exit makes the supervisor say so.

/** Default of KAFKA_OUTAGE_BUDGET_SECONDS: five minutes covers a broker restart with log recovery. */
export const DEFAULT_OUTAGE_BUDGET_SECONDS = 300;

/** The clock of one outage: started by the first failed check, reset by the first good one. */
export class OutageBudget {
  private since?: number;

  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a check: healthy ends the outage, unhealthy starts it (the first failure wins). */
  observe(healthy: boolean): void {
    if (healthy) this.since = undefined;
    else this.since ??= this.now();
  }

  /** Milliseconds since the outage began; 0 when connected. */
  downForMs(): number {
    return this.since === undefined ? 0 : this.now() - this.since;
  }

  exhausted(): boolean {
    return this.since !== undefined && this.downForMs() >= this.budgetMs;
  }
}
