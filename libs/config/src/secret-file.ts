import { readFileSync, statSync } from 'node:fs';
import { Logger } from '@nestjs/common';

// Secrets rotate without restarts (issue 18 point 4). parseConfig reads `NAME_FILE` once, at boot
// (withFileSecrets); a client that opens a connection later asks a SecretFile instead, which
// follows the file. The file's stat is compared when the secret is asked for, at most once per
// CHECK_EVERY_MS: no timer or watcher to leak or to keep a process alive, and a connection storm
// costs one stat a second. What changes a file, and so what is compared:
// - a Kubernetes Secret volume swaps the `..data` symlink to a new directory (the path's target
//   changes: another inode; statSync follows the links);
// - `docker compose` secrets, `echo new > file`, an editor: the same inode rewritten (size, mtime,
//   ctime).
// A new file that cannot be read or is empty (caught half-written) keeps the last good value, with
// one WARN naming the variable (never the value), so a rotation in progress costs no connection.

/** How often, at most, the file's stat is compared (ms). */
export const CHECK_EVERY_MS = 1000;

export interface SecretFileOptions {
  /** Clock (ms), for tests. */
  now?: () => number;
  /** Where the change and WARN lines go; default the Nest logger `SecretFile`. */
  logger?: Pick<Logger, 'log' | 'warn'>;
}

/** The current value of a secret file, re-read when the file changes. */
export class SecretFile {
  private readonly now: () => number;
  private readonly logger: Pick<Logger, 'log' | 'warn'>;
  private checkedAt = -Infinity;
  /** The stat of the file the value came from (undefined: not read yet). */
  private seen?: string;
  /** Why the newest file was not used, as last logged (one WARN per distinct reason). */
  private refused?: string;

  /**
   * `variable` names the file's variable in log lines (DATABASE_PASSWORD_FILE); `value` is the
   * one read at boot, kept while the file cannot be read.
   */
  constructor(readonly variable: string, readonly path: string, private value: string, options: SecretFileOptions = {}) {
    this.now = options.now ?? (() => Date.now());
    this.logger = options.logger ?? new Logger(SecretFile.name);
  }

  /** The secret as the file holds it now (checked at most once per CHECK_EVERY_MS). */
  current(): string {
    const now = this.now();
    if (now - this.checkedAt < CHECK_EVERY_MS) return this.value;
    this.checkedAt = now;
    let stamp: string;
    try {
      const s = statSync(this.path);
      stamp = `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
    } catch (err) {
      this.refuse(`cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return this.value;
    }
    if (stamp === this.seen) return this.value;
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8').trim();
    } catch (err) {
      this.refuse(`cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      return this.value;
    }
    if (!text) {
      // Not remembered as seen: the writer may still be filling it, and the next check reads it again.
      this.refuse('it is empty');
      return this.value;
    }
    this.seen = stamp;
    this.refused = undefined;
    if (text !== this.value) {
      this.value = text;
      this.logger.log(`${this.variable} changed: new connections use the new secret`);
    }
    return this.value;
  }

  private refuse(why: string): void {
    if (why === this.refused) return;
    this.refused = why;
    this.logger.warn(`${this.variable} ("${this.path}"): ${why}; new connections keep using the secret read before`);
  }
}

/**
 * The secret NAME as new connections should use it: a function that follows `NAME_FILE` when the
 * environment names one (the value parsed at boot, `value`, came from it), else returns `value`.
 * Undefined when the secret is not set at all.
 */
export function secretSource(name: string, value: string | undefined, env: NodeJS.ProcessEnv = process.env, options: SecretFileOptions = {}): (() => string) | undefined {
  if (value === undefined) return undefined;
  const path = env[`${name}_FILE`];
  if (!path) return () => value;
  const file = new SecretFile(`${name}_FILE`, path, value, options);
  return () => file.current();
}
