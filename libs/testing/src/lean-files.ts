import { text } from 'node:stream/consumers';
import { type Entry, type ZipFile, openPromise } from 'yauzl';

// LEAN keeps every data file as a single CSV inside a zip (LEAN docs, Data Format > Key
// Concepts). The largest shared one, a day of SPY ticks, unpacks to a few MB; the bound keeps a
// wrong path (a multi-GB archive) from exhausting memory (STYLE.md habit 10).
export const MAX_LEAN_ENTRY_BYTES = 256 * 1024 * 1024;

async function fileEntries(zip: ZipFile): Promise<Entry[]> {
  const entries: Entry[] = [];
  for await (const entry of zip.eachEntry()) if (!entry.fileName.endsWith('/')) entries.push(entry);
  return entries;
}

/** The text of the one CSV entry inside a LEAN zip file. */
export async function readLeanZipText(path: string, maxBytes = MAX_LEAN_ENTRY_BYTES): Promise<string> {
  let zip: ZipFile;
  try {
    zip = await openPromise(path, { autoClose: false });
  } catch (err) {
    throw new Error(`cannot open LEAN zip ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const entries = await fileEntries(zip);
    if (entries.length !== 1) {
      throw new Error(`LEAN zip ${path} should hold one CSV, holds ${entries.length}: ${entries.map((e) => e.fileName).join(', ')}`);
    }
    const [entry] = entries;
    if (entry.uncompressedSize > maxBytes) {
      throw new Error(`LEAN zip ${path}: ${entry.fileName} unpacks to ${entry.uncompressedSize} bytes, over the ${maxBytes}-byte bound`);
    }
    // yauzl checks the inflated size against the entry header (validateEntrySizes), so the bound holds.
    return await text(await zip.openReadStreamPromise(entry));
  } finally {
    zip.close();
  }
}
