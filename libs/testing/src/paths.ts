import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The workspace root (the folder with nx.json), from src or dist alike. */
export function repoRoot(start = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`workspace root (nx.json) not found above ${start}`);
  }
}

export function stackLogDir(): string {
  return join(repoRoot(), '.stack', 'logs');
}
