import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from '@md/contracts';
import { parseApiTokens, type ApiToken } from './api-tokens';

/**
 * API_TOKENS_FILE, followed: a token added, removed or rotated in the file counts from the next
 * request after the change is seen, with no restart (issue 18 point 4). The file's stat (inode,
 * size, mtime: a Kubernetes Secret update swaps a symlink, an editor rewrites the file) is checked
 * when the tokens are asked for, at most once a second, so there is no timer or watcher to leak.
 * A file that breaks later keeps the last good tokens and warns once per change: revoking by
 * mistake every token of a running API would be worse than a minute of stale ones.
 */
export class TokenFile {
  private tokens: ApiToken[];
  private stamp: string;
  private checkedAt = 0;

  constructor(
    readonly path: string,
    private readonly log: { log(message: string): void; warn(message: string): void },
    private readonly clock: () => number = Date.now,
  ) {
    const first = this.read();
    if (first instanceof Error) throw new ConfigError(`config: API_TOKENS_FILE is invalid ("${path}"): ${first.message}`);
    [this.tokens, this.stamp] = first;
  }

  current(): readonly ApiToken[] {
    const now = this.clock();
    if (now - this.checkedAt < 1000) return this.tokens;
    this.checkedAt = now;
    const stamp = this.statStamp();
    if (stamp === this.stamp) return this.tokens;
    const next = this.read();
    if (next instanceof Error) {
      this.stamp = stamp;
      this.log.warn(`API_TOKENS_FILE "${this.path}" changed but cannot be used (${next.message}): the previous tokens stay in force until it is fixed`);
    } else {
      [this.tokens, this.stamp] = next;
      this.log.log(`API_TOKENS_FILE "${this.path}" re-read: ${this.tokens.length} token(s) in force (${this.tokens.map((t) => t.name).join(', ')})`);
    }
    return this.tokens;
  }

  private statStamp(): string {
    try {
      const s = statSync(this.path);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch (err) {
      return `missing:${(err as NodeJS.ErrnoException).code}`;
    }
  }

  private read(): [ApiToken[], string] | Error {
    const stamp = this.statStamp();
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      return new Error(`cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const tokens = parseApiTokens(text);
    return tokens instanceof Error ? tokens : [tokens, stamp];
  }
}
