import 'reflect-metadata';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { RecordDecoder, type SignalValue } from '@md-platform/client';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import type { INestMicroservice } from '@nestjs/common';
import { signalConfig } from '../src/signal-config';
import { FEATURES_TOPIC } from '../src/signal.controller';
import { createSignalService } from '../src/signal-service';

// Integration: needs a running platform stack (Kafka, the registry; MD_KAFKA_BROKERS and
// MD_REGISTRY_URL, default the local stack). It plays the feature engine for one symbol of its
// own (SIGNAL_TEST_SYMBOL, else a random one): vectors onto md.features.v1, then the service,
// then the signals it publishes on md.signals.v1, read back with the platform's schema.
const config = signalConfig({ ...process.env, SIGNAL_GROUP_ID: `example-signal-test-${randomUUID()}`, SIGNAL_THRESHOLD: '1' });
const symbol = process.env.SIGNAL_TEST_SYMBOL ?? `EXSIG${randomUUID().slice(0, 8).toUpperCase()}`;
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
const expected: Array<[string, SignalValue['direction'], number]> = [
  [minute(0), 'LONG', 3], [minute(1), 'SHORT', -2], [minute(2), 'FLAT', 0.5], [minute(1), 'FLAT', -0.5], [minute(6), 'LONG', 2],
];
/** A decoded signal: times as Dates plus `<field>Micros` (the client's decoder). */
type Decoded = Omit<SignalValue, 'signalTime' | 'featuresAsOf' | 'availableTime'> & { signalTime: Date; featuresAsOfMicros: number; availableTimeMicros: number };

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
const received: Array<{ key: string | undefined; signal: Decoded }> = [];

before(async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // The service's new group starts at the current end of md.features.v1, and the reader's at
    // the end of md.signals.v1: they read only what this test makes, whatever other runs left.
    const end = await admin.fetchTopicOffsets(FEATURES_TOPIC);
    await admin.setOffsets({ groupId: config.groupId, topic: FEATURES_TOPIC, partitions: end.map((p) => ({ partition: p.partition, offset: p.high })) });
    const signalsEnd = await admin.fetchTopicOffsets(config.signalTopic);
    await admin.setOffsets({ groupId: `${config.groupId}-reader`, topic: config.signalTopic, partitions: signalsEnd.map((p) => ({ partition: p.partition, offset: p.high })) });
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
  await admin.deleteGroups([config.groupId, `${config.groupId}-reader`]).catch(() => undefined);
  await admin.disconnect();
});

test('publishes one md.signals.v1 signal per new vector version with both inputs, in order, keyed by symbol', async () => {
  const decoder = new RecordDecoder(config.registryUrl);
  reader = kafka.consumer({ groupId: `${config.groupId}-reader` });
  await reader.connect();
  await reader.subscribe({ topic: config.signalTopic });
  await reader.run({
    eachMessage: async ({ message }) => {
      if (message.key?.toString() !== symbol) return;
      received.push({ key: message.key?.toString(), signal: await decoder.decode<Decoded>(message.value) });
    },
  });
  service = await createSignalService(config);
  await service.listen();

  // One symbol's vectors are one partition, handled in order: the last one's signal means every
  // earlier vector was handled (or skipped) before it.
  await until('the signal of the last vector', () => received.find(({ signal }) => signal.signalTime.toISOString() === minute(6)), 60_000);
  const signals = received.map(({ signal }) => signal);
  assert.deepEqual(signals.map((s) => [s.signalTime.toISOString(), s.direction]), expected.map(([time, direction]) => [time, direction]));
  signals.forEach((s, i) => assert.ok(Math.abs(s.strength - expected[i][2]) < 1e-9, `strength ${s.strength}, expected ${expected[i][2]}`));
  // The features' asOf is the vector's availableTime (a minute after its bar), and so is the signal's.
  signals.forEach((s) => assert.equal(s.featuresAsOfMicros, s.signalTime.getTime() * 1000 + 60_000_000));
  assert.ok(signals.every((s) => s.availableTimeMicros === s.featuresAsOfMicros));
  assert.ok(signals.every((s) => s.symbol === symbol && s.model === 'example-zscore' && s.modelVersion === '0.1.0'));
});
