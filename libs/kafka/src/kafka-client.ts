import { Logger } from '@nestjs/common';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
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

export function createKafka(clientId: string, brokers: string[]): Kafka {
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  return new Kafka({
    clientId,
    brokers,
    logLevel: logLevel.WARN,
    logCreator: nestLogCreator(),
    retry: { initialRetryTime: 200, retries: 8 },
  });
}
