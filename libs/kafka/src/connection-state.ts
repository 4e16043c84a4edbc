import type { Producer } from 'kafkajs';

/** Tracks a producer's connection from its instrumentation events, for /ready (a consumer's is ConsumerSupervisor.ready). */
export function trackProducer(producer: Producer): () => boolean {
  let connected = false;
  producer.on(producer.events.CONNECT, () => (connected = true));
  producer.on(producer.events.DISCONNECT, () => (connected = false));
  return () => connected;
}
