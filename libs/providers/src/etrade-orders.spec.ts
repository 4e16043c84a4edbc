import { mapEtradeOrders, type EtradeFill } from './etrade-orders';

// Orders as E*TRADE's v1 List Orders answers them (OrdersResponse.Order[].OrderDetail[].Instrument[]).

const KEY = 'vQMsebA1H5WltUfDkJP48g';
const scope = { accountIdKey: KEY, aliases: { [KEY]: 'ira' }, ingestTime: 1_700_000_000_000_000 };
const PLACED = 1_700_000_000_000;

function order(orderId: number, detail: Record<string, unknown> = {}, instrument: Record<string, unknown> = {}, events?: number[]) {
  return {
    orderId, details: `https://api.etrade.com/v1/accounts/${KEY}/orders/${orderId}`, orderType: 'EQ',
    OrderDetail: [{
      placedTime: PLACED, orderValue: 1000, status: 'OPEN', orderTerm: 'GOOD_FOR_DAY', priceType: 'LIMIT', limitPrice: 100.5, stopPrice: 0,
      marketSession: 'REGULAR', allOrNone: false, accountId: '82736351', ...detail,
      Instrument: [{ symbolDescription: 'GOOG', orderAction: 'BUY', quantityType: 'QUANTITY', orderedQuantity: 10, filledQuantity: 0, averageExecutionPrice: 0, Product: { symbol: 'GOOG', securityType: 'EQ' }, ...instrument }],
    }],
    ...(events ? { Events: { Event: events.map((dateTime, i) => ({ name: `E${i}`, dateTime })) } } : {}),
  };
}
const page = (orders: unknown[], marker?: string) => ({ OrdersResponse: { ...(marker ? { marker } : {}), Order: orders } });

describe('E*TRADE List Orders to md.orders.v1 and md.executions.v1', () => {
  it('maps an open limit order as a snapshot whose revision is its placedTime in micros', () => {
    const out = mapEtradeOrders(page([order(480)], 'next-page'), scope);
    expect(out.orders).toEqual([{
      broker: 'etrade', accountAlias: 'ira', orderId: '480', clientOrderId: null, symbol: 'GOOG', side: 'BUY', orderType: 'limit', timeInForce: 'day',
      quantity: '10.00000000', filledQuantity: '0.00000000', limitPrice: '100.50000000', stopPrice: null, averageFillPrice: null,
      status: 'new', event: 'snapshot', replacesOrderId: null, eventTime: PLACED * 1000, revision: PLACED * 1000, ingestTime: scope.ingestTime,
    }]);
    expect([out.executions, out.rejected, out.placedTimes, out.marker]).toEqual([[], [], { 480: PLACED * 1000 }, 'next-page']);
  });

  it('maps every documented status to the shared vocabulary, and an open order with fills to partially_filled', () => {
    const statuses = ['OPEN', 'EXECUTED', 'CANCELLED', 'INDIVIDUAL_FILLS', 'CANCEL_REQUESTED', 'EXPIRED', 'REJECTED', 'PARTIAL'];
    const out = mapEtradeOrders(page(statuses.map((status, i) => order(500 + i, { status }))), scope);
    expect(out.orders.map((o) => o.status)).toEqual(['new', 'filled', 'canceled', 'partially_filled', 'pending_cancel', 'expired', 'rejected', 'partially_filled']);
    const open = mapEtradeOrders(page([order(1, {}, { filledQuantity: 4, averageExecutionPrice: 100.25 })]), scope).orders[0];
    expect(open).toMatchObject({ status: 'partially_filled', filledQuantity: '4.00000000', averageFillPrice: '100.25000000' });
  });

  it('reads the side from orderAction and the type and term from priceType and orderTerm', () => {
    const orders = [
      order(1, { priceType: 'MARKET', orderTerm: 'GOOD_UNTIL_CANCEL' }, { orderAction: 'BUY_TO_COVER' }),
      order(2, { priceType: 'STOP_LIMIT', stopPrice: 99, orderTerm: 'IMMEDIATE_OR_CANCEL' }, { orderAction: 'SELL_SHORT' }),
      order(3, { priceType: 'TRAILING_STOP_CNST', orderTerm: 'FILL_OR_KILL' }, { orderAction: 'SELL' }),
    ];
    expect(mapEtradeOrders(page(orders), scope).orders.map((o) => [o.side, o.orderType, o.timeInForce, o.limitPrice, o.stopPrice])).toEqual([
      ['BUY', 'market', 'gtc', null, null], ['SELL', 'stop_limit', 'ioc', '100.50000000', '99.00000000'], ['SELL', 'trailing_stop', 'fok', null, null],
    ]);
  });

  it('takes the latest of placedTime, executedTime and the events as the revision, and a fill at the average price', () => {
    const filled = order(481, { status: 'EXECUTED', executedTime: PLACED + 5000 }, { filledQuantity: 10, averageExecutionPrice: 100.4 }, [PLACED, PLACED + 5000, PLACED + 7000]);
    const out = mapEtradeOrders(page([filled]), scope);
    expect(out.orders[0]).toMatchObject({ status: 'filled', revision: (PLACED + 7000) * 1000, eventTime: (PLACED + 7000) * 1000 });
    expect(out.executions).toEqual([{
      broker: 'etrade', accountAlias: 'ira', executionId: '481@10.00000000', brokerExecutionId: null, orderId: '481', symbol: 'GOOG', side: 'BUY',
      price: '100.40000000', quantity: '10.00000000', cumulativeQuantity: '10.00000000', executionTime: (PLACED + 5000) * 1000, ingestTime: scope.ingestTime,
    }]);
  });

  it('publishes only the fill newly seen: its quantity and the price the two averages imply', () => {
    const previous = new Map<string, EtradeFill>([['482', { quantity: '4.00000000', averagePrice: '100.00000000' }], ['483', { quantity: '10.00000000', averagePrice: '50.00000000' }]]);
    const orders = [
      order(482, { status: 'EXECUTED', executedTime: PLACED + 9000 }, { filledQuantity: 10, averageExecutionPrice: 100.6 }),
      order(483, { status: 'EXECUTED', executedTime: PLACED + 9000 }, { filledQuantity: 10, averageExecutionPrice: 50 }),
    ];
    const out = mapEtradeOrders(page(orders), { ...scope, previousFill: (id) => previous.get(id) });
    expect(out.executions).toEqual([expect.objectContaining({ executionId: '482@10.00000000', quantity: '6.00000000', price: '101.00000000', cumulativeQuantity: '10.00000000' })]);
  });

  it('rejects multi-leg orders, options, unknown statuses and unknown actions with the reason, scrubbed of the account', () => {
    const twoLegs = order(1);
    (twoLegs.OrderDetail[0].Instrument as unknown[]).push(twoLegs.OrderDetail[0].Instrument[0]);
    const orders = [twoLegs, order(2, {}, { Product: { symbol: 'GOOG', securityType: 'OPTN' } }), order(3, { status: 'DO_NOT_EXERCISE' }), order(4, {}, { orderAction: 'EXCHANGE' }), order(5)];
    const out = mapEtradeOrders(page(orders), scope);
    expect(out.orders.map((o) => o.orderId)).toEqual(['5']);
    expect(out.rejected.map((r) => `${r.at}: ${r.reason}`)).toEqual([
      'Order[0]: 2 Instruments (a multi-leg order): md.orders.v1 holds one instrument each',
      'Order[1]: securityType OPTN: only equities (EQ) are mapped to md.orders.v1',
      'Order[2]: status DO_NOT_EXERCISE has no md.orders.v1 status',
      'Order[3]: orderAction EXCHANGE is not BUY, SELL, BUY_TO_COVER or SELL_SHORT',
    ]);
    expect(JSON.stringify(out.rejected)).not.toMatch(new RegExp(`${KEY}|82736351`));
  });

  it('still publishes the order when its fill has no price, and rejects the fill', () => {
    const out = mapEtradeOrders(page([order(9, { status: 'EXECUTED' }, { filledQuantity: 10, averageExecutionPrice: 0 })]), scope);
    expect(out.orders).toHaveLength(1);
    expect(out.rejected.map((r) => r.reason)).toEqual(['order state published, its fill not: 10.00000000 filled but no averageExecutionPrice']);
  });

  it('reads an answer without content as an empty last page', () => {
    expect(mapEtradeOrders(null, scope)).toEqual({ orders: [], executions: [], rejected: [], placedTimes: {}, marker: null });
  });
});
