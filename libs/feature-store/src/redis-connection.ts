import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Readiness } from '@md/observability';

export const REDIS_URL = 'REDIS_URL';

/** One ioredis client per service; /ready follows its connection state. */
@Injectable()
export class RedisConnection implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RedisConnection.name);
  readonly client: Redis;

  constructor(url: string, private readonly readiness: Readiness) {
    // Bounded offline queue: while Redis is down, commands fail fast instead of piling up.
    this.client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.client.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
  }

  onApplicationBootstrap(): void {
    this.readiness.register('redis', () => this.client.status === 'ready');
    // Not awaited: with Redis down the service still starts and reports not ready, while
    // ioredis keeps reconnecting; Kafka-side work does not depend on Redis.
    this.client.connect().catch((err) => this.logger.warn(`redis not reachable yet: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
