/**
 * One record at a time from a Kafka fetch loop to a `for await` loop. `offer` resolves only when
 * the reader asks for the next record, that is, when its loop body for this one has returned:
 * the fetch loop then marks the record done (and may commit it). Until then nothing else is
 * handed over, so a slow reader holds the fetch loop back (back-pressure by iteration).
 */
export class Handoff<T> {
  private puller?: { resolve: (r: IteratorResult<T>) => void; reject: (err: unknown) => void };
  private pullArrived?: () => void;
  private ack?: (taken: boolean) => void;
  private ended?: { error?: unknown };

  /** Reader side: the previous record is done; wait for the next one. */
  pull(): Promise<IteratorResult<T>> {
    this.settle(true);
    if (this.ended) return this.ended.error ? Promise.reject(this.ended.error) : Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.puller = { resolve, reject };
      const arrived = this.pullArrived;
      this.pullArrived = undefined;
      arrived?.();
    });
  }

  /** Fetch-loop side: true once the reader is done with `item`; false if the iteration ended first. */
  async offer(item: T): Promise<boolean> {
    while (!this.puller) {
      if (this.ended) return false;
      await new Promise<void>((resolve) => (this.pullArrived = resolve));
    }
    const { resolve } = this.puller;
    this.puller = undefined;
    return new Promise<boolean>((done) => {
      this.ack = done;
      resolve({ value: item, done: false });
    });
  }

  /** Ends the iteration: a waiting reader gets `done` (or `error`); a pending offer returns false. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = { error };
    this.settle(false);
    const puller = this.puller;
    this.puller = undefined;
    if (puller) {
      if (error) puller.reject(error);
      else puller.resolve({ done: true, value: undefined });
    }
    const arrived = this.pullArrived;
    this.pullArrived = undefined;
    arrived?.();
  }

  private settle(taken: boolean): void {
    const ack = this.ack;
    this.ack = undefined;
    ack?.(taken);
  }
}
