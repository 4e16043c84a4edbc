import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { KafkaConnection } from '@md/config';
import { repoRoot } from '@md/testing';

// What the Java side of the bench shares (the Kafka perf tools and the Connect peer): where the
// jars are, the client settings of the caller's connection as Java properties, and child JVMs
// that are always reaped.

/** Heap of every JVM the bench starts: the 2-core machine is shared with the broker and PostgreSQL. */
export const BENCH_JVM_HEAP = '-Xmx512m';

/** Warnings and errors only, on stderr (the stack's own config for Kafka's CLI classes). */
export const TOOLS_LOG4J = join(repoRoot(), 'deploy/local/kafka/tools-log4j2.properties');

/** The cache deploy/local/stack.sh fetches into (MD_CACHE_DIR, default ~/.cache/md-platform). */
export function mdCacheDir(): string {
  return process.env.MD_CACHE_DIR || join(homedir(), '.cache', 'md-platform');
}

/** The Kafka version of the local stack (stack.sh's KAFKA_VERSION default). */
export function kafkaVersion(): string {
  return process.env.KAFKA_VERSION || '4.1.2';
}

/** Kafka's jars as stack.sh lays them out; throws one line naming the fix when they are missing. */
export function kafkaLibsDir(): string {
  const dir = join(mdCacheDir(), `kafka-${kafkaVersion()}`, 'libs');
  const tools = `kafka-tools-${kafkaVersion()}.jar`;
  if (!existsSync(dir) || !readdirSync(dir).includes(tools)) {
    throw new Error(`Kafka's jars are missing (${join(dir, tools)}); run \`npm run stack -- up\` to fetch them`);
  }
  return dir;
}

const SASL_LOGIN: Record<NonNullable<KafkaConnection['sasl']>['mechanism'], { mechanism: string; module: string }> = {
  plain: { mechanism: 'PLAIN', module: 'org.apache.kafka.common.security.plain.PlainLoginModule' },
  'scram-sha-256': { mechanism: 'SCRAM-SHA-256', module: 'org.apache.kafka.common.security.scram.ScramLoginModule' },
  'scram-sha-512': { mechanism: 'SCRAM-SHA-512', module: 'org.apache.kafka.common.security.scram.ScramLoginModule' },
};

/** A JAAS option value: a quoted string, with `"` and `\` escaped (javax.security.auth.login.ConfigFile syntax). */
const jaasQuoted = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** One line of a java.util.Properties file: backslashes and line breaks escaped (Properties.load). */
export function propertyLine(key: string, value: string): string {
  return `${key}=${value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r')}`;
}

/**
 * The Java client settings (security.protocol, TLS trust, SASL login) of the caller's kafkajs
 * connection, so the tools reach the same cluster the services do. PEM files go next to the
 * properties in `dir` (Kafka's PEM stores, KIP-651); the caller removes `dir` afterwards.
 * A plaintext connection gives no lines.
 */
export function javaClientSettings(connection: KafkaConnection, dir: string): Array<[string, string]> {
  const { ssl, sasl } = connection;
  const settings: Array<[string, string]> = [];
  if (!ssl && !sasl) return settings;
  settings.push(['security.protocol', `${sasl ? 'SASL_' : ''}${ssl ? 'SSL' : 'PLAINTEXT'}`]);
  if (ssl?.ca) {
    const file = writeSecret(dir, 'ca.pem', ssl.ca);
    settings.push(['ssl.truststore.type', 'PEM'], ['ssl.truststore.location', file]);
  }
  if (ssl?.cert && ssl.key) {
    // Kafka's PEM keystore reads the key and then its certificate chain from one file; the key
    // must be unencrypted PKCS#8 ("BEGIN PRIVATE KEY") when no ssl.key.password is given.
    const file = writeSecret(dir, 'client-key-and-cert.pem', `${ssl.key.trim()}\n${ssl.cert.trim()}\n`);
    settings.push(['ssl.keystore.type', 'PEM'], ['ssl.keystore.location', file]);
  }
  if (sasl) {
    const login = SASL_LOGIN[sasl.mechanism];
    settings.push(['sasl.mechanism', login.mechanism],
      ['sasl.jaas.config', `${login.module} required username=${jaasQuoted(sasl.username)} password=${jaasQuoted(sasl.password)};`]);
  }
  return settings;
}

/** The connection's client settings as a properties file in `dir` (empty for plaintext), for a tool's --*.config option. */
export function writeClientConfig(connection: KafkaConnection, dir: string, name = 'client.properties'): string {
  return writeSecret(dir, name, javaClientSettings(connection, dir).map(([k, v]) => `${propertyLine(k, v)}\n`).join(''));
}

/** Writes `text` readable by the owner only (it may hold a password or a private key). */
export function writeSecret(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

export interface JavaRun {
  child: ChildProcess;
  /** Resolves with the exit code once the JVM is gone (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the JVM is gone. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
// A bench that dies between start and stop must not leave a JVM behind on a shared machine.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `java <heap> -cp <classpath> <main> <args>` with its stdout and stderr appended to
 * `logFile`; with `stdin: 'pipe'` the caller writes the JVM's input to `child.stdin`.
 */
export function startJava(classpath: string, main: string, args: string[], logFile: string, stdin: 'ignore' | 'pipe' = 'ignore'): JavaRun {
  const log = openSync(logFile, 'a');
  // An English locale: the tools format their rates with String.format, whose decimal separator follows it.
  const jvm = [BENCH_JVM_HEAP, '-XX:+UseG1GC', '-Djava.awt.headless=true', '-Duser.language=en', '-Duser.country=US', `-Dlog4j2.configurationFile=${TOOLS_LOG4J}`];
  const child = spawn('java', [...jvm, '-cp', classpath, main, ...args], {
    stdio: [stdin, log, log],
  });
  closeSync(log);
  running.add(child);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => {
      running.delete(child);
      reject(new Error(`could not start java (${err.message}); is a JDK 17+ on PATH?`));
    });
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  const stop = async (graceMs = 30_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited.catch(() => undefined);
    clearTimeout(timer);
  };
  return { child, exited, stop };
}

/**
 * Runs a Java CLI class to its end, writing `input` (if any) to its stdin with backpressure;
 * returns its output, or throws with the output's tail when it fails or overruns `timeoutMs`.
 */
export async function runJavaTool(classpath: string, main: string, args: string[], logFile: string, timeoutMs: number, input?: Iterable<string>): Promise<string> {
  const run = startJava(classpath, main, args, logFile, input ? 'pipe' : 'ignore');
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void run.stop(5_000);
  }, timeoutMs);
  if (input) await feed(run.child.stdin!, input, run.exited);
  const code = await run.exited.finally(() => clearTimeout(timer));
  const output = readFileSync(logFile, 'utf8');
  if (code !== 0) {
    const why = timedOut ? `was stopped after ${timeoutMs} ms` : `exited with ${code}`;
    throw new Error(`${main} ${why}; last output:\n${output.split('\n').slice(-15).join('\n')}`);
  }
  return output;
}

async function feed(stdin: Writable, input: Iterable<string>, exited: Promise<unknown>): Promise<void> {
  // A JVM that exits early breaks the pipe (EPIPE): its exit code and log say why, not this.
  stdin.on('error', () => undefined);
  let gone = false;
  void exited.finally(() => (gone = true)).catch(() => undefined);
  for (const chunk of input) {
    if (gone) return;
    if (!stdin.write(chunk)) await Promise.race([once(stdin, 'drain').catch(() => undefined), exited.catch(() => undefined)]);
  }
  stdin.end();
}
