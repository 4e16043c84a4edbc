import type { CleanBar } from '@md/contracts';
import { writeFeatures, type RedisClient } from '@md/feature-store';
import { cleanBar } from '@md/market';
import { barMonths, ensureMonthlyPartitions, upsertAltSignals, upsertBars, upsertCorporateActions, upsertFeatureVectors, upsertOptionQuotes, upsertQualityIssues, type Db } from '@md/storage';
import { dbbRows, rowsToRawBars } from '@md/testing';
import { insertExecutions, insertRiskEvents, upsertOrders, upsertPositions, upsertSignals } from '@md/trading-store';

// A little real data for the read API fuzz test, written straight into the writer's schema (the
// writer's own migrations made it): one regular session of DBB minutes under the run's symbol,
// and one row of each other table the routes read, so valid-looking requests find rows and
// run their queries to the end instead of stopping at an empty table.

/** What the seeded rows are, for the valid-looking values of the fuzz. */
export interface Seeded {
  symbol: string;
  /** First bar's start and last bar's end. */
  from: Date;
  to: Date;
  orderId: string;
  account: string;
  model: string;
  expiry: string;
}

const DAY = '2024-05-01';
const ACCOUNT = 'fuzz-paper';
const MODEL = 'fuzz_model';
const EXPIRY = '2024-05-17';

export async function seedWriter(db: Db, schema: string, symbol: string): Promise<Seeded> {
  const bars: CleanBar[] = rowsToRawBars(dbbRows(DAY, DAY), symbol).map((b) => cleanBar(b)).filter((b) => b.session === 'REGULAR');
  const first = bars[0].eventTime;
  const last = bars[bars.length - 1].eventTime;
  const at = (i: number) => bars[i % bars.length].eventTime;
  const orderId = `fuzz-${symbol}-1`;
  await ensureMonthlyPartitions(db, schema, 'bars', barMonths(bars));
  await upsertBars(db, bars, schema);
  await upsertFeatureVectors(db, bars.slice(0, 30).map((b, i) => ({
    symbol, timeframe: '1m', provider: 'fuzz', eventTime: b.eventTime, ingestTime: b.eventTime, featureSet: 'default-v1',
    values: { ret_1: i ? 0.001 * i : null, sma_20: Number(b.close) }, availableTime: b.eventTime + 60_000_000, generation: 0,
  })), schema);
  await upsertQualityIssues(db, [{
    type: 'missing_bars', severity: 'WARNING', symbol, timeframe: '1m', windowStart: at(10), windowEnd: at(20), evidence: JSON.stringify({ missingMinutes: 3 }),
    detectedAt: at(20), availableTime: at(20), generation: 0,
  }], schema);
  await upsertAltSignals(db, [{ symbol, signal: 'composite', provider: 'fuzz', eventTime: at(5), ingestTime: at(5), value: 0.25, observations: 3, components: { news: 0.25 }, sourceId: null, availableTime: at(5) }], schema);
  await upsertCorporateActions(db, [{
    symbol, exDate: DAY, kind: 'CASH_DIVIDEND', ratioTo: null, ratioFrom: null, amount: '0.10000000', referencePrice: bars[0].close, provider: 'fuzz', revision: 0, ingestTime: first,
  }], schema);
  await upsertOptionQuotes(db, [{
    occSymbol: `${symbol}240517C00020000`, underlying: symbol, expiry: EXPIRY, strike: '20.00000000', optionType: 'C', snapshotTime: at(30), lastTradeTime: null,
    bid: '0.10000000', ask: '0.20000000', last: null, volume: 5, openInterest: 10, impliedVolatility: 0.3, underlyingPrice: bars[30].close,
    delta: 0.2, gamma: 0.1, theta: -0.01, vega: 0.02, rho: 0.001, greeksSource: 'computed', provider: 'fuzz', ingestTime: at(30),
  }], schema);
  await seedTrading(db, schema, symbol, orderId, bars);
  return { symbol, from: new Date(first / 1000), to: new Date(last / 1000 + 60_000), orderId, account: ACCOUNT, model: MODEL, expiry: EXPIRY };
}

async function seedTrading(db: Db, schema: string, symbol: string, orderId: string, bars: readonly CleanBar[]): Promise<void> {
  const t = bars[40].eventTime;
  const price = bars[40].close;
  await upsertOrders(db, [{
    broker: 'fuzz', accountAlias: ACCOUNT, orderId, clientOrderId: null, symbol, side: 'BUY', orderType: 'limit', timeInForce: 'day', quantity: '10.00000000',
    filledQuantity: '10.00000000', limitPrice: price, stopPrice: null, averageFillPrice: price, status: 'filled', event: 'fill', replacesOrderId: null,
    eventTime: t, revision: t, ingestTime: t,
  }], schema);
  await insertExecutions(db, [{
    broker: 'fuzz', accountAlias: ACCOUNT, executionId: `${orderId}@10.00000000`, brokerExecutionId: null, orderId, symbol, side: 'BUY', price,
    quantity: '10.00000000', cumulativeQuantity: '10.00000000', executionTime: t, ingestTime: t,
  }], schema);
  await upsertPositions(db, [{ broker: 'fuzz', accountAlias: ACCOUNT, symbol, quantity: '10.00000000', averageEntryPrice: price, lastPrice: null, asOf: t, source: 'rest', ingestTime: t }], schema);
  await upsertSignals(db, [{ symbol, direction: 'LONG', strength: 0.5, model: MODEL, modelVersion: '1', featuresAsOf: t, signalTime: t, availableTime: t }], schema);
  await insertRiskEvents(db, [{ type: 'position_concentration', severity: 'WARNING', symbol, accountAlias: ACCOUNT, metrics: '{"share":0.5}', detectedAt: t, availableTime: t }], schema);
}

/** Three feature vectors of the symbol in the feature-engine's store, so its reads find a key and its history. */
export async function seedFeatureStore(client: RedisClient, prefix: string, symbol: string, seeded: Seeded): Promise<void> {
  const start = seeded.from.getTime() * 1000;
  const vectors = [0, 1, 2].map((i) => ({ symbol, timeframe: '1m', eventTime: start + i * 60_000_000, featureSet: 'default-v1', values: { ret_1: i / 1000, sma_20: null }, generation: 0 }));
  await writeFeatures(client, { prefix, ttlSeconds: 600, historyLength: 390 }, vectors);
}
