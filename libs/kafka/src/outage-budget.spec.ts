import { OutageBudget } from './outage-budget';

describe('outage budget', () => {
  const clock = (start = 0) => {
    let t = start;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('is not spent while connected, however long', () => {
    const c = clock();
    const budget = new OutageBudget(1000, c.now);
    budget.observe(true);
    c.advance(10_000);
    expect(budget.exhausted()).toBe(false);
    expect(budget.downForMs()).toBe(0);
  });

  it('counts from the first failed check, not the latest', () => {
    const c = clock();
    const budget = new OutageBudget(1000, c.now);
    budget.observe(false);
    c.advance(600);
    budget.observe(false);
    c.advance(399);
    expect(budget.exhausted()).toBe(false);
    c.advance(1);
    expect(budget.exhausted()).toBe(true);
    expect(budget.downForMs()).toBe(1000);
  });

  it('starts afresh after a recovery, so two short outages do not add up', () => {
    const c = clock();
    const budget = new OutageBudget(1000, c.now);
    budget.observe(false);
    c.advance(900);
    budget.observe(true);
    budget.observe(false);
    c.advance(900);
    expect(budget.exhausted()).toBe(false);
  });
});
