import fc from 'fast-check';
import { InvalidRecordError } from '@md/contracts';
import { RevisionBudget } from './revision-budget';

describe('revision budget', () => {
  it('forgets the least recently decided series past the cap, never the one being decided', () => {
    const budget = new RevisionBudget(100);
    expect(budget.update('1m|A', 40)).toEqual([]);
    expect(budget.update('1m|B', 40)).toEqual([]);
    expect(budget.update('1m|A', 45)).toEqual([]);
    expect(budget.update('1m|C', 30)).toEqual([{ key: '1m|B', entries: 40 }]);
    expect([budget.total, budget.seriesCount]).toEqual([75, 2]);
    expect(budget.update('1m|C', 500)).toEqual([{ key: '1m|A', entries: 45 }]);
    expect(budget.total).toBe(500);
    expect(budget.update('1m|C', 0)).toEqual([]);
    expect([budget.total, budget.seriesCount]).toEqual([0, 0]);
  });

  it('stays within its cap whatever the updates (when no series alone exceeds it), and restores to the same choices', () => {
    const updates = fc.array(fc.tuple(fc.constantFrom('A', 'B', 'C', 'D', 'E'), fc.integer({ min: 0, max: 50 })), { maxLength: 100 });
    fc.assert(fc.property(updates, fc.integer({ min: 50, max: 200 }), (steps, cap) => {
      let live = new RevisionBudget(cap);
      for (const [key, entries] of steps) {
        const restored = RevisionBudget.fromJSON(JSON.parse(JSON.stringify(live)), cap);
        const forgotten = live.update(key, entries);
        expect(restored.update(key, entries)).toEqual(forgotten);
        expect(forgotten.map((f) => f.key)).not.toContain(key);
        expect(live.total).toBeLessThanOrEqual(cap);
        live = restored;
      }
    }));
  });

  it('refuses a checkpoint it cannot read', () => {
    expect(() => RevisionBudget.fromJSON({}, 10)).toThrow(InvalidRecordError);
    expect(() => RevisionBudget.fromJSON([['A', -1]], 10)).toThrow(InvalidRecordError);
    expect(RevisionBudget.fromJSON(undefined, 10).total).toBe(0);
  });
});
