import { toScaled } from '@md/market';
import { OpenBar } from './open-bar';
import { trade } from './test-trades.fixture';

const add = (bar: OpenBar, cents: number, size: number, i: number) => {
  const t = trade(cents, size, i);
  bar.add({ trade: t, price: t.price, scaled: toScaled(t.price) });
};

describe('open bar', () => {
  it('keeps open, high, low and close as the traded decimal strings', () => {
    const bar = new OpenBar();
    [[16742, 100], [16745, 200], [16739, 50], [16741, 10]].forEach(([cents, size], i) => add(bar, cents, size, i));
    expect(bar.toBar('tick', 3, 4)).toMatchObject({
      seq: 3, kind: 'tick', open: '167.42000000', high: '167.45000000', low: '167.39000000', close: '167.41000000', volume: 360, ticks: 4, threshold: 4,
      openTime: trade(0, 0, 0).eventTime, closeTime: trade(0, 0, 3).eventTime, ingestTime: trade(0, 0, 3).ingestTime,
    });
  });

  it('sums dollar value exactly, where adding doubles drifts', () => {
    const bar = new OpenBar();
    for (let i = 0; i < 10; i++) add(bar, 10, 1, i); // ten trades of 1 share at $0.10
    let floatSum = 0;
    for (let i = 0; i < 10; i++) floatSum += 0.1;
    expect(floatSum).not.toBe(1);
    expect(bar.dollarScaled).toBe(100_000_000n);
    expect(bar.toBar('dollar', 0, 1)!.dollarValue).toBe(1);
  });

  it('is empty after a reset and has no bar to show', () => {
    const bar = new OpenBar();
    add(bar, 100, 1, 0);
    bar.reset();
    expect([bar.ticks, bar.volume, bar.dollarScaled, bar.toBar('tick', 0, 1), bar.toJSON()]).toEqual([0, 0, 0n, null, null]);
  });

  it('continues identically from its JSON', () => {
    const a = new OpenBar();
    add(a, 16742, 100, 0);
    add(a, 16738, 300, 1);
    const b = new OpenBar(JSON.parse(JSON.stringify(a.toJSON())));
    for (const bar of [a, b]) add(bar, 16740, 7, 2);
    expect(b.toBar('volume', 0, 400)).toEqual(a.toBar('volume', 0, 400));
    expect(b.toJSON()).toEqual(a.toJSON());
  });
});
