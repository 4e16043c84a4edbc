import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { KafkaConnection } from '@md/config';
import { kafkajsLogLevel } from './kafka-log';

// kafkajs logs go through the service's own Nest logger (STYLE.md habit 7), at the level
// kafkajsLogLevel gives: a retried attempt is not an ERROR line (kafka-log.ts says why).
function nestLogCreator() {
  const logger = new Logger('kafkajs');
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...extra } = log;
      const line = `${message}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}`;
      logger[kafkajsLogLevel(level, message, extra)](line);
    };
}

/**
 * The broker client of a service or tool. `connection` carries TLS and SASL from config
 * (kafkaConnectionOf in @md/config); a bare broker list is a plaintext local stack.
 */
export function createKafka(clientId: string, connection: KafkaConnection | string[]): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  const { brokers, ssl, sasl }: KafkaConnection = Array.isArray(connection) ? { brokers: connection } : connection;
  return new Kafka({
    clientId,
    brokers,
    ssl,
    // One object per mechanism in kafkajs' types; the three share their fields.
    sasl: sasl as SASLOptions | undefined,
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator(),
    retry: { initialRetryTime: 200, retries: 8 },
  });
}
