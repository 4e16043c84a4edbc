import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KafkaConnection } from '@md/config';
import { freePort, repoRoot, waitFor } from '@md/testing';
import { javaClientSettings, kafkaVersion, propertyLine, startJava, writeSecret, type JavaRun } from './kafka-perf-java';

/** Where deploy/local/connect/fetch.sh put Kafka Connect's jars and the Debezium JDBC sink bundle. */
export interface ConnectHome {
  libs: string;
  pluginPath: string;
}

/**
 * Fetches Kafka Connect and the Debezium JDBC sink from Maven Central into the cache, once (the
 * script is a no-op afterwards). Its Kafka version follows the stack's KAFKA_VERSION.
 */
export function fetchConnect(): Promise<ConnectHome> {
  const script = join(repoRoot(), 'deploy/local/connect/fetch.sh');
  return new Promise((resolve, reject) => {
    execFile('bash', [script], { env: { ...process.env, KAFKA_VERSION: kafkaVersion() }, timeout: 15 * 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`deploy/local/connect/fetch.sh failed: ${stderr.trim().split('\n').slice(-5).join(' | ') || err.message}`));
      const home = stdout.trim().split('\n').at(-1)!;
      resolve({ libs: join(home, 'libs'), pluginPath: join(home, 'plugins') });
    });
  });
}

export interface ConnectWorker {
  /** The REST API, e.g. http://127.0.0.1:34567. */
  url: string;
  logFile: string;
  /** Stops the worker (its tasks close their consumers and JDBC connections first). */
  stop(): Promise<void>;
}

/**
 * Runs `org.apache.kafka.connect.cli.ConnectStandalone` with no connector yet, and resolves once
 * its REST API answers, so a connector can then be started on a warm worker with the clock on.
 * State (offsets file, rendered properties, log) lives in `dir`.
 */
export async function startConnectWorker(home: ConnectHome, connection: KafkaConnection, dir: string, maxPollRecords: number): Promise<ConnectWorker> {
  const port = await freePort();
  const template = readFileSync(join(repoRoot(), 'deploy/local/connect/worker.properties'), 'utf8');
  const rendered = template
    .replaceAll('@BOOTSTRAP@', connection.brokers.join(','))
    .replaceAll('@OFFSETS_FILE@', join(dir, 'connect.offsets'))
    .replaceAll('@PLUGIN_PATH@', home.pluginPath)
    .replaceAll('@REST_PORT@', String(port))
    .replaceAll('@MAX_POLL_RECORDS@', String(maxPollRecords));
  // The worker's own clients and the sink tasks' consumers take the same security settings.
  const security = javaClientSettings(connection, dir).flatMap(([k, v]) => ['', 'consumer.', 'admin.', 'producer.'].map((p) => propertyLine(`${p}${k}`, v)));
  const properties = writeSecret(dir, 'worker.properties', `${rendered}\n${security.join('\n')}\n`);
  const logFile = join(dir, 'connect.log');
  const url = `http://127.0.0.1:${port}`;
  const run: JavaRun = startJava(`${home.libs}/*`, 'org.apache.kafka.connect.cli.ConnectStandalone', [properties], logFile);
  let exitCode: number | null | undefined;
  void run.exited.then((code) => (exitCode = code), () => (exitCode = -1));
  try {
    const outcome = await waitFor('the Connect worker\'s REST API', async () => {
      if (exitCode !== undefined) return 'exited';
      const res = await fetch(`${url}/`).catch(() => undefined);
      return res?.ok ? 'ready' : false;
    }, 120_000, 250);
    if (outcome === 'exited') throw new Error(`ConnectStandalone exited (${exitCode}) before its REST API answered:\n${tail(logFile)}`);
  } catch (err) {
    await run.stop();
    throw err;
  }
  return { url, logFile, stop: () => run.stop() };
}

/** The last lines of a log, for an error message. */
export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** POST /connectors (https://kafka.apache.org/41/documentation/#connect_rest). */
export async function createConnector(url: string, name: string, config: Record<string, string>): Promise<void> {
  const res = await fetch(`${url}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, config }) });
  if (!res.ok) throw new Error(`creating connector ${name}: HTTP ${res.status} ${await res.text()}`);
}

export interface ConnectorFailure {
  /** The connector or task that failed, with Connect's stack trace. */
  message: string;
}

/** GET /connectors/<name>/status: a failure of the connector or one of its tasks, or undefined. */
export async function connectorFailure(url: string, name: string): Promise<ConnectorFailure | undefined> {
  const res = await fetch(`${url}/connectors/${name}/status`);
  if (!res.ok) return undefined; // not registered yet
  const status = (await res.json()) as { connector: { state: string; trace?: string }; tasks: Array<{ id: number; state: string; trace?: string }> };
  if (status.connector.state === 'FAILED') return { message: `connector ${name} FAILED: ${status.connector.trace ?? ''}` };
  const task = status.tasks.find((t) => t.state === 'FAILED');
  return task ? { message: `connector ${name} task ${task.id} FAILED: ${task.trace ?? ''}` } : undefined;
}
