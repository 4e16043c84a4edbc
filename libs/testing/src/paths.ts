import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The workspace root (the folder with nx.json), from src or dist alike. */
export function repoRoot(start = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`workspace root (nx.json) not found above ${start}`);
  }
}

/** ../shared/data beside the checkout (see its README), or MD_SHARED_DATA. */
export function sharedDataDir(): string {
  return resolve(process.env.MD_SHARED_DATA ?? join(repoRoot(), '..', 'shared', 'data'));
}

export const DBB_MINUTE_FILE = 'bars/DBB_1min_2023-07-10_to_2025-07-08.csv';

export function stackLogDir(): string {
  return join(repoRoot(), '.stack', 'logs');
}
