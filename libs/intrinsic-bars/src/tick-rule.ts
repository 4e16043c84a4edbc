// The tick rule (AFML ch. 2.3.2.1, after Lee & Ready 1991): a trade above the previous trade's
// price is a buy (+1), below it a sell (-1), and at the same price it keeps the previous sign.
// The first trade of a stream has no previous price; its sign comes from the spec (default +1).

export type TickSign = 1 | -1;

/** b_t from the previous and current scaled prices and b_{t-1}. */
export function tickSign(previousPrice: bigint, price: bigint, previousSign: TickSign): TickSign {
  if (price > previousPrice) return 1;
  if (price < previousPrice) return -1;
  return previousSign;
}
