import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './paths';
import type { TestCerts } from './test-certs';
import { waitFor } from './wait-for';

/** A SASL_SSL client listener: the broker's PEM files from makeTestCerts and its users. */
export interface LocalKafkaSecurity {
  certs: TestCerts;
  /** SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN users; the first one is also the brokers' own. Names and passwords of [A-Za-z0-9._-]. */
  users: { name: string; password: string }[];
}

export interface LocalKafkaOptions {
  /** The state dir (MD_STACK_DIR): configs, data, pid files and logs of these brokers only. */
  dir: string;
  brokers?: 1 | 3;
  /** Node i listens on basePort+2(i-1) and its controller on the port after; free ports when omitted. */
  basePort?: number;
  security?: LocalKafkaSecurity;
  /** KAFKA_HEAP_OPTS of each node; small, since a test's brokers share two cores with the stack. */
  heap?: string;
}

export interface LocalKafkaNode {
  id: number;
  port: number;
  /** The running node's pid, undefined when it is not running. */
  pid(): number | undefined;
}

export interface LocalKafka {
  bootstrap: string[];
  nodes: LocalKafkaNode[];
  /** Signals a node; for SIGKILL and SIGTERM resolves once the process is gone. */
  kill(nodeId: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped node again (stack.sh up --node), resolving when it answers. */
  start(nodeId: number): Promise<void>;
  /** Kills every node and drops their data (stack.sh down --purge); the logs stay in dir. */
  stop(): Promise<void>;
}

function portsFree(first: number, count: number): Promise<boolean> {
  const one = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  return Promise.all(Array.from({ length: count }, (_, i) => one(first + i))).then((all) => all.every(Boolean));
}

/** `count` consecutive free ports in 20000-29999, below Linux's ephemeral range (32768+) so no client socket takes one meanwhile. */
async function freePortRange(count: number): Promise<number> {
  return waitFor(`${count} consecutive free ports`, async () => {
    const first = 20_000 + Math.floor(Math.random() * 9_900);
    return (await portsFree(first, count)) ? first : 0;
  }, 10_000, 0);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Private Kafka brokers beside the shared stack, through deploy/local/stack.sh `up --only kafka`
 * (one launcher: the script), in their own state dir and ports, so a test may kill and restart
 * them without touching the brokers other tests use. Call stop() in afterAll.
 */
export async function startLocalKafka(options: LocalKafkaOptions): Promise<LocalKafka> {
  const brokers = options.brokers ?? 1;
  const base = options.basePort ?? (await freePortRange(2 * brokers));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MD_STACK_DIR: options.dir,
    KAFKA_PORT: String(base),
    KAFKA_CONTROLLER_PORT: String(base + 1),
    KAFKA_HEAP_OPTS: options.heap ?? '-Xms128m -Xmx512m',
    KAFKA_SECURITY: options.security ? 'sasl_ssl' : 'plaintext',
    KAFKA_TLS_DIR: options.security?.certs.dir ?? '',
    KAFKA_SCRAM_USERS: options.security?.users.map((u) => `${u.name}:${u.password}`).join(',') ?? '',
  };
  const stack = (...args: string[]) =>
    new Promise<void>((resolve, reject) => {
      execFile('bash', [join(repoRoot(), 'deploy/local/stack.sh'), ...args], { env, cwd: repoRoot(), timeout: 180_000 }, (err, _out, stderr) =>
        err ? reject(new Error(`stack.sh ${args.join(' ')} failed (${err.message.split('\n')[0]}):\n${stderr}`)) : resolve(),
      );
    });

  const pidFile = (id: number) => join(options.dir, 'run', id === 1 ? 'kafka.pid' : `kafka-${id}.pid`);
  const pid = (id: number): number | undefined => {
    try {
      const value = Number(readFileSync(pidFile(id), 'utf8').trim());
      return value > 0 && isAlive(value) ? value : undefined;
    } catch {
      return undefined;
    }
  };
  const nodes: LocalKafkaNode[] = Array.from({ length: brokers }, (_, i) => ({ id: i + 1, port: base + 2 * i, pid: () => pid(i + 1) }));

  const kill = async (nodeId: number, signal: NodeJS.Signals = 'SIGKILL') => {
    const target = pid(nodeId);
    if (target === undefined) throw new Error(`kafka node ${nodeId} is not running`);
    process.kill(target, signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await waitFor(`kafka node ${nodeId} (pid ${target}) to exit`, () => !isAlive(target), 60_000);
  };

  await stack('up', '--only', 'kafka', '--brokers', String(brokers));
  return {
    bootstrap: nodes.map((n) => `127.0.0.1:${n.port}`),
    nodes,
    kill,
    start: (nodeId) => stack('up', '--only', 'kafka', '--brokers', String(brokers), '--node', String(nodeId)),
    async stop() {
      // The data goes anyway, so no controlled shutdown: on three nodes it takes seconds each.
      await Promise.all(nodes.filter((n) => n.pid() !== undefined).map((n) => kill(n.id)));
      await stack('down', '--purge');
    },
  };
}
