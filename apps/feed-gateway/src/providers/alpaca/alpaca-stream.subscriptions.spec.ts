import { SubscriptionPlan } from './alpaca-stream.subscriptions';

describe('subscribing under a symbol limit', () => {
  it('batches each channel, without duplicates or empty lists', () => {
    const plan = new SubscriptionPlan({ bars: ['A', 'B', 'C', 'A'], trades: [], quotes: ['Q'] }, 2);
    expect([plan.next(), plan.next(), plan.next(), plan.next()]).toEqual([
      { channel: 'bars', symbols: ['A', 'B'] }, { channel: 'bars', symbols: ['C'] }, { channel: 'quotes', symbols: ['Q'] }, undefined,
    ]);
  });

  it('splits a refused batch until the refused symbol stands alone, then reports the rest of the channel', () => {
    const plan = new SubscriptionPlan({ bars: ['A', 'B', 'C', 'D', 'E'], quotes: ['Q'] }, 5);
    const limit = 3;
    const held: string[] = [];
    for (let r = plan.next(); r; r = plan.next()) {
      if (r.channel === 'bars' && held.length + r.symbols.length > limit) plan.overSymbolLimit(r);
      else if (r.channel === 'bars') held.push(...r.symbols);
    }
    expect(held).toEqual(['A', 'B', 'C']);
    expect(plan.overLimit).toEqual({ bars: ['D', 'E'] });
  });
});
