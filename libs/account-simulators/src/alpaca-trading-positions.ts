import type { PositionRecord } from './alpaca-trading-wire';

// A position after one execution, as Alpaca keeps avg_entry_price ("Positions": "Average entry price
// of the position"): the weighted average cost of the shares that opened or added to the position.
// Reducing it leaves the average as it was; going through zero closes it and opens the other side at
// the fill price; reaching zero closes it (the position disappears from GET /v2/positions).

/** Quantities closer than this to zero are zero: fractional shares go to 9 decimals. */
const EPSILON = 1e-9;

/** The position after a fill of `signedQty` (positive buys, negative sells) at `price`; undefined when flat. */
export function applyFill(symbol: string, position: PositionRecord | undefined, signedQty: number, price: number): PositionRecord | undefined {
  const qty = position?.qty ?? 0;
  const next = qty + signedQty;
  if (Math.abs(next) < EPSILON) return undefined;
  const opening = qty === 0 || Math.sign(qty) === Math.sign(signedQty);
  if (opening) {
    const avg = (Math.abs(qty) * (position?.avgEntryPrice ?? 0) + Math.abs(signedQty) * price) / Math.abs(next);
    return { symbol, qty: next, avgEntryPrice: avg, currentPrice: price };
  }
  // Crossing through zero: what is left over opens the other side, at this fill's price.
  if (Math.sign(next) !== Math.sign(qty)) return { symbol, qty: next, avgEntryPrice: price, currentPrice: price };
  return { symbol, qty: next, avgEntryPrice: position!.avgEntryPrice, currentPrice: price };
}

/** How a sell is booked in the activities ("Account Activities": side buy, sell or sell_short). */
export function activitySide(positionQty: number, side: 'buy' | 'sell'): 'buy' | 'sell' | 'sell_short' {
  return side === 'sell' && positionQty <= 0 ? 'sell_short' : side;
}
