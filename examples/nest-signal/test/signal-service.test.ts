import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { INestMicroservice } from '@nestjs/common';
import { signalConfig } from '../src/signal-config';
import { FEATURES_TOPIC } from '../src/signal.controller';
import type { Signal } from '../src/signal-rule';
import { createSignalService } from '../src/signal-service';

// Integration: needs a running platform stack (Kafka, the registry; MD_KAFKA_BROKERS and
// MD_REGISTRY_URL, default the local stack). It plays the feature engine for one symbol of its
// own: vectors onto md.features.v1, then the service, then the signals it publishes.
const config = signalConfig({
  ...process.env, SIGNAL_GROUP_ID: `example-signal-test-${randomUUID()}`, SIGNAL_TOPIC: `example.signals.test-${randomUUID()}`, SIGNAL_THRESHOLD: '1',
});
const symbol = `EXSIG${randomUUID().slice(0, 8).toUpperCase()}`;
const kafka = new Kafka({ clientId: 'example-signal-test', brokers: config.brokers, logLevel: logLevel.ERROR });
const t0 = Date.parse('2026-01-05T14:30:00Z');

/** One vector of the symbol for minute `minute`: the rule's inputs plus a feature it ignores. */
const vector = (minute: number, values: Record<string, number | null>, generation = 0) => ({
  symbol, timeframe: '1m', provider: 'test', featureSet: 'default-v1', generation,
  eventTime: (t0 + minute * 60_000) * 1000, ingestTime: (t0 + minute * 60_000) * 1000, availableTime: (t0 + (minute + 1) * 60_000) * 1000,
  values: { rsi_14: 50, ...values },
});
const vectors = [
  vector(0, { ret_1: 0.003, vol_20: 0.001 }), // score 3: long
  vector(1, { ret_1: -0.002, vol_20: 0.001 }), // -2: short
  vector(2, { ret_1: 0.0005, vol_20: 0.001 }), // 0.5: flat
  vector(3, { ret_1: null, vol_20: 0.001 }), // warming up: nothing
  vector(4, { ret_1: 0.01, vol_20: null }), // warming up: nothing
  vector(5, { ret_1: 0.001, vol_20: 0 }), // flat window: nothing
  vector(0, { ret_1: 0.003, vol_20: 0.001 }), // a replay's duplicate: nothing
  vector(1, { ret_1: -0.0005, vol_20: 0.001 }, 1), // reprocessed at generation 1: -0.5, flat
  vector(6, { ret_1: 0.004, vol_20: 0.002 }), // 2: long, and the last one
];
const minute = (m: number) => new Date(t0 + m * 60_000).toISOString();
const expected: Array<[string, Signal['direction'], number]> = [
  [minute(0), 'long', 3], [minute(1), 'short', -2], [minute(2), 'flat', 0.5], [minute(1), 'flat', -0.5], [minute(6), 'long', 2],
];

/** Polls `check` until it gives a value; fails after `ms` naming what it waited for. */
async function until<T>(what: string, check: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let service: INestMicroservice | undefined;
let reader: Consumer | undefined;
const received: Array<{ key: string | undefined; signal: Signal }> = [];

before(async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // The signal topic is the service's output, so this test makes one of its own (the stack's
    // brokers do not create topics on first use: auto.create.topics.enable=false).
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: config.signalTopic, numPartitions: 1 }] });
    // The service's new group starts at the current end of md.features.v1: it reads only what
    // this test produces, whatever other runs left on the shared topic.
    const end = await admin.fetchTopicOffsets(FEATURES_TOPIC);
    await admin.setOffsets({ groupId: config.groupId, topic: FEATURES_TOPIC, partitions: end.map((p) => ({ partition: p.partition, offset: p.high })) });
  } finally {
    await admin.disconnect();
  }
  // The registered schema of the topic's values (Confluent subject naming: <topic>-value).
  const registry = new SchemaRegistry({ host: config.registryUrl });
  const schemaId = await registry.getLatestSchemaId(`${FEATURES_TOPIC}-value`);
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (const v of vectors) messages.push({ key: symbol, value: await registry.encode(schemaId, v) });
  await producer.send({ topic: FEATURES_TOPIC, messages });
  await producer.disconnect();
});

after(async () => {
  await service?.close();
  await reader?.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [config.signalTopic] }).catch(() => undefined);
  await admin.deleteGroups([config.groupId, `${config.groupId}-reader`]).catch(() => undefined);
  await admin.disconnect();
});

test('publishes one signal per new vector version with both inputs, in order, keyed by symbol', async () => {
  reader = kafka.consumer({ groupId: `${config.groupId}-reader` });
  await reader.connect();
  await reader.subscribe({ topic: config.signalTopic, fromBeginning: true });
  await reader.run({
    eachMessage: async ({ message }) => {
      received.push({ key: message.key?.toString(), signal: JSON.parse(message.value!.toString()) as Signal });
    },
  });
  service = await createSignalService(config);
  await service.listen();

  // One symbol's vectors are one partition, handled in order: the last one's signal means every
  // earlier vector was handled (or skipped) before it.
  await until('the signal of the last vector', () => received.find(({ signal }) => signal.eventTime === minute(6)), 60_000);
  const signals = received.map(({ signal }) => signal);
  assert.deepEqual(signals.map((s) => [s.eventTime, s.direction]), expected.map(([time, direction]) => [time, direction]));
  signals.forEach((s, i) => assert.ok(Math.abs(s.score - expected[i][2]) < 1e-9, `score ${s.score}, expected ${expected[i][2]}`));
  assert.ok(received.every(({ key }) => key === symbol), 'every signal keyed by its symbol');
  assert.ok(signals.every((s) => s.symbol === symbol && s.timeframe === '1m' && s.featureSet === 'default-v1' && s.threshold === 1));
});
