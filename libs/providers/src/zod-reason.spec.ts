import { z } from 'zod';
import { InvalidRecordError } from '@md/contracts';
import { parseEnvelope, parseItem, zodReason } from './zod-reason';

const Item = z.object({ t: z.string(), p: z.number() });

describe('zod reasons for rejected items and pages', () => {
  it('names every issue by its path, and the value itself as `whole`', () => {
    const item = Item.safeParse({ t: 1 });
    const whole = Item.safeParse(null);
    expect(!item.success && zodReason(item.error)).toBe('t: Expected string, received number; p: Required');
    expect(!whole.success && zodReason(whole.error, 'snapshot')).toBe('snapshot: Expected object, received null');
  });

  it('answers a parsed item, or rejects it with its reasons', () => {
    expect(parseItem(Item, { t: 'x', p: 1 })).toEqual({ t: 'x', p: 1 });
    expect(() => parseItem(Item, { t: 'x' })).toThrow(new InvalidRecordError('p: Required'));
  });

  it('fails a malformed envelope as a whole page', () => {
    expect(() => parseEnvelope(z.object({ bars: Item }), {}, 'bars')).toThrow(/^bars page is malformed: bars: Required$/);
  });
});
