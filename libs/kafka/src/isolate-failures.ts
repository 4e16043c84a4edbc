import { isRecordError, isRetriableError } from './classify-error';

export interface Rejected<T> {
  item: T;
  error: unknown;
}

/**
 * Writes `items` with `write`; when the batch fails for a non-retriable reason (one bad row),
 * splits it in halves until the bad rows stand alone, so every good row still commits and each
 * bad one is returned with its error. Retriable errors propagate (the whole call is retried), and
 * so do system errors (see isRecordError), which stop the stage instead of dead-lettering good rows.
 * Costs O(b log n) extra writes for b bad rows; the writes must be idempotent.
 */
export async function writeIsolatingFailures<T>(items: T[], write: (batch: T[]) => Promise<void>): Promise<Rejected<T>[]> {
  if (items.length === 0) return [];
  try {
    await write(items);
    return [];
  } catch (error) {
    if (isRetriableError(error) || !isRecordError(error)) throw error;
    if (items.length === 1) return [{ item: items[0], error }];
    const middle = Math.ceil(items.length / 2);
    const left = await writeIsolatingFailures(items.slice(0, middle), write);
    const right = await writeIsolatingFailures(items.slice(middle), write);
    return [...left, ...right];
  }
}
