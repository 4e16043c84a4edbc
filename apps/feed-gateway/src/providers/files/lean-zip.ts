import { createInterface } from 'node:readline';
import { type Entry, type ZipFile, openPromise } from 'yauzl';

// LEAN keeps every data file as a single CSV inside a zip (LEAN docs, Data Format > Key
// Concepts). The same reading as libs/testing/src/lean-files.ts, streamed line by line so a
// replay holds one batch, not the file; the gateway must not depend on the testing lib.
// Bound on the unpacked entry (STYLE.md habit 10): a day of SPY ticks is 9 MB.
export const MAX_LEAN_ENTRY_BYTES = 256 * 1024 * 1024;

export interface LeanLine {
  /** 1-based line number inside the CSV. */
  readonly number: number;
  readonly text: string;
}

async function openZip(path: string): Promise<ZipFile> {
  try {
    return await openPromise(path, { autoClose: false });
  } catch (err) {
    throw new Error(`cannot open LEAN zip ${path}: ${(err as Error).message}`, { cause: err });
  }
}

async function onlyEntry(zip: ZipFile, path: string, maxBytes: number): Promise<Entry> {
  const entries: Entry[] = [];
  for await (const entry of zip.eachEntry()) if (!entry.fileName.endsWith('/')) entries.push(entry);
  if (entries.length !== 1) throw new Error(`LEAN zip ${path} should hold one CSV, holds ${entries.length}: ${entries.map((e) => e.fileName).join(', ')}`);
  const [entry] = entries;
  if (entry.uncompressedSize > maxBytes) throw new Error(`LEAN zip ${path}: ${entry.fileName} unpacks to ${entry.uncompressedSize} bytes, over the ${maxBytes}-byte bound`);
  return entry;
}

/** The lines of the one CSV inside a LEAN zip, read as the caller consumes them. */
export async function* leanZipLines(path: string, maxBytes = MAX_LEAN_ENTRY_BYTES): AsyncGenerator<LeanLine> {
  const zip = await openZip(path);
  try {
    // yauzl checks the inflated size against the entry header (validateEntrySizes), so the bound holds.
    const stream = await zip.openReadStreamPromise(await onlyEntry(zip, path, maxBytes));
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    let number = 0;
    try {
      for await (const text of lines) yield { number: ++number, text };
    } finally {
      lines.close();
      stream.destroy();
    }
  } finally {
    zip.close();
  }
}
