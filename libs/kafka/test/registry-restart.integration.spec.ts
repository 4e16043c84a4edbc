import { COMPATIBILITY, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createType } from 'avro-js/lib/schemas';
import type { Kafka, Producer } from 'kafkajs';
import { TOPIC_TABLE, TOPICS, type DeadLetterRecord, type TopicName } from '@md/contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGroupAtEnd, startLocalKafka, startService, stopService, uniqueId, waitFor, waitReady, type LocalKafka, type RunningService } from '@md/testing';
import { SchemaCodec, createIdempotentProducer, createKafka, endOffsets, ensureTopics, readTopicRange, valueSchemaOf, type PartitionOffsets } from '../src';
import { plainValue, sampleValue } from './avro-values';
import { RegistryProcess } from './registry-process';

// Integration (issue 12): schema ids keep their meaning across a kill -9 of the registry. Its own
// registry (the stack's jar and storage settings, its own ports and journal) on a private broker:
// the shared registry on 8081 serves other tests meanwhile, and a stage pointed at this registry
// must not meet their records. Records are read back by avro-js, an Avro decoder that is not
// avsc, with the writer schema fetched by id from the Confluent-compatible API.

describe('schema ids survive a registry kill -9 (integration)', () => {
  const run = uniqueId('REG');
  const topics = TOPIC_TABLE.map((t) => t.name);
  const idsBefore = new Map<TopicName, number>();
  const samples = new Map<TopicName, unknown>();
  const services: RunningService[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'md-registry-restart-'));
  let broker: LocalKafka | undefined;
  let registry: RegistryProcess | undefined;
  let kafka: Kafka;
  let producer: Producer | undefined;

  beforeAll(async () => {
    broker = await startLocalKafka({ dir });
    registry = await RegistryProcess.start({ label: `test-${run}`, kafkaBootstrap: broker.bootstrap.join(','), topicPrefix: `_md-registry-${run}-` });
    kafka = createKafka(`test-${run}`, broker.bootstrap);
    await ensureTopics(kafka, TOPIC_TABLE);
    producer = createIdempotentProducer(kafka);
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s, 'SIGKILL')));
    await producer?.disconnect();
    await registry?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Our records of `topic` since `from`: key, raw value. */
  async function ours(topic: string, from: PartitionOffsets, key: string) {
    return (await readTopicRange(kafka, topic, from)).filter((m) => m.key?.toString() === key);
  }

  it('reads every record written before the kill -9 with the schema it was written with', async () => {
    const writer = new SchemaCodec(registry!.url);
    for (const topic of topics) idsBefore.set(topic, await writer.registerTopic(topic));
    const starts = new Map<TopicName, PartitionOffsets>();
    for (const topic of topics) starts.set(topic, await endOffsets(kafka, topic));
    const topicMessages = [];
    for (const [i, topic] of topics.entries()) {
      samples.set(topic, sampleValue(valueSchemaOf(topic), i + 1));
      topicMessages.push({ topic, messages: [{ key: run, value: await writer.encode(topic, samples.get(topic)) }] });
    }
    await producer!.sendBatch({ topicMessages });

    const pid = registry!.pid;
    await registry!.kill9();
    await registry!.restart();
    expect(registry!.pid).not.toBe(pid);

    // Services restarting in another order register the same schemas again: same ids.
    const reader = new SchemaCodec(registry!.url);
    const idsAfter = new Map<TopicName, number>();
    for (const topic of [...topics].reverse()) idsAfter.set(topic, await reader.registerTopic(topic));
    expect(idsAfter).toEqual(idsBefore);
    expect(await (await fetch(`${registry!.url}/config`)).json()).toEqual({ compatibilityLevel: 'BACKWARD' });
    // A schema first registered after the restart gets an id no record can already carry.
    const probe = { type: 'record', name: 'Probe', namespace: 'md.test', fields: [{ name: 'run', type: 'string' }] };
    const { id: fresh } = await reader.registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(probe) }, { subject: `${run.toLowerCase()}-probe-value`, compatibility: COMPATIBILITY.BACKWARD });
    expect([...idsBefore.values()]).not.toContain(fresh);

    for (const topic of topics) {
      const [record, ...extra] = await ours(topic, starts.get(topic)!, run);
      expect(extra).toHaveLength(0);
      const id = record.value!.readInt32BE(1);
      expect(id).toBe(idsBefore.get(topic));
      const { schema } = (await (await fetch(`${registry!.url}/schemas/ids/${id}`)).json()) as { schema: string };
      const writerSchema = JSON.parse(schema);
      const decoded = createType(writerSchema).fromBuffer(record.value!.subarray(5));
      const source = plainValue(valueSchemaOf(topic), samples.get(topic), 'avsc');
      expect({ topic, value: plainValue(writerSchema, decoded, 'avro-js') }).toEqual({ topic, value: source });
      expect({ topic, value: plainValue(writerSchema, await reader.decode(topic, record.value), 'avsc') }).toEqual({ topic, value: source });
    }
  });

  it("dead-letters a record carrying another subject's schema id instead of decoding it (preprocessor)", async () => {
    const groupId = `prep-${run}`;
    await startGroupAtEnd(kafka, groupId, [TOPICS.rawBars, TOPICS.corporateActions]);
    const env = { KAFKA_BROKERS: broker!.bootstrap.join(','), SCHEMA_REGISTRY_URL: registry!.url, GROUP_ID: groupId, TRANSACTIONAL_ID: groupId, SESSION_TIMEOUT_MS: '6000' };
    const prep = await startService('preprocessor', env, `test-${run}-preprocessor`);
    services.push(prep);
    await waitReady(prep);

    // A clean bar, framed with md.bars.v1's id, on md.raw.bars.v1: what a registry that lost its
    // schemas made of every record, and Avro alone does not notice.
    const codec = new SchemaCodec(registry!.url);
    const barsId = await codec.registerTopic(TOPICS.bars);
    const planted = await codec.encode(TOPICS.bars, samples.get(TOPICS.bars) ?? sampleValue(valueSchemaOf(TOPICS.bars), 4));
    const key = `${run}-planted`;
    const dlqStart = await endOffsets(kafka, TOPICS.deadLetter);
    await producer!.send({ topic: TOPICS.rawBars, messages: [{ key, value: planted }] });

    const letters = await waitFor('the planted record on md.dlq.v1', async () => {
      const found = await ours(TOPICS.deadLetter, dlqStart, key);
      return found.length ? found : undefined;
    }, 90_000, 250);
    expect(letters).toHaveLength(1);
    const letter = await codec.decode<DeadLetterRecord>(TOPICS.deadLetter, letters![0].value);
    expect(letter).toMatchObject({
      stage: 'preprocessor',
      errorType: 'InvalidRecordError',
      sourceTopic: TOPICS.rawBars,
      reason: `writer schema id ${barsId} is not a registered version of ${TOPICS.rawBars}-value: the registry has it as ${TOPICS.bars}-value version 1`,
    });
    expect(Buffer.compare(letter.payload, planted)).toBe(0);
    expect(prep.process.exitCode).toBeNull();
  });
});
