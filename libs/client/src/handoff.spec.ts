import { Handoff } from './handoff';

describe('Handoff', () => {
  it('marks a record done only when the reader asks for the next one', async () => {
    const handoff = new Handoff<number>();
    const done: number[] = [];
    const producer = (async () => {
      for (const n of [1, 2, 3]) if (await handoff.offer(n)) done.push(n);
    })();
    expect(await handoff.pull()).toEqual({ value: 1, done: false });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toEqual([]);
    expect(await handoff.pull()).toEqual({ value: 2, done: false });
    expect(done).toEqual([1]);
    handoff.end();
    await producer;
    // 2 was handed out but the reader stopped before asking again: not done.
    expect(done).toEqual([1]);
    expect(await handoff.pull()).toEqual({ done: true, value: undefined });
  });

  it('passes an error to a waiting reader', async () => {
    const handoff = new Handoff<number>();
    const pending = handoff.pull();
    handoff.end(new Error('broker gone'));
    await expect(pending).rejects.toThrow('broker gone');
  });

  it('lets an offer return when the iteration ends before any reader came', async () => {
    const handoff = new Handoff<number>();
    const offered = handoff.offer(1);
    handoff.end();
    expect(await offered).toBe(false);
  });
});
