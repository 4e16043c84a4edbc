import { readFile } from 'node:fs/promises';
import { ConfigError } from '@md/config';

// The option chain job's universe: one underlying a line (e.g. the 500 most active), `#` starts
// a comment, blank lines are ignored. A line that is not a ticker is a config error naming the
// file and the line, read at boot and again at each run (the file may be a mounted ConfigMap).

const TICKER = /^[A-Z][A-Z0-9.]{0,20}$/;
/** Bounds a run: at 200 requests a minute, 5,000 chains is hours; beyond, split the universe. */
export const MAX_UNIVERSE = 5000;

export function parseUniverse(text: string, file: string): string[] {
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) return;
    const ticker = line.toUpperCase();
    if (!TICKER.test(ticker)) throw new ConfigError(`${file}:${i + 1}: ${JSON.stringify(raw.trim())} is not an underlying (one ticker a line, # for comments)`);
    seen.add(ticker);
  });
  if (seen.size === 0) throw new ConfigError(`${file}: lists no underlyings`);
  if (seen.size > MAX_UNIVERSE) throw new ConfigError(`${file}: ${seen.size} underlyings, more than ${MAX_UNIVERSE}`);
  return [...seen];
}

export async function readUniverse(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the options universe: ${(err as Error).message}`);
  }
  return parseUniverse(text, file);
}
