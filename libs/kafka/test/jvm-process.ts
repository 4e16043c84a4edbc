import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

// A JVM a test starts itself (a private Kafka broker, a registry it kill -9s), with the jars the
// local stack caches (deploy/local/stack.sh). Every process started here is SIGKILLed when the
// test process exits, also when a test failed before its afterAll ran: a leaked JVM would keep
// its ports and its Kafka clients' sockets alive.

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** `${MD_CACHE_DIR:-~/.cache/md-platform}`, where stack.sh keeps the Kafka and Apicurio downloads. */
export function stackCacheDir(): string {
  return process.env.MD_CACHE_DIR ?? join(homedir(), '.cache', 'md-platform');
}

/** A file of the stack's cache; says how to fetch it when `npm run stack -- up` has not run yet. */
export function cachedPath(...parts: string[]): string {
  const path = join(stackCacheDir(), ...parts);
  if (!existsSync(path)) throw new Error(`${path} is missing: run 'npm run stack -- up' once to fetch it`);
  return path;
}

function javaMajor(java: string): number {
  // `java -version` prints to stderr
  const out = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 20_000 });
  return Number(/version "(\d+)/.exec(`${out.stderr ?? ''}${out.stdout ?? ''}`)?.[1] ?? 0);
}

/** A java of at least `major`: REGISTRY_JAVA, JAVA_HOME, PATH, then /usr/lib/jvm (as registry.sh picks). */
export function findJava(major: number): string {
  const jvms = existsSync('/usr/lib/jvm') ? readdirSync('/usr/lib/jvm').sort().reverse().map((d) => join('/usr/lib/jvm', d, 'bin/java')) : [];
  const candidates = [process.env.REGISTRY_JAVA, process.env.JAVA_HOME && join(process.env.JAVA_HOME, 'bin/java'), 'java', ...jvms];
  for (const c of candidates) {
    if (c && (c === 'java' || existsSync(c)) && javaMajor(c) >= major) return c;
  }
  throw new Error(`no Java ${major}+ found (REGISTRY_JAVA, JAVA_HOME, PATH, /usr/lib/jvm)`);
}

/** One JVM, its output appended to `logFile`. */
export class JvmProcess {
  readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    live.add(child);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => live.delete(child));
  }

  static start(java: string, args: string[], options: { cwd: string; logFile: string }): JvmProcess {
    const log = openSync(options.logFile, 'a');
    try {
      // The log file is the child's stdout/stderr (no pipe: nothing of ours stays open for it).
      const child = spawn(java, args, { cwd: options.cwd, stdio: ['ignore', log, log] });
      return new JvmProcess(child, options.logFile);
    } finally {
      closeSync(log);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** kill -9 and wait until the process is gone. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Polls `check` until true; fails at once, with the log's tail, if the process exits first. */
  async waitUntil(description: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      if (!this.running) throw new Error(`${description}: the process exited (log ${this.logFile}):\n${this.tail()}`);
      try {
        if (await check()) return;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (last: ${String(last)}; log ${this.logFile})`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /** The last lines of the log, for failure messages. */
  tail(lines = 15): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}
