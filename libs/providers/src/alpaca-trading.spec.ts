import { closedPosition, mapFillActivity, mapPosition, mapRestOrder, mapTradeUpdate } from './alpaca-trading';

// Payloads in the shapes of Alpaca's docs ("Websocket Streaming" trade_updates example, "Orders",
// "Account Activities" FILL, "Positions"), with the fields the official client's models name.
const scope = { accountAlias: 'paper', ingestTime: 7 };
const order = {
  id: '61e69015-8549-4bfd-b9c3-01e75843f47d', client_order_id: 'eb9e2aaa-f71a-4f51-b5b4-52a6c565dad4', created_at: '2024-07-10T14:00:00.000000Z',
  updated_at: '2024-07-10T14:00:02.123456Z', submitted_at: '2024-07-10T14:00:00.000000Z', filled_at: null, symbol: 'AAPL', asset_class: 'us_equity',
  qty: '100', filled_qty: '40', filled_avg_price: '189.5', order_type: 'limit', type: 'limit', side: 'buy', time_in_force: 'day',
  limit_price: '190', stop_price: null, status: 'partially_filled', extended_hours: false, replaces: null, replaced_by: null,
};

describe('Alpaca trading records', () => {
  it('maps a partial fill to the order state and one execution keyed by the cumulative quantity', () => {
    const { order: o, execution } = mapTradeUpdate({ event: 'partial_fill', execution_id: 'x-1', order, timestamp: '2024-07-10T14:00:02.123456Z', price: '189.5', qty: '40', position_qty: '40' }, scope);
    const t = Date.parse('2024-07-10T14:00:02.123Z') * 1000 + 456;
    expect(o).toEqual({
      broker: 'alpaca', accountAlias: 'paper', orderId: order.id, clientOrderId: order.client_order_id, symbol: 'AAPL', side: 'BUY', orderType: 'limit',
      timeInForce: 'day', quantity: '100.00000000', filledQuantity: '40.00000000', limitPrice: '190.00000000', stopPrice: null, averageFillPrice: '189.50000000',
      status: 'partially_filled', event: 'partial_fill', replacesOrderId: null, eventTime: t, revision: t, ingestTime: 7,
    });
    expect(execution).toEqual({
      broker: 'alpaca', accountAlias: 'paper', executionId: `${order.id}@40.00000000`, brokerExecutionId: 'x-1', orderId: order.id, symbol: 'AAPL', side: 'BUY',
      price: '189.50000000', quantity: '40.00000000', cumulativeQuantity: '40.00000000', executionTime: t, ingestTime: 7,
    });
  });

  it('gives the same execution id to the FILL activity of that fill', () => {
    const activity = { id: '20240710140002123::8f0a', activity_type: 'FILL', transaction_time: '2024-07-10T14:00:02.123456Z', type: 'partial_fill', price: '189.5', qty: '40', side: 'buy', symbol: 'AAPL', leaves_qty: '60', order_id: order.id, cum_qty: '40', order_status: 'partially_filled' };
    const fromStream = mapTradeUpdate({ event: 'partial_fill', execution_id: 'x-1', order, timestamp: '2024-07-10T14:00:02.123456Z', price: '189.5', qty: '40' }, scope).execution!;
    expect(mapFillActivity(activity, scope)).toEqual({ ...fromStream, brokerExecutionId: activity.id });
  });

  it('reads a REST order as a snapshot dated by updated_at, and an event without a fill as no execution', () => {
    expect(mapRestOrder(order, scope)).toMatchObject({ event: 'snapshot', status: 'partially_filled', revision: Date.parse('2024-07-10T14:00:02.123Z') * 1000 + 456 });
    expect(mapTradeUpdate({ event: 'canceled', order: { ...order, status: 'canceled' }, timestamp: '2024-07-10T14:05:00Z' }, scope).execution).toBeNull();
  });

  it('refuses a fill without a price and names a malformed field', () => {
    expect(() => mapTradeUpdate({ event: 'fill', order, timestamp: '2024-07-10T14:00:02Z' }, scope)).toThrow(`fill of order ${order.id} carries no price or qty`);
    expect(() => mapTradeUpdate({ event: 'new', order: { ...order, side: 'long' }, timestamp: '2024-07-10T14:00:02Z' }, scope)).toThrow(/order\.side/);
    expect(() => mapTradeUpdate({ event: 'new', order, timestamp: 'yesterday' }, scope)).toThrow(/timestamp: "yesterday" is not an RFC-3339 time/);
  });

  it('signs a short position and closes a symbol with none', () => {
    const short = mapPosition({ symbol: 'TSLA', qty: '-30', avg_entry_price: '250.1', current_price: '248', side: 'short' }, scope, 5, 'rest');
    expect(short).toMatchObject({ symbol: 'TSLA', quantity: '-30.00000000', averageEntryPrice: '250.10000000', lastPrice: '248.00000000', asOf: 5, source: 'rest' });
    expect(mapPosition({ symbol: 'TSLA', qty: '30', avg_entry_price: '250.1', side: 'short' }, scope, 5, 'rest').quantity).toBe('-30.00000000');
    expect(closedPosition('tsla', scope, 6, 'after_fill')).toMatchObject({ symbol: 'TSLA', quantity: '0.00000000', asOf: 6 });
  });
});
