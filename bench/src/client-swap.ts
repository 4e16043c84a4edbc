import {
  Admin,
  Consumer,
  MessagesStreamFallbackModes,
  MessagesStreamModes,
  Producer,
  clientSoftwareVersion,
  compatibilityPartitioner,
  stringSerializer,
} from '@platformatic/kafka';
import type { KafkaConnection } from '@md/config';

// Issue 14: kafkajs stays the platform's client (behind libs/kafka); this measures what a swap to
// @platformatic/kafka would gain, on the same encoded messages, broker and partition count as
// kafkaProduceConsumeRate (kafka-baseline.ts), so the two figures come from one bench run.
// Not a platform topic: a scratch topic of its own, so the two measurements never share one.
const BENCH_TOPIC = 'bench.client-swap';
const CLIENT = '@platformatic/kafka';
const BATCH = 1000;
// kafka-baseline.ts gives kafkajs 4 MiB per partition per fetch; the same bound here.
const MAX_BYTES_PER_PARTITION = 4 * 1024 * 1024;
// Topic create/delete are asynchronous on the controller; poll metadata at most this often/long.
const TOPIC_POLL_MS = 100;
const TOPIC_POLL_ATTEMPTS = 100;

export interface ClientSwapOptions extends Pick<KafkaConnection, 'ssl' | 'sasl'> {
  brokers: string[];
  messages: Array<{ key: string; value: Buffer }>;
  partitions: number;
}

export interface ClientSwapRate {
  client: string;
  version: string;
  messagesPerSecond: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Same scratch-topic lifecycle as kafka-baseline.ts: dropped if a crashed run left it, created fresh. */
async function recreateTopic(admin: Admin, partitions: number): Promise<void> {
  if ((await admin.listTopics()).includes(BENCH_TOPIC)) {
    await admin.deleteTopics({ topics: [BENCH_TOPIC] });
    for (let i = 0; i < TOPIC_POLL_ATTEMPTS && (await admin.listTopics()).includes(BENCH_TOPIC); i++) await sleep(TOPIC_POLL_MS);
  }
  await admin.createTopics({ topics: [BENCH_TOPIC], partitions, replicas: 1 });
  // kafkajs' createTopics has waitForLeaders; @platformatic/kafka's Admin does not (docs/admin.md),
  // so wait until metadata shows a leader for every partition before the clock can start.
  for (let i = 0; i < TOPIC_POLL_ATTEMPTS; i++) {
    const topic = (await admin.metadata({ topics: [BENCH_TOPIC], forceUpdate: true }).catch(() => undefined))?.topics.get(BENCH_TOPIC);
    if (topic?.partitionsCount === partitions && topic.partitions.every((p) => p.leader >= 0)) return;
    await sleep(TOPIC_POLL_MS);
  }
  throw new Error(`client-swap: ${BENCH_TOPIC} has no leader for all ${partitions} partitions after ${(TOPIC_POLL_MS * TOPIC_POLL_ATTEMPTS) / 1000} s`);
}

/**
 * Produce→consume rate of `messages` (already encoded) through @platformatic/kafka, in messages/s,
 * clocked like kafkaProduceConsumeRate: from the first send to the last message consumed.
 */
export async function clientSwapRate(opts: ClientSwapOptions): Promise<ClientSwapRate> {
  // Only the local plaintext stack is measured: the comparison is about client CPU, and mapping
  // the platform's TLS/SASL settings onto a second client is work a swap would do, not a bench.
  if (opts.ssl || opts.sasl) throw new Error(`client-swap: ${CLIENT} is measured on plaintext brokers only; unset KAFKA_SSL / KAFKA_SASL_* to run it`);
  const { brokers, messages, partitions } = opts;
  if (messages.length === 0) throw new Error('client-swap: no messages to measure');
  const clientId = 'md-bench-client-swap';
  const admin = new Admin({ clientId, bootstrapBrokers: brokers });
  await recreateTopic(admin, partitions);

  // Idempotent producer (KIP-98) as createIdempotentProducer in libs/kafka: docs/producer.md says
  // `idempotent: true` forces acks=all and one in-flight request (the same as kafkajs with
  // maxInFlightRequests 1); retries `true` is "infinity" (docs/base.md), like IDEMPOTENT_RETRY.
  // compatibilityPartitioner is the Java murmur2 (hash & 0x7fffffff) that kafkajs'
  // DefaultPartitioner uses; the client's own default (hash >>> 0) would put a symbol on another
  // partition than kafkajs does. Keys are strings, so they go through stringSerializer (UTF-8, as
  // kafkajs encodes a string key); values are already-encoded Buffers (noop serialiser).
  const producer = new Producer<string, Buffer, Buffer, Buffer>({
    clientId,
    bootstrapBrokers: brokers,
    idempotent: true,
    retries: true,
    retryDelay: 200,
    partitioner: compatibilityPartitioner,
    serializers: { key: stringSerializer },
  });
  // kafkajs' fromBeginning on a fresh group is "committed offset, else earliest": mode COMMITTED
  // with fallback EARLIEST here (docs/consumer.md; the default mode is LATEST). The default
  // isolation level is READ_COMMITTED, as kafkajs' readUncommitted: false. autocommit `true`
  // commits after each fetch, like kafkajs' eachBatch with its default autoCommit.
  const consumer = new Consumer({
    clientId,
    groupId: `bench-client-swap-${Date.now()}`,
    bootstrapBrokers: brokers,
    maxBytesPerPartition: MAX_BYTES_PER_PARTITION,
  });

  try {
    // consume() joins the group before it resolves, as kafkajs' run() does: the join is off the clock.
    const stream = await consumer.consume({
      topics: [BENCH_TOPIC],
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: MessagesStreamFallbackModes.EARLIEST,
      autocommit: true,
    });
    let consumed = 0;
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', () => {
        if (++consumed === messages.length) resolve();
      });
      stream.once('error', reject);
    });
    done.catch(() => undefined); // a stream error during the send loop surfaces at `await done`, not as unhandled
    // kafkajs' producer.connect() fetches the producer id (InitProducerId) before the clock; this
    // client does it lazily on the first send, so do it here to keep it off the clock too.
    await producer.initIdempotentProducer({});

    const started = process.hrtime.bigint();
    for (let i = 0; i < messages.length; i += BATCH) {
      const batch = messages.slice(i, i + BATCH).map(({ key, value }) => ({ topic: BENCH_TOPIC, key, value }));
      await producer.send({ messages: batch });
    }
    await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await stream.close();
    return { client: CLIENT, version: String(clientSoftwareVersion), messagesPerSecond: messages.length / seconds };
  } finally {
    await consumer.close(true);
    await producer.close();
    await admin.deleteTopics({ topics: [BENCH_TOPIC] }).catch(() => undefined);
    await admin.close();
  }
}
