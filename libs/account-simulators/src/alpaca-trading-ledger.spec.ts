import { AlpacaTradingLedger, TradingRuleError } from './alpaca-trading-ledger';
import type { TradeUpdate } from './alpaca-trading-wire';

const START_US = Date.parse('2024-07-01T13:30:00Z') * 1000;

describe('Alpaca trading ledger', () => {
  let events: TradeUpdate[];
  let ledger: AlpacaTradingLedger;
  beforeEach(() => {
    events = [];
    ledger = new AlpacaTradingLedger({ startUs: START_US, cash: 100_000 }, (u) => events.push(u));
  });
  const eventsOf = (id: string) => events.filter((e) => e.order.id === id).map((e) => `${e.event}:${e.order.status}`);

  it('keeps avg_entry_price as Alpaca does through buy, buy, sell, sell through zero, sell short and buy to flat', () => {
    const trade = (side: 'buy' | 'sell', qty: number, price: number) => {
      const fill = ledger.fill(ledger.submit({ symbol: 'AAPL', side, qty }).id, qty, price);
      const p = ledger.position('AAPL');
      return { side: fill.side, position: events.at(-1)!.position_qty, qty: p?.qty, avg: p?.avgEntryPrice };
    };
    // 10 @ 100, then 5 @ 106: (10 x 100 + 5 x 106) / 15 = 102.
    expect(trade('buy', 10, 100)).toEqual({ side: 'buy', position: '10', qty: 10, avg: 100 });
    expect(trade('buy', 5, 106)).toEqual({ side: 'buy', position: '15', qty: 15, avg: 102 });
    // Selling part of a long leaves its average as it was.
    expect(trade('sell', 6, 110)).toEqual({ side: 'sell', position: '9', qty: 9, avg: 102 });
    // Selling 14 of 9 closes the long and opens a short of 5 at this fill's price.
    expect(trade('sell', 14, 95)).toEqual({ side: 'sell', position: '-5', qty: -5, avg: 95 });
    // Adding to the short averages the short side: (5 x 95 + 5 x 90) / 10 = 92.5; booked as sell_short.
    expect(trade('sell', 5, 90)).toEqual({ side: 'sell_short', position: '-10', qty: -10, avg: 92.5 });
    expect(trade('buy', 10, 91)).toEqual({ side: 'buy', position: '0', qty: undefined, avg: undefined });
    expect(ledger.positionList()).toEqual([]);
    // Cash: -1000 -530 +660 +1330 +450 -910.
    expect(ledger.cash).toBeCloseTo(100_000, 9);
  });

  it('reports a partial fill, then the fill of what is left, with the execution fields', () => {
    const order = ledger.submit({ symbol: 'MSFT', side: 'buy', qty: 10, type: 'limit', limitPrice: 400, clientOrderId: 'c-1' });
    ledger.fill(order.id, 4, 399.5);
    ledger.fill(order.id, 6, 400);
    expect(eventsOf(order.id)).toEqual(['new:new', 'partial_fill:partially_filled', 'fill:filled']);
    const [partial, fill] = events.slice(1);
    expect(partial).toMatchObject({ price: '399.5', qty: '4', position_qty: '4', order: { filled_qty: '4', filled_avg_price: '399.5', filled_at: null, client_order_id: 'c-1' } });
    expect(fill).toMatchObject({ price: '400', qty: '6', position_qty: '10', order: { qty: '10', filled_qty: '10', filled_avg_price: '399.8', limit_price: '400' } });
    expect(fill.order.filled_at).toBe(fill.timestamp);
    expect(partial.execution_id).not.toEqual(fill.execution_id);
    expect(ledger.fillList().map((f) => [f.type, f.cumQty, f.leavesQty, f.orderStatus])).toEqual([
      ['partial_fill', 4, 6, 'partially_filled'], ['fill', 10, 0, 'filled'],
    ]);
  });

  it('cancels through pending_cancel, and replaces through pending_replace and replaced, the new order naming the old', () => {
    const a = ledger.submit({ symbol: 'AAPL', side: 'buy', qty: 10, type: 'limit', limitPrice: 190 });
    ledger.fill(a.id, 4, 189);
    const b = ledger.replace(a.id, { limitPrice: 191 });
    expect(eventsOf(a.id)).toEqual(['new:new', 'partial_fill:partially_filled', 'pending_replace:pending_replace', 'replaced:replaced']);
    expect(eventsOf(b.id)).toEqual(['new:new']);
    expect(events.find((e) => e.event === 'replaced')!.order).toMatchObject({ replaced_by: b.id, replaced_at: expect.any(String) });
    // The new order takes what was left of the old one unless told otherwise.
    expect(b).toMatchObject({ replaces: a.id, qty: 6, limitPrice: 191, filledQty: 0 });
    ledger.cancel(b.id);
    expect(eventsOf(b.id)).toEqual(['new:new', 'pending_cancel:pending_cancel', 'canceled:canceled']);
    expect(events.at(-1)!.order.canceled_at).toBe(events.at(-1)!.timestamp);
  });

  it('expires, rejects and marks done for the day, each stamping its time', () => {
    const [x, y, z] = [1, 2, 3].map(() => ledger.submit({ symbol: 'SPY', side: 'sell', qty: 1, type: 'limit', limitPrice: 500 }));
    ledger.expire(x.id);
    ledger.reject(y.id);
    ledger.doneForDay(z.id);
    ledger.expire(z.id);
    expect(events.slice(3).map((e) => [e.event, e.order.status])).toEqual([['expired', 'expired'], ['rejected', 'rejected'], ['done_for_day', 'done_for_day'], ['expired', 'expired']]);
    expect(x).toMatchObject({ expiredAt: expect.any(Number) });
    expect(y).toMatchObject({ failedAt: expect.any(Number) });
  });

  it('stamps every event strictly after the last, at the clock when it has moved on', () => {
    const order = ledger.submit({ symbol: 'AAPL', side: 'buy', qty: 3 });
    ledger.fill(order.id, 1, 10);
    ledger.advance(60_000);
    ledger.fill(order.id, 2, 10);
    expect(events.map((e) => e.timestamp)).toEqual(['2024-07-01T13:30:00.000000000Z', '2024-07-01T13:30:00.001000000Z', '2024-07-01T13:31:00.001000000Z']);
  });

  it('refuses what Alpaca refuses with 422 and an unknown order with 404', () => {
    const refusal = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return err instanceof TradingRuleError ? [err.status, err.code, err.message] : String(err);
      }
      return 'accepted';
    };
    expect(refusal(() => ledger.submit({ symbol: 'AAPL', side: 'buy', qty: 0 }))).toEqual([422, 40010001, 'qty must be > 0']);
    expect(refusal(() => ledger.submit({ symbol: 'AAPL', side: 'buy', qty: 1, type: 'limit' }))).toEqual([422, 40010001, 'limit_price is required for limit orders']);
    ledger.submit({ symbol: 'AAPL', side: 'buy', qty: 1, clientOrderId: 'same' });
    expect(refusal(() => ledger.submit({ symbol: 'AAPL', side: 'buy', qty: 1, clientOrderId: 'same' }))).toEqual([422, 40010001, 'client_order_id must be unique']);
    const filled = ledger.submit({ symbol: 'AAPL', side: 'buy', qty: 1 });
    ledger.fill(filled.id, 1, 10);
    expect(refusal(() => ledger.cancel(filled.id))).toEqual([422, 42210000, 'order is already in "filled" state']);
    expect(refusal(() => ledger.replace(filled.id, { qty: 2 }))).toEqual([422, 42210000, 'order is already in "filled" state']);
    expect(refusal(() => ledger.cancel('nope'))).toEqual([404, 40410000, 'order not found']);
    // The market's own mistakes are the test's: plain errors.
    const limit = ledger.submit({ symbol: 'AAPL', side: 'buy', qty: 2, type: 'limit', limitPrice: 10 });
    expect(refusal(() => ledger.fill(limit.id, 1, 10.01))).toBe('RangeError: a buy limit at 10 cannot fill at 10.01');
    expect(refusal(() => ledger.fill(limit.id, 3, 10))).toBe('RangeError: fill of 3: must be > 0 and at most the 2 left');
  });
});
