import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis, { Cluster, type RedisOptions } from 'ioredis';
import { Readiness } from '@md/observability';

/** A single Redis or a Redis Cluster: the store's functions take either. */
export type RedisClient = Redis | Cluster;

export interface RedisNode {
  host: string;
  port: number;
}

/** Where and how to reach the store's Redis; built from the service's config (REDIS_*). */
export interface RedisSettings {
  /** The single node (REDIS_URL); unused when `clusterNodes` is not empty. */
  node: RedisNode & { db: number };
  /** Cluster seed nodes (REDIS_CLUSTER_NODES); the client discovers the rest with CLUSTER SLOTS. */
  clusterNodes: RedisNode[];
  /** TLS; `ca` is the PEM to trust (REDIS_TLS_CA_FILE), else the system's trusted CAs. */
  tls?: { ca?: string };
  /** ACL user (Redis 6+ AUTH username password); unset: the default user. */
  username?: string;
  /** Read at each (re)connect: a getter that follows REDIS_PASSWORD_FILE rotates it without a restart. */
  password?: string;
}

/** For log lines: the target, TLS and user, never the password. */
export function describeRedis(s: RedisSettings): string {
  const target = s.clusterNodes.length ? `cluster ${s.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}` : `${s.node.host}:${s.node.port}/${s.node.db}`;
  const extras = [s.tls ? 'TLS' : 'no TLS', s.username ? `user ${s.username}` : s.password ? 'default user' : 'no auth'];
  return `${target} (${extras.join(', ')})`;
}

export function isCluster(client: RedisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}

/**
 * One client per service. Both kinds queue commands only while (re)connecting and keep trying
 * for ever (a store outage is the Redis sink's lag, never an exit); a command fails after two
 * retries, so the sink's own backoff takes over instead of an unbounded queue.
 */
export function createRedisClient(s: RedisSettings): RedisClient {
  const common: RedisOptions = {
    username: s.username,
    // ioredis copies the options it is given and sends AUTH with `options.password` at each
    // (re)connect (ioredis/built/Redis.js _connect). A cluster copies redisOptions into every node
    // it creates (cluster/ConnectionPool.js), and its nodes never reconnect (no retry strategy:
    // the cluster replaces them), so a getter here reaches every new node.
    get password() {
      return s.password;
    },
    // rejectUnauthorized stays true: the server's certificate must chain to the CA and name the host.
    tls: s.tls ? { ca: s.tls.ca } : undefined,
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
  };
  if (!s.clusterNodes.length) {
    const client = new Redis({ ...common, ...s.node, lazyConnect: true, enableOfflineQueue: true });
    Object.defineProperty(client.options, 'password', { get: () => s.password, enumerable: true, configurable: true });
    return client;
  }
  return new Cluster(s.clusterNodes, {
    lazyConnect: true,
    redisOptions: common,
    // Without a retry strategy a cluster whose seeds are all down stays closed; this keeps trying.
    clusterRetryStrategy: (times) => Math.min(100 * times, 2_000),
    // A failover (cluster-node-timeout plus the election) is seconds: refresh the slot map soon
    // after a node is lost or a MOVED arrives, and now and then in any case.
    retryDelayOnFailover: 300,
    retryDelayOnClusterDown: 300,
    slotsRefreshInterval: 2_000,
    // TLS checks the certificate against the name the client was given; resolving it to an IP
    // first would fail that check (ioredis' advice for ElastiCache with TLS).
    dnsLookup: s.tls ? (address, callback) => callback(null, address) : undefined,
  });
}

const REPEAT_LOG_MS = 5 * 60_000;
// Redis' own replies to a refused login or command (ACL: WRONGPASS, NOAUTH, NOPERM) and a TLS
// handshake that fails verification: the operator must act, so they are errors, not warnings.
const NEEDS_OPERATOR = /WRONGPASS|NOAUTH|NOPERM|certificate|self[- ]signed|CERT_|wrong version number/i;

/** One client per service; /ready follows its state (single node or cluster). */
@Injectable()
export class RedisConnection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  private readonly target: string;
  /** When each distinct error was last logged (bounded: cleared when ready, or past 100 entries). */
  private readonly reported = new Map<string, number>();
  readonly client: RedisClient;

  constructor(settings: RedisSettings, private readonly readiness: Readiness) {
    this.target = describeRedis(settings);
    this.client = createRedisClient(settings);
    this.client.on('error', (err: Error) => this.report(err));
    // A cluster reports a failing node here (its 'error' only when the cluster as a whole fails).
    this.client.on('node error', (err: Error, node: string) => this.report(err, node));
    this.client.on('ready', () => {
      if (this.reported.size) this.logger.log(`redis ${this.target}: ready`);
      this.reported.clear();
    });
  }

  /**
   * A reconnecting client repeats its errors every attempt (a refused login, then "Connection is
   * closed."): each distinct one is logged once per REPEAT_LOG_MS until the client is ready again.
   * A cluster stays ready while one node is lost, so the interval, not readiness, re-arms its lines.
   */
  private report(err: Error, node?: string): void {
    const text = `${node ? `node ${node}: ` : ''}${err.message}`;
    const now = Date.now();
    if (now - (this.reported.get(text) ?? -Infinity) < REPEAT_LOG_MS) return;
    if (this.reported.size >= 100) this.reported.clear();
    this.reported.set(text, now);
    const line = `redis ${this.target}: ${text}; retrying`;
    if (NEEDS_OPERATOR.test(text)) this.logger.error(`${line} (check REDIS_USERNAME, REDIS_PASSWORD or REDIS_PASSWORD_FILE, REDIS_TLS_CA_FILE)`);
    else this.logger.warn(line);
  }

  onApplicationBootstrap(): void {
    this.readiness.register('redis', () => this.client.status === 'ready');
    this.logger.log(`redis: connecting to ${this.target}`);
    // Not awaited: with Redis down the service still starts and reports not ready, while
    // ioredis keeps reconnecting; Kafka-side work does not depend on Redis.
    this.client.connect().catch((err: Error) => this.report(err));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
