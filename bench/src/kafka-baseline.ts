import type { Kafka, Message } from 'kafkajs';
import { createIdempotentProducer } from '@md/kafka';

// Not a platform topic: a scratch topic for measuring the broker and client alone.
const BENCH_TOPIC = 'bench.kafka-baseline';

/** Raw KafkaJS rate: produce `messages` (already encoded) and consume them all back, in bars/s. */
export async function kafkaProduceConsumeRate(kafka: Kafka, messages: Message[], partitions: number): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  if ((await admin.listTopics()).includes(BENCH_TOPIC)) await admin.deleteTopics({ topics: [BENCH_TOPIC] });
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic: BENCH_TOPIC, numPartitions: partitions, replicationFactor: 1 }] });
  await admin.disconnect();

  const consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxBytesPerPartition: 4 * 1024 * 1024 });
  await consumer.connect();
  await consumer.subscribe({ topic: BENCH_TOPIC, fromBeginning: true });
  let consumed = 0;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => (finished = resolve));
  await consumer.run({ eachBatch: async ({ batch }) => {
    consumed += batch.messages.length;
    if (consumed >= messages.length) finished();
  } });

  const producer = createIdempotentProducer(kafka);
  await producer.connect();
  const started = process.hrtime.bigint();
  for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic: BENCH_TOPIC, messages: messages.slice(i, i + 1000) });
  await done;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await producer.disconnect();
  await consumer.disconnect();
  return messages.length / seconds;
}
