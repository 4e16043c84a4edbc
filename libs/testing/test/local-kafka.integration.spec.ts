import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startLocalKafka, LocalKafka } from '../src/local-kafka';

// Integration: a private single broker beside the shared stack (stack.sh up --only kafka in its
// own state dir and ports) serves a client, dies by SIGKILL, comes back through start() with its
// data, and stop() removes it; the shared broker on 9092 is never touched.

let kafka: LocalKafka;
const dir = mkdtempSync(join(tmpdir(), 'md-local-kafka-'));

beforeAll(async () => {
  kafka = await startLocalKafka({ dir });
});

afterAll(async () => {
  await kafka?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a private broker keeps its records across a kill -9 and a restart', async () => {
  const client = new Kafka({ clientId: 'local-kafka-test', brokers: kafka.bootstrap, logLevel: logLevel.NOTHING });
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 't', numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = client.producer();
  await producer.connect();
  await producer.send({ topic: 't', acks: -1, messages: [{ key: 'k', value: 'v1' }] });
  await producer.disconnect();

  const pid = kafka.nodes[0].pid();
  expect(pid).toBeGreaterThan(0);
  await kafka.kill(1);
  expect(kafka.nodes[0].pid()).toBeUndefined();
  await kafka.start(1);
  expect(kafka.nodes[0].pid()).not.toBe(pid);

  const again = client.admin();
  await again.connect();
  const offsets = await again.fetchTopicOffsets('t');
  await again.disconnect();
  expect(offsets.map((o) => o.high)).toEqual(['1']);
});
