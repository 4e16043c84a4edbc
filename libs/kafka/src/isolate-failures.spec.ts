import { InvalidRecordError, TransientError } from '@md/contracts';
import { writeIsolatingFailures } from './isolate-failures';

describe('isolating bad rows by splitting the batch', () => {
  it('stores every good row and returns each bad one with its error', async () => {
    const stored: number[] = [];
    const write = async (batch: number[]) => {
      const bad = batch.find((n) => n % 7 === 3);
      if (bad !== undefined) throw new InvalidRecordError(`row ${bad} is bad`);
      stored.push(...batch);
    };
    const rejected = await writeIsolatingFailures(Array.from({ length: 30 }, (_, i) => i), write);
    expect(rejected.map((r) => r.item)).toEqual([3, 10, 17, 24]);
    expect((rejected[0].error as Error).message).toBe('row 3 is bad');
    expect(stored.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i).filter((n) => n % 7 !== 3));
  });

  it('isolates a row the database refuses as data (SQLSTATE 22)', async () => {
    const rejected = await writeIsolatingFailures([1, 2, 3], async (batch) => {
      if (batch.includes(2)) throw Object.assign(new Error('numeric field overflow'), { code: '22003' });
    });
    expect(rejected.map((r) => r.item)).toEqual([2]);
  });

  it('stops on a system error instead of dead-lettering every row', async () => {
    const licence = Object.assign(new Error('functionality not supported under the current "timescale" license'), { code: '0A000' });
    await expect(writeIsolatingFailures([1, 2, 3], async () => {
      throw licence;
    })).rejects.toBe(licence);
  });

  it('lets a retriable error through so the whole batch is retried', async () => {
    await expect(writeIsolatingFailures([1, 2], async () => {
      throw new TransientError('database down');
    })).rejects.toThrow('database down');
  });
});
