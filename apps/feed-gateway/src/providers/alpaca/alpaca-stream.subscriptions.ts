import type { AlpacaChannel, AlpacaSubscriptions } from '@md/providers';

// Subscribing in batches so one 405 costs only its batch. Docs ("Errors", 405): "If this happens
// your symbol subscriptions are the same as they were before you sent the request that failed." A
// refused batch is split in halves until the refused symbols stand alone; once a single symbol is
// refused the channel is full, and the rest of it is reported without asking again. Never sends an
// empty list: the real server answers that with 400.

export interface SubscribeRequest {
  channel: AlpacaChannel;
  symbols: string[];
}

export class SubscriptionPlan {
  /** The server's word on what is held (the acknowledgement is the full state). */
  accepted: AlpacaSubscriptions = {};
  readonly overLimit: Partial<Record<AlpacaChannel, string[]>> = {};
  readonly invalid: Partial<Record<AlpacaChannel, string[]>> = {};
  private readonly queue: SubscribeRequest[] = [];

  constructor(symbols: Partial<Record<AlpacaChannel, readonly string[]>>, batchSize: number) {
    for (const [channel, list] of Object.entries(symbols) as [AlpacaChannel, readonly string[]][]) {
      const unique = [...new Set(list)];
      for (let i = 0; i < unique.length; i += batchSize) this.queue.push({ channel, symbols: unique.slice(i, i + batchSize) });
    }
  }

  next(): SubscribeRequest | undefined {
    return this.queue.shift();
  }

  acknowledged(subscriptions: AlpacaSubscriptions): void {
    this.accepted = subscriptions;
  }

  /** The server answered 405 to `request`. */
  overSymbolLimit(request: SubscribeRequest): void {
    if (request.symbols.length > 1) {
      const half = Math.ceil(request.symbols.length / 2);
      this.queue.unshift({ ...request, symbols: request.symbols.slice(0, half) }, { ...request, symbols: request.symbols.slice(half) });
      return;
    }
    const rest = this.queue.filter((r) => r.channel === request.channel);
    this.queue.splice(0, this.queue.length, ...this.queue.filter((r) => r.channel !== request.channel));
    this.overLimit[request.channel] = [...(this.overLimit[request.channel] ?? []), ...request.symbols, ...rest.flatMap((r) => r.symbols)];
  }

  /** The server answered 400 (invalid syntax) to `request`: reported, not retried. */
  refused(request: SubscribeRequest): void {
    this.invalid[request.channel] = [...(this.invalid[request.channel] ?? []), ...request.symbols];
  }
}
