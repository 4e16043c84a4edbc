import { InvalidRecordError, TransientError } from '@md/contracts';
import { WriterSchemaGuard, type SubjectVersion } from './writer-schema-guard';

/** A registry as a table id -> registrations, counting the questions asked. */
function fakeRegistry(table: Record<number, SubjectVersion[]>) {
  const asked: number[] = [];
  const versionsOf = async (id: number) => {
    asked.push(id);
    return table[id] ?? [];
  };
  return { table, asked, versionsOf };
}

const RAW = 'md.raw.bars.v1-value';
const BARS = 'md.bars.v1-value';

describe('WriterSchemaGuard', () => {
  it('accepts a writer schema that is a registered version of the subject', async () => {
    const registry = fakeRegistry({ 1: [{ subject: RAW, version: 1 }] });
    const guard = new WriterSchemaGuard(registry.versionsOf);
    await expect(guard.verify(RAW, 1)).resolves.toBeUndefined();
    expect(registry.asked).toEqual([1]);
  });

  it("refuses a writer schema id that belongs to another topic's subject, naming where it belongs", async () => {
    const guard = new WriterSchemaGuard(fakeRegistry({ 4: [{ subject: BARS, version: 1 }] }).versionsOf);
    const refusal = guard.verify(RAW, 4);
    await expect(refusal).rejects.toBeInstanceOf(InvalidRecordError);
    await expect(refusal).rejects.toThrow('writer schema id 4 is not a registered version of md.raw.bars.v1-value: the registry has it as md.bars.v1-value version 1');
  });

  it('refuses an id the registry does not know', async () => {
    const guard = new WriterSchemaGuard(fakeRegistry({}).versionsOf);
    await expect(guard.verify(RAW, 99)).rejects.toThrow('writer schema id 99 is not a registered version of md.raw.bars.v1-value: the registry does not know that id');
  });

  it('accepts an id shared by two subjects (identical schema content gets one id) for either', async () => {
    const guard = new WriterSchemaGuard(fakeRegistry({ 2: [{ subject: RAW, version: 1 }, { subject: BARS, version: 3 }] }).versionsOf);
    await expect(guard.verify(RAW, 2)).resolves.toBeUndefined();
    await expect(guard.verify(BARS, 2)).resolves.toBeUndefined();
  });

  it('names at most five other registrations in a refusal', async () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ subject: `s${i}-value`, version: 1 }));
    const guard = new WriterSchemaGuard(fakeRegistry({ 5: many }).versionsOf);
    await expect(guard.verify(RAW, 5)).rejects.toThrow(/s4-value version 1 and 3 more$/);
  });

  it('accepts a version registered after the cache was filled, asking the registry once', async () => {
    const registry = fakeRegistry({ 1: [{ subject: RAW, version: 1 }] });
    const guard = new WriterSchemaGuard(registry.versionsOf);
    guard.accept(RAW, 1);
    registry.table[7] = [{ subject: RAW, version: 2 }]; // evolved later by another service
    expect(guard.accepts(RAW, 7)).toBe(false);
    await guard.verify(RAW, 7);
    guard.accept(RAW, 7);
    expect(guard.accepts(RAW, 7)).toBe(true);
    expect(registry.asked).toEqual([7]);
  });

  it('asks the registry again on every refusal, so a version registered meanwhile is not refused from a cache', async () => {
    const registry = fakeRegistry({});
    const guard = new WriterSchemaGuard(registry.versionsOf);
    await expect(guard.verify(RAW, 8)).rejects.toThrow(InvalidRecordError);
    registry.table[8] = [{ subject: RAW, version: 3 }];
    await expect(guard.verify(RAW, 8)).resolves.toBeUndefined();
    expect(registry.asked).toEqual([8, 8]);
  });

  it('lets a registry outage through as retriable, never as a refusal', async () => {
    const guard = new WriterSchemaGuard(async () => {
      throw new TransientError('schema registry did not answer');
    });
    await expect(guard.verify(RAW, 1)).rejects.toBeInstanceOf(TransientError);
  });

  it('shares one registry request between concurrent checks of the same id', async () => {
    let release!: (v: SubjectVersion[]) => void;
    const asked: number[] = [];
    const guard = new WriterSchemaGuard((id) => {
      asked.push(id);
      return new Promise((resolve) => (release = resolve));
    });
    const checks = [guard.verify(RAW, 3), guard.verify(RAW, 3), guard.verify(BARS, 3)];
    release([{ subject: RAW, version: 1 }]);
    const results = await Promise.allSettled(checks);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(asked).toEqual([3]);
    const again = guard.verify(RAW, 3); // a settled request is not kept: this one asks again
    release([]);
    await expect(again).rejects.toThrow(InvalidRecordError);
    expect(asked).toEqual([3, 3]);
  });

  it('keeps at most the configured number of subjects and ids per subject, dropping the oldest', () => {
    const guard = new WriterSchemaGuard(fakeRegistry({}).versionsOf, { subjects: 2, idsPerSubject: 3 });
    for (const id of [1, 2, 3, 4]) guard.accept(RAW, id);
    expect([1, 2, 3, 4].map((id) => guard.accepts(RAW, id))).toEqual([false, true, true, true]);
    guard.accept(BARS, 10);
    guard.accept('md.features.v1-value', 20);
    expect(guard.accepts(RAW, 4)).toBe(false);
    expect(guard.accepts(BARS, 10)).toBe(true);
    expect(guard.accepts('md.features.v1-value', 20)).toBe(true);
  });
});
