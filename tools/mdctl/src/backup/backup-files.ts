import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { OperationError } from '../usage-error';

// The data files: COPY text, gzip'd (level 6, zlib's default: the data is mostly digits and
// repeated symbols, and a higher level costs CPU the backup window does not have). The hash is of
// the bytes on disk, so a file is checked before it is unzipped, and a copy of the folder to
// another store can be checked with `sha256sum` against the manifest.

/** Writes `chunks` gzip'd to `path` with back-pressure; the sha256 of the file written. */
export async function writeGzipFile(path: string, chunks: AsyncIterable<string>): Promise<string> {
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(Readable.from(chunks), createGzip(), tap, createWriteStream(path, { flags: 'wx' }));
  return hash.digest('hex');
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The COPY text of a data file, unzipped as it is read (memory stays bounded on the pg adapter,
 * which streams it to the server). A damaged file stops the restore naming it.
 */
export async function* copyTextOf(path: string): AsyncGenerator<string> {
  const text = createGunzip();
  // pipe() does not forward a read error (a file gone since it was checked): destroy with it.
  createReadStream(path).on('error', (err) => text.destroy(err)).pipe(text);
  text.setEncoding('utf8');
  try {
    for await (const chunk of text) yield chunk as string;
  } catch (err) {
    throw new OperationError(`cannot read ${path} (${(err as Error).message}): the backup file is damaged; restore another backup`, err);
  }
}
