import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaConnection } from '@md/config';
import { createKafka } from '@md/kafka';
import { kafkaLibsDir, runJavaTool, writeClientConfig } from './kafka-perf-java';
import { deleteScratchGroup, deleteScratchTopic, recreateScratchTopic } from './kafka-perf-scratch';

// Not a platform topic: a scratch topic for Kafka's own perf tools, created fresh and deleted after.
const PERF_TOPIC = 'bench.kafka-perf';

export interface KafkaPerfOptions extends KafkaConnection {
  /** Records produced, then consumed back. */
  records: number;
  /** Bytes per record: pass the average encoded size of a bar message, so the tools move what the platform moves. */
  recordSize: number;
  partitions: number;
}

/** Rates of Kafka's own Java perf tools; MB is 2^20 bytes of record values, as the tools count it. */
export interface KafkaPerfRates {
  produceRecordsPerSec: number;
  produceMbPerSec: number;
  consumeRecordsPerSec: number;
  consumeMbPerSec: number;
}

/**
 * The broker's limit as Kafka itself measures it, for the same record count and size as the
 * bench's bars: `kafka-producer-perf-test` (org.apache.kafka.tools.ProducerPerformance, unthrottled,
 * acks=all like the platform's idempotent producers, every other producer setting at its default)
 * fills a fresh topic, then `kafka-consumer-perf-test` (ConsumerPerformance) reads it back
 * (apache/kafka tools/src/main/java/org/apache/kafka/tools/{Producer,Consumer}Performance.java,
 * the classes behind bin/kafka-*-perf-test.sh). The consume figure is the tool's
 * fetch rate: the group join (rebalance.time.ms) is left out, so it is the fetch path's limit.
 * The caller's TLS and SASL settings reach the tools through a client properties file.
 */
export async function kafkaPerfTools(opts: KafkaPerfOptions): Promise<KafkaPerfRates> {
  if (!(opts.records > 0 && opts.recordSize > 0 && opts.partitions > 0)) {
    throw new Error(`kafkaPerfTools needs positive records, recordSize and partitions (got ${opts.records}, ${opts.recordSize}, ${opts.partitions})`);
  }
  const classpath = `${kafkaLibsDir()}/*`;
  const brokers = opts.brokers.join(',');
  // Generous: the tools themselves stop on their own timeouts long before a healthy broker needs this.
  const timeoutMs = 120_000 + opts.records;
  const kafka = createKafka('md-bench-kafka-perf', opts);
  const group = `bench-kafka-perf-${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'md-kafka-perf-'));
  try {
    const clientConfig = writeClientConfig(opts, dir);
    await recreateScratchTopic(kafka, PERF_TOPIC, opts.partitions);
    const produced = await runJavaTool(classpath, 'org.apache.kafka.tools.ProducerPerformance', [
      '--topic', PERF_TOPIC, '--num-records', String(opts.records), '--record-size', String(opts.recordSize), '--throughput', '-1',
      '--producer.config', clientConfig, '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all',
    ], join(dir, 'producer.log'), timeoutMs);
    const consumed = await runJavaTool(classpath, 'org.apache.kafka.tools.ConsumerPerformance', [
      '--bootstrap-server', brokers, '--topic', PERF_TOPIC, '--messages', String(opts.records),
      '--group', group, '--consumer.config', clientConfig, '--timeout', '30000',
    ], join(dir, 'consumer.log'), timeoutMs);
    return { ...parseProducerPerformance(produced, opts.records), ...parseConsumerPerformance(consumed, opts.records) };
  } finally {
    await deleteScratchGroup(kafka, group);
    await deleteScratchTopic(kafka, PERF_TOPIC);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * ProducerPerformance's final summary: "N records sent, R records/sec (M MB/sec), … latency …"
 * (org.apache.kafka.tools.ProducerPerformance.Stats#printTotal). The JVM runs with an English
 * locale (startJava), so the decimals use a point.
 */
export function parseProducerPerformance(output: string, records: number): Pick<KafkaPerfRates, 'produceRecordsPerSec' | 'produceMbPerSec'> {
  const lines = output.split('\n').filter((l) => /^\d+ records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\)/.test(l));
  const summary = lines.at(-1)?.match(/^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/);
  if (!summary) throw new Error(`ProducerPerformance printed no summary line:\n${output.split('\n').slice(-10).join('\n')}`);
  if (Number(summary[1]) !== records) throw new Error(`ProducerPerformance sent ${summary[1]} records, not ${records}`);
  return { produceRecordsPerSec: Number(summary[2]), produceMbPerSec: Number(summary[3]) };
}

/**
 * ConsumerPerformance's result: a header line ("start.time, end.time, data.consumed.in.MB, …,
 * fetch.MB.sec, fetch.nMsg.sec") and one line of values under it
 * (org.apache.kafka.tools.ConsumerPerformance#main). Fewer records than asked means it gave up.
 */
export function parseConsumerPerformance(output: string, records: number): Pick<KafkaPerfRates, 'consumeRecordsPerSec' | 'consumeMbPerSec'> {
  const lines = output.split('\n').map((l) => l.trim());
  const at = lines.findIndex((l) => l.startsWith('start.time, end.time,'));
  if (at < 0 || !lines[at + 1]) throw new Error(`ConsumerPerformance printed no result:\n${lines.slice(-10).join('\n')}`);
  const header = lines[at].split(', ');
  const values = lines[at + 1].split(', ');
  const field = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0 || values[i] === undefined) throw new Error(`ConsumerPerformance's result has no ${name}: ${lines[at]}`);
    return Number(values[i]);
  };
  const consumed = field('data.consumed.in.nMsg');
  if (consumed !== records) throw new Error(`ConsumerPerformance read ${consumed} of ${records} records before its timeout`);
  return { consumeRecordsPerSec: field('fetch.nMsg.sec'), consumeMbPerSec: field('fetch.MB.sec') };
}
