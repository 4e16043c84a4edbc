import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, type Admin } from 'kafkajs';
import { Readiness } from '@md/observability';

const PROBE_CACHE_MS = 5000;

/** Readiness of the broker connection for services that do not hold a consumer yet. */
@Injectable()
export class BrokerProbe implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly admin: Admin;
  private lastOk = 0;

  constructor(kafka: Kafka, private readonly readiness: Readiness) {
    this.admin = kafka.admin();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.admin.connect();
    this.readiness.register('kafka', () => this.reachable());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }

  private async reachable(): Promise<boolean> {
    if (Date.now() - this.lastOk < PROBE_CACHE_MS) return true;
    await this.admin.describeCluster();
    this.lastOk = Date.now();
    return true;
  }
}
