import type { Consumer, Producer } from 'kafkajs';

/** Tracks a kafkajs client's connection from its instrumentation events, for /ready. */
export function trackConsumer(consumer: Consumer): () => boolean {
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  consumer.on(consumer.events.DISCONNECT, () => (joined = false));
  consumer.on(consumer.events.CRASH, () => (joined = false));
  consumer.on(consumer.events.STOP, () => (joined = false));
  return () => joined;
}

export function trackProducer(producer: Producer): () => boolean {
  let connected = false;
  producer.on(producer.events.CONNECT, () => (connected = true));
  producer.on(producer.events.DISCONNECT, () => (connected = false));
  return () => connected;
}
