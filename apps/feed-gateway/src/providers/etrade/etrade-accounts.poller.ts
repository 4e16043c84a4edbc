import { Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { type ExecutionRecord, type OrderEventRecord, type PositionRecord } from '@md/contracts';
import { nowMicros } from '@md/market';
import type { Rejected } from '@md/ingest';
import type { EtradeAccountRef, EtradeFill, EtradeTransaction } from '@md/providers';
import { EtradeError, type EtradeClient } from './etrade.client';
import { EtradeAccountReader, type EtradeAccountRead, type EtradeReadWindows } from './etrade-accounts.reader';
import { PollLoop } from './poll-loop';

// E*TRADE pushes nothing about accounts: the gateway polls the Accounts API (etrade-accounts.reader.ts)
// and publishes what changed since the last cycle. Each cycle reads, per aliased account, the whole
// portfolio, the orders of a date window and its transactions. Both windows reach back to the day
// before the last cycle (the first cycle: yesterday); the orders' also to the day an order still
// open was placed (List Orders filters by date, and an order changes long after it was placed),
// and on the first cycle `lookbackDays` back, for good-until-cancel orders placed before it.
// Published: orders whose state changed, the fills newly seen, positions that changed (a position
// gone from the portfolio is published at quantity 0), transactions not seen before. State moves
// on only once the sink has the cycle, so a failed publish is read and published again.
// Failures as in the quote poller: a retriable one (throttled, 5xx, timeout after the client's
// retries) skips to the next cycle; anything else (an expired token) stops it, status 'failed'.

export interface EtradeAccountsPollerOptions {
  /** accountIdKey -> alias: the only name an account has in records, logs and status. Accounts not here are not polled. */
  aliases: Readonly<Record<string, string>>;
  /** Least time from one cycle's start to the next. Default 30 s. */
  intervalMs?: number;
  /** This poller's requests a second (Accounts and Order modules: 2 a second, 7,000 an hour each). Default 1; at most 1.94. */
  requestsPerSecond?: number;
  /** Days of orders the first cycle reads, today included. Default 60 (E*TRADE's good-until-cancel orders last 60 days). */
  lookbackDays?: number;
  /** Page sizes: portfolio 50, orders 100 (List Orders' most), transactions 50 (List Transactions' most). */
  pageSizes?: Partial<{ portfolio: number; orders: number; transactions: number }>;
  /** Pages per listing per cycle. Default 50. */
  maxPages?: number;
  /** Orders and transactions remembered to publish changes only; oldest forgotten first. Default 10,000 each. */
  maxTracked?: number;
}

/** One cycle's news, for the sink. */
export interface EtradeAccountRecords {
  orders: OrderEventRecord[];
  executions: ExecutionRecord[];
  positions: PositionRecord[];
  /** No md.* topic carries these yet: for logging or a future topic. */
  transactions: EtradeTransaction[];
  /** Items that could not be mapped, with the reason, scrubbed of account numbers: to dead-letter. */
  rejected: Rejected[];
}

export interface EtradeAccountsSink {
  /** Resolves once the records are durably kept; the poller awaits it before the next cycle. */
  publish(records: EtradeAccountRecords): Promise<void>;
}

export interface EtradeAccountsStatus {
  state: 'idle' | 'polling' | 'stopped' | 'failed';
  reason: string | null;
  /** Aliases of the accounts polled (configured and found in the account list). */
  accounts: string[];
  cycles: number;
  failedCycles: number;
  published: { orders: number; executions: number; positions: number; transactions: number };
  rejected: number;
  lastCycleAt: string | null;
  requests: number;
  retries: number;
  throttled: number;
  renewals: number;
}

interface TrackedOrder { state: string; revision: number; placedUs: number; open: boolean; fill?: EtradeFill }
interface Pending { orders: Map<string, TrackedOrder>; positions: Map<string, Map<string, string>>; transactions: Set<string>; day: string }

const FINAL = new Set(['filled', 'canceled', 'expired', 'rejected']);
const ZERO = '0.00000000';
const newYork = (ms: number) => DateTime.fromMillis(ms, { zone: 'America/New_York' }).startOf('day');
const etradeDate = (d: DateTime) => d.toFormat('MMddyyyy');

export class EtradeAccountsPoller {
  readonly finished: Promise<void>;
  private readonly logger = new Logger(EtradeAccountsPoller.name);
  private readonly reader: EtradeAccountReader;
  private readonly state: Omit<EtradeAccountsStatus, keyof EtradeClient['stats']>;
  private accounts?: EtradeAccountRef[];
  /** By `alias|orderId`, insertion order = least recently changed first. */
  private readonly orders = new Map<string, TrackedOrder>();
  /** By alias: symbol -> `quantity|averageEntryPrice` as last published. */
  private readonly positions = new Map<string, Map<string, string>>();
  private readonly transactions = new Set<string>();
  /** New York day of the last cycle published; undefined before the first. */
  private lastDay?: string;
  private readonly loop: PollLoop;

  constructor(private readonly client: EtradeClient, private readonly o: EtradeAccountsPollerOptions) {
    if (Object.keys(o.aliases).length === 0) throw new RangeError('the E*TRADE accounts poller needs at least one accountIdKey -> alias');
    const sizes = { portfolio: 50, orders: 100, transactions: 50, ...o.pageSizes };
    this.reader = new EtradeAccountReader(client, { aliases: o.aliases, requestsPerSecond: o.requestsPerSecond ?? 1, maxPages: o.maxPages ?? 50, pageSizes: sizes });
    const published = { orders: 0, executions: 0, positions: 0, transactions: 0 };
    this.state = { state: 'idle', reason: null, accounts: [], cycles: 0, failedCycles: 0, published, rejected: 0, lastCycleAt: null };
    this.loop = new PollLoop({
      what: 'accounts cycle', intervalMs: o.intervalMs ?? 30_000, logger: this.logger,
      onSkipped: (err) => Object.assign(this.state, { failedCycles: this.state.failedCycles + 1, reason: err.message }),
      onFailed: (err) => Object.assign(this.state, { state: 'failed', reason: err.message }),
    });
    this.finished = this.loop.finished;
  }

  /** Resolves after the first cycle is published; rejects if it fails. */
  async start(sink: EtradeAccountsSink): Promise<void> {
    await this.loop.start(() => this.cycle(sink));
    this.state.state = 'polling';
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    if (this.state.state !== 'failed') this.state.state = 'stopped';
  }

  /** One cycle without a sink (not while started): what changed since the last one; state moves on at once. */
  async poll(): Promise<EtradeAccountRecords> {
    const { records, pending } = await this.read();
    this.commit(records, pending);
    return records;
  }

  status(): EtradeAccountsStatus {
    return { ...structuredClone(this.state), ...this.client.stats };
  }

  private async cycle(sink: EtradeAccountsSink): Promise<void> {
    const { records, pending } = await this.read();
    if (Object.values(records).some((list) => list.length > 0)) await sink.publish(records);
    this.commit(records, pending);
  }

  private async read(): Promise<{ records: EtradeAccountRecords; pending: Pending }> {
    const records: EtradeAccountRecords = { orders: [], executions: [], positions: [], transactions: [], rejected: [] };
    if (!this.accounts) records.rejected.push(...(await this.listAccounts()));
    const today = newYork(Date.now());
    const pending: Pending = { orders: new Map(), positions: new Map(), transactions: new Set(), day: today.toISODate()! };
    for (const account of this.accounts!) {
      const alias = account.accountAlias;
      const read = await this.reader.read(account, this.windows(alias, today), (id) => this.orders.get(`${alias}|${id}`)?.fill);
      records.rejected.push(...read.rejected);
      this.orderChanges(alias, read, records, pending);
      this.positionChanges(alias, read, records, pending);
      for (const t of read.transactions) {
        const key = `${alias}|${t.transactionId}`;
        if (this.transactions.has(key) || pending.transactions.has(key)) continue;
        pending.transactions.add(key);
        records.transactions.push(t);
      }
    }
    return { records, pending };
  }

  /** List Accounts, once: the configured accounts it has. */
  private async listAccounts(): Promise<Rejected[]> {
    const list = await this.reader.accounts();
    const found = new Set(list.accounts.map((a) => a.accountAlias));
    const missing = Object.values(this.o.aliases).filter((alias) => !found.has(alias));
    if (missing.length) this.logger.warn(`E*TRADE accounts ${missing.join(', ')} are configured but not in the account list (closed, or another login's): not polled`);
    if (list.accounts.length === 0) throw new EtradeError('none of the configured E*TRADE accounts is in the account list', 200, false);
    this.logger.log(`polling E*TRADE accounts ${[...found].join(', ')}; ${list.unaliased} other account(s) without an alias left alone`);
    this.accounts = list.accounts;
    this.state.accounts = [...found];
    return list.rejected;
  }

  /** Through today, from the day before the last cycle; orders also from lookbackDays ago (first cycle) and the oldest open order's day. */
  private windows(alias: string, today: DateTime): EtradeReadWindows {
    const since = (this.lastDay ? DateTime.fromISO(this.lastDay, { zone: 'America/New_York' }) : today).minus({ days: 1 });
    let from = this.lastDay ? since : DateTime.min(since, today.minus({ days: (this.o.lookbackDays ?? 60) - 1 }));
    for (const [key, o] of this.orders) if (o.open && key.startsWith(`${alias}|`) && o.placedUs / 1000 < from.toMillis()) from = newYork(o.placedUs / 1000);
    return { orders: { from: etradeDate(from), to: etradeDate(today) }, transactions: { from: etradeDate(since), to: etradeDate(today) } };
  }

  /**
   * Orders whose state differs from the one published. The revision is the order's latest time;
   * when a change leaves no newer time (a cancel E*TRADE dates nowhere), one more than the last, so
   * a later state always has a higher revision.
   */
  private orderChanges(alias: string, read: EtradeAccountRead, records: EtradeAccountRecords, pending: Pending): void {
    const executions = new Map(read.executions.map((e) => [e.orderId, e]));
    for (const order of read.orders) {
      const key = `${alias}|${order.orderId}`;
      const seen = this.orders.get(key);
      const state = [order.status, order.filledQuantity, order.averageFillPrice].join('|');
      const execution = executions.get(order.orderId);
      if (execution) records.executions.push(execution);
      if (seen?.state === state) continue;
      const revision = seen && order.revision <= seen.revision ? seen.revision + 1 : order.revision;
      records.orders.push({ ...order, revision });
      const fill = execution ? { quantity: execution.cumulativeQuantity, averagePrice: order.averageFillPrice! } : seen?.fill;
      pending.orders.set(key, { state, revision, placedUs: read.placedTimes[order.orderId] ?? order.eventTime, open: !FINAL.has(order.status), fill });
    }
  }

  /** Positions that changed; a symbol gone from a fully read portfolio is closed (quantity 0). */
  private positionChanges(alias: string, read: EtradeAccountRead, records: EtradeAccountRecords, pending: Pending): void {
    const before = this.positions.get(alias) ?? new Map<string, string>();
    const now = new Map<string, string>();
    const bySymbol = new Map<string, PositionRecord[]>();
    for (const p of read.positions) bySymbol.set(p.symbol, [...(bySymbol.get(p.symbol) ?? []), p]);
    for (const [symbol, list] of bySymbol) {
      if (list.length > 1) {
        // Held twice (cash and margin lots, say): md.positions.v1 keeps one per symbol, and summing is a guess.
        records.rejected.push({ payload: JSON.stringify(list), reason: `${symbol} is listed ${list.length} times in one portfolio: not published`, source: `etrade GET /v1/accounts/${alias}/portfolio` });
        if (before.has(symbol)) now.set(symbol, before.get(symbol)!);
        continue;
      }
      const p = list[0];
      now.set(symbol, `${p.quantity}|${p.averageEntryPrice}`);
      if (before.get(symbol) !== now.get(symbol)) records.positions.push(p);
    }
    const asOf = nowMicros();
    for (const [symbol, value] of before) {
      if (now.has(symbol)) continue;
      if (!read.positionsComplete) now.set(symbol, value); // perhaps among the rejected items: not known closed
      else records.positions.push({ broker: this.client.provider, accountAlias: alias, symbol, quantity: ZERO, averageEntryPrice: ZERO, asOf, source: 'rest', ingestTime: asOf });
    }
    pending.positions.set(alias, now);
  }

  private commit(records: EtradeAccountRecords, pending: Pending): void {
    const max = this.o.maxTracked ?? 10_000;
    for (const [key, order] of pending.orders) {
      this.orders.delete(key); // re-inserted last: eviction drops the least recently changed
      this.orders.set(key, order);
    }
    while (this.orders.size > max) this.orders.delete(this.orders.keys().next().value!);
    for (const key of pending.transactions) this.transactions.add(key);
    for (const key of this.transactions) if (this.transactions.size > max) this.transactions.delete(key); else break;
    for (const [alias, positions] of pending.positions) this.positions.set(alias, positions);
    this.lastDay = pending.day;
    const p = this.state.published;
    Object.assign(p, { orders: p.orders + records.orders.length, executions: p.executions + records.executions.length, positions: p.positions + records.positions.length, transactions: p.transactions + records.transactions.length });
    Object.assign(this.state, { cycles: this.state.cycles + 1, rejected: this.state.rejected + records.rejected.length, reason: null, lastCycleAt: new Date().toISOString() });
  }
}
