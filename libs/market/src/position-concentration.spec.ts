import type { PositionRecord } from '@md/contracts';
import { ConcentrationWatch, concentrationEvents, concentrationShares } from './position-concentration';

const p = (symbol: string, quantity: string, price: string, lastPrice: string | null = price): PositionRecord => ({
  broker: 'alpaca', accountAlias: 'paper', symbol, quantity, averageEntryPrice: price, lastPrice, asOf: 1, source: 'rest', ingestTime: 1,
});

describe('position concentration', () => {
  it('measures each symbol against the gross exposure, shorts by their size, at the broker\'s price', () => {
    // |100 x 50| = 5000, |-20 x 100| = 2000 (short), |30 x 100| = 3000 at the last price, not the entry: gross 10000.
    const { gross, shares } = concentrationShares([p('A', '100', '50'), p('B', '-20', '100'), p('C', '30', '90', '100'), p('D', '0', '10')]);
    expect(gross).toBe(10_000);
    expect(shares.map((s) => [s.symbol, s.share])).toEqual([['A', 0.5], ['B', 0.2], ['C', 0.3]]);
  });

  it('raises one event when a symbol passes the limit, none while it stays over, and again after it fell back', () => {
    const book = [p('A', '100', '50'), p('B', '-20', '100'), p('C', '30', '100')];
    const first = concentrationEvents('paper', book, 0.25, 10, new Set());
    expect(first.events.map((e) => [e.symbol, e.severity, JSON.parse(e.metrics).share])).toEqual([['A', 'CRITICAL', 0.5], ['C', 'WARNING', 0.3]]);
    expect(first.events[0]).toMatchObject({ type: 'position_concentration', accountAlias: 'paper', detectedAt: 10, availableTime: 10 });
    expect(concentrationEvents('paper', book, 0.25, 11, first.over).events).toEqual([]);
    const calmer = concentrationEvents('paper', [p('A', '10', '50'), p('B', '-20', '100'), p('C', '30', '100')], 0.6, 12, first.over);
    expect([...calmer.over]).toEqual([]);
    expect(concentrationEvents('paper', book, 0.25, 13, calmer.over).events.map((e) => e.symbol)).toEqual(['A', 'C']);
  });

  it('keeps each account\'s book across partial reads: a changed position joins the rest, a closed one leaves', () => {
    const watch = new ConcentrationWatch(0.6);
    // Two accounts, each half and half: nobody over 60%.
    expect(watch.update([p('A', '10', '100'), p('B', '10', '100'), { ...p('A', '10', '100'), accountAlias: 'ira' }, { ...p('C', '10', '100'), accountAlias: 'ira' }])).toEqual([]);
    // Only B changes in paper: A is still in its book, so B's 75% is judged against it; ira is untouched.
    expect(watch.update([{ ...p('B', '30', '100'), asOf: 2 }]).map((e) => [e.accountAlias, e.symbol, e.detectedAt])).toEqual([['paper', 'B', 2]]);
    // B closes: A alone is 100% of paper's book.
    expect(watch.update([{ ...p('B', '0', '100'), asOf: 3 }]).map((e) => e.symbol)).toEqual(['A']);
    expect([watch.openSymbols('paper'), watch.openSymbols('ira'), watch.openSymbols('none')]).toEqual([['A'], ['A', 'C'], []]);
  });
});
