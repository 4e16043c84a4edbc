import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './service-process';
import { waitFor } from './wait-for';

// Throw-away redis-server processes for suites that need a Redis of their own shape (a cluster,
// a TLS port with ACL users) beside the shared one on 6379: loopback ports picked free, data and
// logs in a temp dir, no persistence, all killed and removed by stop().

const run = promisify(execFile);

export interface RedisProcess {
  port: number;
  process: ChildProcess;
  exited: Promise<number | null>;
}

/** Starts `redis-server` in the foreground with no persistence; `args` are its config directives as flags. */
export function spawnRedisServer(dir: string, port: number, args: string[]): RedisProcess {
  const log = openSync(join(dir, `redis-${port}.log`), 'a');
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...args], { stdio: ['ignore', log, log] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { port, process: child, exited };
}

/** `redis-cli` against a plain port; resolves with its output. */
export async function redisCli(port: number, args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

/** `field:value` lines of INFO or CLUSTER INFO as a map. */
export function infoFields(text: string): Map<string, string> {
  return new Map(text.split(/\r?\n/).filter((l) => l.includes(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
}

export interface RedisClusterNode extends RedisProcess {
  /** The node's cluster id (CLUSTER MYID). */
  id: string;
}

export interface LocalRedisCluster {
  nodes: RedisClusterNode[];
  /** host:port of every node, the REDIS_CLUSTER_NODES form. */
  seeds: string;
  /** The node serving `slot` as master now, asked of a node still running. */
  masterOf(slot: number): Promise<RedisClusterNode>;
  /** Resolves when every running node says cluster_state:ok and no slot is served by a stopped node. */
  healthy(timeoutMs?: number): Promise<void>;
  /** Resolves when every running replica has the master's whole replication stream. */
  replicasInSync(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const running = (n: RedisProcess) => n.process.exitCode === null && n.process.signalCode === null;

/**
 * A Redis Cluster of `masters` masters with `replicas` replicas each, on free loopback ports
 * (client and cluster-bus ports picked separately, so no port+10000 clash). cluster-node-timeout
 * is 1 s, so a killed master's replica takes over within a few seconds.
 */
export async function startRedisCluster(masters = 3, replicas = 1): Promise<LocalRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'md-redis-cluster-'));
  const nodes: RedisClusterNode[] = [];
  const stop = async () => {
    for (const n of nodes) if (running(n)) n.process.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.exited));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freePort();
      const busPort = await freePort();
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      const p = spawnRedisServer(nodeDir, port, ['--port', String(port), '--cluster-enabled', 'yes', '--cluster-port', String(busPort),
        '--cluster-config-file', join(nodeDir, 'nodes.conf'), '--cluster-node-timeout', '1000',
        // A replica's first full sync starts at once (Redis 7 waits 5 s for more replicas by default).
        '--repl-diskless-sync-delay', '0']);
      nodes.push({ ...p, id: '' });
    }
    for (const n of nodes) n.id = (await waitFor(`redis-server on ${n.port}`, () => redisCli(n.port, ['cluster', 'myid']), 10_000, 50)).trim();
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 30_000 });
  } catch (err) {
    await stop();
    throw err;
  }
  const seeds = nodes.map((n) => `127.0.0.1:${n.port}`).join(',');

  const slotTable = async () => {
    const alive = nodes.find(running);
    if (!alive) throw new Error('no cluster node is running');
    // CLUSTER SHARDS would be neater, but redis-cli prints nested replies flat; CLUSTER NODES is one line per node.
    return (await redisCli(alive.port, ['cluster', 'nodes'])).trim().split('\n').map((line) => line.split(' '));
  };

  /** Slot ranges of the masters that are running and not flagged failing (fail or fail?). */
  const liveRanges = async () => {
    const out: Array<{ node: RedisClusterNode; from: number; to: number }> = [];
    for (const f of await slotTable()) {
      const node = nodes.find((n) => n.id === f[0]);
      if (!f[2].includes('master') || f[2].includes('fail') || !node || !running(node)) continue;
      for (const range of f.slice(8)) {
        const [from, to = from] = range.split('-').map(Number);
        out.push({ node, from, to });
      }
    }
    return out;
  };

  const masterOf = async (slot: number) => {
    const range = (await liveRanges()).find((r) => slot >= r.from && slot <= r.to);
    if (!range) throw new Error(`no live master serves slot ${slot}`);
    return range.node;
  };

  const healthy = async (timeoutMs = 20_000) => {
    await waitFor('the Redis cluster to be healthy (cluster_state:ok on every running node, all 16384 slots on running masters)', async () => {
      for (const n of nodes.filter(running)) if (infoFields(await redisCli(n.port, ['cluster', 'info'])).get('cluster_state') !== 'ok') return false;
      return (await liveRanges()).reduce((sum, r) => sum + r.to - r.from + 1, 0) === 16384;
    }, timeoutMs, 100);
  };

  const replicasInSync = async (timeoutMs = 10_000) => {
    await waitFor('every replica to have its master\'s replication stream', async () => {
      for (const n of nodes.filter(running)) {
        const info = infoFields(await redisCli(n.port, ['info', 'replication']));
        if (info.get('role') !== 'slave') continue;
        const master = nodes.find((m) => m.port === Number(info.get('master_port')));
        if (info.get('master_link_status') !== 'up' || !master || !running(master)) return false;
        const masterOffset = infoFields(await redisCli(master.port, ['info', 'replication'])).get('master_repl_offset');
        if (info.get('slave_repl_offset') !== masterOffset) return false;
      }
      return true;
    }, timeoutMs, 100);
  };

  await healthy();
  return { nodes, seeds, masterOf, healthy, replicasInSync, stop };
}

export interface LocalRedisTls extends RedisProcess {
  stop(): Promise<void>;
}

/**
 * One Redis with a TLS port only (no plaintext port), clients not asked for certificates, the
 * default user disabled and `users` as its ACL (each a `user` directive: name, then rules such as
 * `on`, `>password`, `~prefix:*`, `+@read`): the managed Redis shape. `users[0]` must be allowed PING.
 */
export async function startRedisTls(certs: { caFile: string; certFile: string; keyFile: string }, users: string[][]): Promise<LocalRedisTls> {
  const dir = mkdtempSync(join(tmpdir(), 'md-redis-tls-'));
  const port = await freePort();
  // An ACL file rather than --user flags: the passwords stay off the command line (ps).
  const aclFile = join(dir, 'users.acl');
  writeFileSync(aclFile, ['user default off', ...users.map((u) => `user ${u.join(' ')}`)].join('\n') + '\n', { mode: 0o600 });
  const p = spawnRedisServer(dir, port, ['--port', '0', '--tls-port', String(port), '--tls-cert-file', certs.certFile, '--tls-key-file', certs.keyFile,
    '--tls-ca-cert-file', certs.caFile, '--tls-auth-clients', 'no', '--aclfile', aclFile]);
  const stop = async () => {
    if (running(p)) p.process.kill('SIGKILL');
    await p.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [user, ...rules] = users[0];
    const password = rules.find((r) => r.startsWith('>'))?.slice(1) ?? '';
    // REDISCLI_AUTH keeps the password off the command line too.
    const ping = () => run('redis-cli', ['--tls', '--cacert', certs.caFile, '-h', '127.0.0.1', '-p', String(port), '--user', user, 'ping'], { env: { ...process.env, REDISCLI_AUTH: password }, timeout: 5_000 });
    await waitFor(`the TLS redis-server on ${port}`, async () => (await ping()).stdout.trim() === 'PONG', 10_000, 50);
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...p, stop };
}
