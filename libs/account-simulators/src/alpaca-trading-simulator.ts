import { randomUUID } from 'node:crypto';
import { LocalServer, micros } from '@md/simulators';
import { AlpacaTradingLedger, type ReplaceRequest, type SubmitRequest } from './alpaca-trading-ledger';
import { AlpacaTradingRest } from './alpaca-trading-rest';
import { AlpacaTradingStream, type TradingFrames, type TradingStreamCounters } from './alpaca-trading-stream';
import { fillJson, orderJson, positionJson, stamp, type FillActivityJson, type OrderJson, type PositionJson, type TradeUpdate } from './alpaca-trading-wire';

// A protocol-faithful Alpaca paper-trading account on 127.0.0.1: the Trading API's REST routes
// (alpaca-trading-rest.ts) and its trade_updates stream (alpaca-trading-stream.ts) over one ledger of
// orders, executions and positions (alpaca-trading-ledger.ts). The test is the market: it submits,
// fills, cancels, replaces, expires and rejects orders through the methods below (a client can also
// submit, replace and cancel over REST), and every change goes out on the stream as it happens, once:
// a client that is away then misses it, and must recover it from REST, as with Alpaca. Faults: cut
// connections (now, or just before or after the n-th fill event), silence (no data, no pongs).

export { TradingRuleError, type ReplaceRequest, type SubmitRequest } from './alpaca-trading-ledger';
export type { TradingFrames } from './alpaca-trading-stream';
export type { FillActivityJson, OrderJson, OrderStatus, PositionJson, TradeEvent, TradeUpdate } from './alpaca-trading-wire';

export interface AlpacaTradingSimulatorOptions {
  /** Credentials REST and the stream accept. */
  keyId: string;
  secretKey: string;
  /** The simulated clock at the start: RFC-3339 text, epoch milliseconds or a Date. Default now. */
  startTime?: string | number | Date;
  /** Least time between two events' stamps, milliseconds. Default 1 (the official client parses times to the millisecond). */
  minEventGapMs?: number;
  /** How trade_updates frames go out: binary, as the paper endpoint sends them (docs), or text. Default binary. */
  frames?: TradingFrames;
  /** Cash at the start. Default 100,000. */
  cash?: number;
  /** Default a random UUID. */
  accountId?: string;
  /** Default PA1SIM000001. */
  accountNumber?: string;
  /** Cut every stream connection just before the n-th fill or partial_fill event (counted from 1 since start), which then reaches nobody. */
  dropBeforeFill?: number;
  /** Cut every stream connection right after the n-th fill or partial_fill event is written to it. */
  dropAfterFill?: number;
}

export interface TradingFaults {
  dropBeforeFill?: number;
  dropAfterFill?: number;
}

export interface TradingCounters extends TradingStreamCounters {
  /** trade_updates events produced, delivered or not. */
  events: number;
  /** fill and partial_fill events produced: what dropBeforeFill / dropAfterFill count. */
  fillEvents: number;
}

/** The account as it stands: every order (latest state, submission order), every execution (time order), open positions. */
export interface TradingLedgerSnapshot {
  orders: OrderJson[];
  fills: FillActivityJson[];
  positions: PositionJson[];
  cash: number;
}

/** Events kept for events() at most; the oldest tenth goes when full. */
const MAX_EVENTS = 100_000;

function startMicros(start: AlpacaTradingSimulatorOptions['startTime']): number {
  if (start === undefined) return Date.now() * 1000;
  if (start instanceof Date) return start.getTime() * 1000;
  if (typeof start === 'number') return Math.round(start * 1000);
  const us = micros(start);
  if (us === undefined) throw new RangeError(`startTime: expected RFC-3339, got ${start}`);
  return us;
}

export class AlpacaTradingSimulator {
  /** Base URL, the stand-in for https://paper-api.alpaca.markets. */
  readonly url: string;
  /** The stand-in for wss://paper-api.alpaca.markets/stream. */
  readonly streamUrl: string;
  /** Armed faults; change them at any time (e.g. dropAfterFill = counters.fillEvents + 1). */
  faults: TradingFaults;
  private readonly history: TradeUpdate[] = [];
  private readonly book: AlpacaTradingLedger;
  private readonly rest: AlpacaTradingRest;
  private readonly stream: AlpacaTradingStream;
  private produced = 0;
  private fillEvents = 0;

  private constructor(private readonly server: LocalServer, options: AlpacaTradingSimulatorOptions) {
    const startUs = startMicros(options.startTime);
    const cash = options.cash ?? 100_000;
    this.url = server.url;
    this.streamUrl = `ws://127.0.0.1:${server.port}/stream`;
    this.faults = { dropBeforeFill: options.dropBeforeFill, dropAfterFill: options.dropAfterFill };
    this.stream = new AlpacaTradingStream(server, { keyId: options.keyId, secretKey: options.secretKey, frames: options.frames ?? 'binary' });
    this.book = new AlpacaTradingLedger({ startUs, cash, minEventGapUs: Math.round((options.minEventGapMs ?? 1) * 1000) }, (u) => this.onUpdate(u));
    this.rest = new AlpacaTradingRest(this.book, {
      keyId: options.keyId, secretKey: options.secretKey, accountId: options.accountId ?? randomUUID(),
      accountNumber: options.accountNumber ?? 'PA1SIM000001', createdAtUs: startUs, initialCash: cash,
    });
    server.serve((req, res) => void this.rest.handle(req, res));
  }

  static start(options: AlpacaTradingSimulatorOptions): Promise<AlpacaTradingSimulator> {
    return LocalServer.host((server) => new AlpacaTradingSimulator(server, options));
  }

  /** Closes the server, every socket and timer. */
  stop(): Promise<void> {
    return this.server.close();
  }

  get counters(): TradingCounters {
    return { ...this.stream.counters, events: this.produced, fillEvents: this.fillEvents };
  }

  /** REST answers by status code. */
  get restStatuses(): Record<number, number> {
    return { ...this.rest.statuses };
  }

  /** Stream sessions authenticated and listening to trade_updates. */
  get listeners(): number {
    return this.stream.listeners;
  }

  /** The simulated clock, RFC-3339. */
  now(): string {
    return stamp(this.book.nowUs);
  }

  /** Moves the simulated clock forward. */
  advance(ms: number): void {
    this.book.advance(ms);
  }

  /** A new order (event new), as POST /v2/orders makes one. Throws TradingRuleError where Alpaca answers 422. */
  submit(request: SubmitRequest): OrderJson {
    return orderJson(this.book.submit(request));
  }

  /** One execution: partial_fill, or fill when `qty` is all that is left. Returns the FILL activity. */
  fill(orderId: string, qty: number, price: number): FillActivityJson {
    return fillJson(this.book.fill(orderId, qty, price));
  }

  /** pending_cancel, then canceled (DELETE /v2/orders/{id}). */
  cancel(orderId: string): OrderJson {
    return orderJson(this.book.cancel(orderId));
  }

  /** pending_replace and replaced on the old order, new on the new one (PATCH /v2/orders/{id}); returns the new order. */
  replace(orderId: string, changes: ReplaceRequest): OrderJson {
    return orderJson(this.book.replace(orderId, changes));
  }

  expire(orderId: string): OrderJson {
    return orderJson(this.book.expire(orderId));
  }

  reject(orderId: string): OrderJson {
    return orderJson(this.book.reject(orderId));
  }

  doneForDay(orderId: string): OrderJson {
    return orderJson(this.book.doneForDay(orderId));
  }

  /** Values the open position of `symbol` at `price` from now on (current_price, market_value, P/L). */
  mark(symbol: string, price: number): void {
    this.book.mark(symbol, price);
  }

  ledger(): TradingLedgerSnapshot {
    return {
      orders: this.book.orderList().map(orderJson),
      fills: this.book.fillList().map(fillJson),
      positions: this.book.positionList().map(positionJson),
      cash: this.book.cash,
    };
  }

  /** Every trade_updates event produced, delivered or not, oldest first (the last 100,000). */
  events(): TradeUpdate[] {
    return [...this.history];
  }

  /** Cuts every stream connection abruptly, as a network failure would (clients see close code 1006). */
  dropConnections(): void {
    this.stream.dropConnections();
  }

  /** Current stream sessions send nothing and answer no ping for `ms` (events meanwhile are lost to them). */
  silence(ms: number): void {
    this.stream.silence(ms);
  }

  private onUpdate(update: TradeUpdate): void {
    this.produced++;
    if (this.history.length >= MAX_EVENTS) this.history.splice(0, MAX_EVENTS / 10);
    this.history.push(update);
    const fill = update.event === 'fill' || update.event === 'partial_fill';
    if (fill) this.fillEvents++;
    if (fill && this.faults.dropBeforeFill === this.fillEvents) this.stream.dropConnections();
    this.stream.deliver(update, fill && this.faults.dropAfterFill === this.fillEvents);
  }
}
