import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { SecretFile } from '@md/config';
import { ConfigError } from '@md/contracts';
import { parseApiTokens, type ApiToken } from './api-tokens';

interface Log {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * API_TOKENS_FILE, followed: a token added, removed or rotated in the file counts from the next
 * request after the change is seen, with no restart (issue 18 point 4). The file is followed as
 * every secret file is (SecretFile, @md/config: its stat compared at most once a second, no
 * timer or watcher). A file that no longer parses keeps the last good tokens and warns: revoking
 * by mistake every token of a running API would be worse than a minute of stale ones.
 */
export class TokenFile {
  private tokens: ApiToken[];
  private text: string;
  private readonly file: SecretFile;

  constructor(readonly path: string, private readonly log: Log, clock: () => number = Date.now) {
    const invalid = (why: string) => new ConfigError(`config: API_TOKENS_FILE is invalid ("${path}"): ${why}`);
    try {
      this.text = readFileSync(path, 'utf8').trim();
    } catch (err) {
      throw invalid(`cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const tokens = parseApiTokens(this.text);
    if (tokens instanceof Error) throw invalid(tokens.message);
    this.tokens = tokens;
    // SecretFile's own change line speaks of connections; the line that matters here is ours.
    this.file = new SecretFile('API_TOKENS_FILE', path, this.text, { now: clock, logger: { log: () => undefined, warn: (m) => log.warn(m) } });
  }

  current(): readonly ApiToken[] {
    const text = this.file.current();
    if (text === this.text) return this.tokens;
    this.text = text;
    const next = parseApiTokens(text);
    if (next instanceof Error) {
      this.log.warn(`API_TOKENS_FILE "${this.path}" changed but cannot be used (${next.message}): the previous tokens stay in force until it is fixed`);
    } else {
      this.tokens = next;
      this.log.log(`API_TOKENS_FILE "${this.path}" re-read: ${next.length} token(s) in force (${next.map((t) => t.name).join(', ')})`);
    }
    return this.tokens;
  }
}

const opened = new Map<string, TokenFile>();

/**
 * The process's TokenFile for `path`, opened once: the boot checks it before Nest builds the
 * module (a bad file is one line naming API_TOKENS_FILE, not a DI stack trace), and the API's
 * guard then follows the same instance.
 */
export function openTokenFile(path: string): TokenFile {
  let file = opened.get(path);
  if (!file) opened.set(path, (file = new TokenFile(path, new Logger('ApiAccess'))));
  return file;
}
