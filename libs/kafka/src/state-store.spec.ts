import { PartitionState } from './state-store';

class Counter {
  constructor(public n = 0) {}
  static from(stored: unknown): Counter {
    return new Counter((stored as { n?: number } | undefined)?.n ?? 0);
  }
  toJSON() {
    return { n: this.n };
  }
}

describe('PartitionState', () => {
  it('hydrates a key once per chunk and writes its final value to the changelog', () => {
    const state = new PartitionState(3);
    state.load('a', Counter.from).n += 1;
    state.load('a', Counter.from).n += 1;
    expect(state.changelogMessages()).toEqual([{ key: 'a', value: '{"n":2}', partition: 3 }]);
    state.commit();
    expect(state.changelogMessages()).toEqual([]);
    expect(state.load('a', Counter.from).n).toBe(2);
  });

  it('drops a failed chunk so its retry starts from the committed value', () => {
    const state = new PartitionState(0);
    state.load('a', Counter.from).n = 5;
    state.commit();
    state.load('a', Counter.from).n += 10;
    state.rollback();
    expect(state.load('a', Counter.from).n).toBe(5);
  });

  it('restores the last record of each key and honours tombstones', () => {
    const state = new PartitionState(0);
    state.restore('a', '{"n":1}');
    state.restore('a', '{"n":7}');
    state.restore('b', '{"n":1}');
    state.restore('b', null);
    expect(state.load('a', Counter.from).n).toBe(7);
    expect(state.load('b', Counter.from).n).toBe(0);
    state.remove('a');
    expect(state.changelogMessages()).toContainEqual({ key: 'a', value: null, partition: 0 });
    state.commit();
    // 'b' was loaded this chunk, so it is written back (as hydrated); 'a' is gone.
    expect(state.size).toBe(1);
    expect(state.load('a', Counter.from).n).toBe(0);
  });
});
