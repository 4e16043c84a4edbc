import type { Message } from 'kafkajs';
import { boundedParts } from './transactional-stage';

const msg = (bytes: number): Message => ({ key: 'k', value: Buffer.alloc(bytes - 1) });

describe('boundedParts', () => {
  it('splits a transaction\'s outputs into sends under the byte bound, keeping order and every message', () => {
    const outputs = new Map([['a', [msg(400), msg(400), msg(400)]], ['b', [msg(300)]]]);
    const parts = boundedParts(outputs, 1000);
    expect(parts.map((p) => p.map((t) => [t.topic, t.messages.length]))).toEqual([[['a', 2]], [['a', 1], ['b', 1]]]);
    expect(parts.flat().flatMap((t) => t.messages)).toEqual([...outputs.values()].flat());
  });

  it('sends a single message larger than the bound on its own rather than dropping it', () => {
    const parts = boundedParts(new Map([['a', [msg(10), msg(5000), msg(10)]]]), 1000);
    expect(parts.map((p) => p[0].messages.length)).toEqual([1, 1, 1]);
  });

  it('makes no send for no output', () => {
    expect(boundedParts(new Map())).toEqual([]);
  });
});
