import { LOCAL_STACK } from '@md/config';
import type { CleanBar, ExecutionRecord, OrderEventRecord, PositionRecord, RiskEventRecord } from '@md/contracts';
import { DEFAULT_STORAGE_OPTIONS, PgDb, PgliteDb, barMonths, ensureMonthlyPartitions, migrate, upsertBars, type Db } from '@md/storage';
import { insertExecutions, insertRiskEvents, orderHistory, queryRiskEvents, queryOrders, queryPositions, upsertOrders, upsertPositions } from '../src';

// Integration, both targets: the trading tables' idempotence and revision rules, and positions
// marked to the latest stored close (view positions_marked). The P&L expectations are worked by
// hand in exact decimals.
const us = (iso: string) => Date.parse(iso) * 1000;
const order = (revision: string, event: string, status: string, filled: string, avg: string | null): OrderEventRecord => ({
  broker: 'alpaca', accountAlias: 'paper', orderId: 'o-1', clientOrderId: 'c-1', symbol: 'AAPL', side: 'BUY', orderType: 'limit', timeInForce: 'day',
  quantity: '100.00000000', filledQuantity: filled, limitPrice: '190.00000000', stopPrice: null, averageFillPrice: avg, status, event,
  replacesOrderId: null, eventTime: us(revision), revision: us(revision), ingestTime: us(revision),
});
const fill = (cum: string, qty: string, price: string, brokerId: string | null): ExecutionRecord => ({
  broker: 'alpaca', accountAlias: 'paper', executionId: `o-1@${cum}`, brokerExecutionId: brokerId, orderId: 'o-1', symbol: 'AAPL', side: 'BUY',
  price, quantity: qty, cumulativeQuantity: cum, executionTime: us('2024-07-10T14:00:00Z'), ingestTime: 1,
});
const position = (quantity: string, avg: string, asOf: string): PositionRecord => ({
  broker: 'alpaca', accountAlias: 'paper', symbol: 'AAPL', quantity, averageEntryPrice: avg, lastPrice: null, asOf: us(asOf), source: 'rest', ingestTime: 1,
});
const bar = (minute: string, close: string): CleanBar => ({
  symbol: 'AAPL', timeframe: '1m', provider: 'test', eventTime: us(minute), ingestTime: 1, open: close, high: close, low: close, close,
  volume: 10, tradeCount: null, vwap: null, revision: 0, session: 'REGULAR', splitFactor: 1, dividendFactor: 1, generation: 0,
});

describe.each([
  ['embedded TimescaleDB', (): Promise<Db> => PgliteDb.open({})],
  ['PostgreSQL', async (): Promise<Db> => new PgDb(LOCAL_STACK.databaseUrl)],
] as const)('trading tables on %s (integration)', (_name, open) => {
  const schema = `t_trading_${Math.random().toString(36).slice(2, 8)}`;
  let db: Db;
  const storeBars = (bars: CleanBar[]) => db.transaction(async (tx) => {
    if (db.kind === 'pg') await ensureMonthlyPartitions(tx, schema, 'bars', barMonths(bars));
    await upsertBars(tx, bars, schema);
  });

  beforeAll(async () => {
    db = await open();
    await migrate(db, { ...DEFAULT_STORAGE_OPTIONS, schema });
  }, 120_000);
  afterAll(async () => {
    if (db?.kind === 'pg') await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.close();
  });

  it('keeps the highest revision of an order as its state and every event once as its history', async () => {
    const events = [
      order('2024-07-10T13:59:00Z', 'new', 'new', '0.00000000', null),
      order('2024-07-10T14:00:00Z', 'partial_fill', 'partially_filled', '40.00000000', '189.50000000'),
      order('2024-07-10T14:01:00Z', 'fill', 'filled', '100.00000000', '189.80000000'),
    ];
    await upsertOrders(db, [events[2], events[0]], schema);
    await upsertOrders(db, [events[1], events[0]], schema); // late and replayed events: the state stays filled
    const [state] = await queryOrders(db, schema, { from: new Date('2024-07-10T00:00:00Z'), to: new Date('2024-07-11T00:00:00Z'), limit: 10 });
    expect(state).toMatchObject({ order_id: 'o-1', status: 'filled', last_event: 'fill', filled_quantity: '100.00000000', average_fill_price: '189.80000000' });
    const history = await orderHistory(db, schema, 'o-1', 10);
    expect(history.events.map((e) => e.event)).toEqual(['new', 'partial_fill', 'fill']);
  });

  it('stores a fill once, whichever source reports it first', async () => {
    await insertExecutions(db, [fill('40.00000000', '40.00000000', '189.50000000', 'stream-exec-1')], schema);
    await insertExecutions(db, [fill('40.00000000', '40.00000000', '189.50000000', 'activity-1'), fill('100.00000000', '60.00000000', '190.00000000', 'activity-2')], schema);
    const history = await orderHistory(db, schema, 'o-1', 10);
    expect(history.executions.map((e) => [e.execution_id, e.broker_execution_id, e.quantity])).toEqual([
      ['o-1@40.00000000', 'stream-exec-1', '40.00000000'], ['o-1@100.00000000', 'activity-2', '60.00000000'],
    ]);
  });

  it('marks a position to the latest stored close: P&L = quantity x (close - average entry), to the cent and beyond', async () => {
    await storeBars([bar('2024-07-10T14:00:00Z', '190.12000000')]);
    await upsertPositions(db, [position('100.00000000', '189.80000000', '2024-07-10T14:01:00Z')], schema);
    // 100 x 190.12 = 19012; 100 x (190.12 - 189.80) = 32.
    expect(await queryPositions(db, schema, { includeClosed: false, limit: 10 })).toMatchObject([{ quantity: '100.00000000', mark_price: '190.12000000', market_value: '19012.00000000', unrealized_pnl: '32.00000000' }]);
    await storeBars([bar('2024-07-10T14:02:00Z', '188.33330000'), bar('2024-07-10T14:01:00Z', '191.00000000')]);
    // The newest bar marks it: 100 x (188.3333 - 189.80) = -146.67.
    expect((await queryPositions(db, schema, { includeClosed: false, limit: 10 }))[0]).toMatchObject({ mark_price: '188.33330000', unrealized_pnl: '-146.67000000' });
    // An older snapshot changes nothing; a newer one with a short quantity is marked at once: -30 x (188.3333 - 191.25) = 87.501.
    await upsertPositions(db, [position('50.00000000', '1.00000000', '2024-07-10T13:00:00Z')], schema);
    await upsertPositions(db, [position('-30.00000000', '191.25000000', '2024-07-10T14:03:00Z')], schema);
    expect((await queryPositions(db, schema, { includeClosed: false, limit: 10 }))[0]).toMatchObject({ quantity: '-30.00000000', market_value: '-5649.99900000', unrealized_pnl: '87.50100000' });
    await upsertPositions(db, [position('0.00000000', '0.00000000', '2024-07-10T14:04:00Z')], schema);
    expect(await queryPositions(db, schema, { includeClosed: false, limit: 10 })).toEqual([]);
    expect(await queryPositions(db, schema, { includeClosed: true, limit: 10 })).toHaveLength(1);
  });

  it('keeps a risk event once when it comes again, and two findings of one symbol at one time apart', async () => {
    const risk = (issueType: string): RiskEventRecord => ({
      type: 'quality_issue', severity: 'WARNING', symbol: 'AAPL', accountAlias: null, metrics: JSON.stringify({ issueType }),
      detectedAt: us('2024-07-10T14:01:00Z'), availableTime: us('2024-07-10T14:01:00Z'),
    });
    await insertRiskEvents(db, [risk('price_outlier'), risk('volume_anomaly'), risk('price_outlier')], schema);
    await insertRiskEvents(db, [risk('price_outlier')], schema); // a replay
    const rows = await queryRiskEvents(db, schema, { from: new Date('2024-07-10T00:00:00Z'), to: new Date('2024-07-11T00:00:00Z'), limit: 10, minSeverity: 'INFO' });
    expect(rows.map((r) => (r.metrics as { issueType: string }).issueType).sort()).toEqual(['price_outlier', 'volume_anomaly']);
  });
});
