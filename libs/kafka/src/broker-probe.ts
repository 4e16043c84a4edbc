import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Kafka, type Admin } from 'kafkajs';
import { Readiness } from '@md/observability';

const PROBE_CACHE_MS = 5000;
/** A /ready request must answer quickly even while the broker is gone (a kill -9 leaves no RST to wait for when the host is down). */
const PROBE_TIMEOUT_MS = 2000;

/**
 * Readiness of the broker connection for services that do not hold a consumer yet, as the check
 * `broker` (a stage's own check, `kafka`, is its consumer's group membership). The probe neither
 * blocks the start nor retries: a broker that is not there yet makes /ready 503, not the process
 * exit, and each /ready asks again (at most every PROBE_CACHE_MS once it answered).
 */
@Injectable()
export class BrokerProbe implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly admin: Admin;
  private lastOk = 0;
  private inFlight?: Promise<boolean>;

  constructor(kafka: Kafka, private readonly readiness: Readiness) {
    // No retries: kafkajs' default would keep one probe waiting for about a minute of backoff.
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  onApplicationBootstrap(): void {
    this.readiness.register('broker', () => this.reachable());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }

  private reachable(): boolean | Promise<boolean> {
    if (Date.now() - this.lastOk < PROBE_CACHE_MS) return true;
    this.inFlight ??= this.probe().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async probe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
    const ask = (async () => {
      await this.admin.connect();
      await this.admin.describeCluster();
      this.lastOk = Date.now();
      return true;
    })().catch(() => false);
    try {
      return await Promise.race([ask, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
