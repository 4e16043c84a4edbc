import type { Kafka } from 'kafkajs';
import { TOPICS, type DeadLetterRecord } from '@md/contracts';
import { reasonKind } from '@md/market';
import { readTopicRange, type PartitionOffsets, type SchemaCodec } from '@md/kafka';

/** Dead letters written since `from`, grouped by stage and reason kind (numbers folded to N). */
export async function deadLetterReasons(kafka: Kafka, codec: SchemaCodec, from: PartitionOffsets): Promise<Map<string, number>> {
  const reasons = new Map<string, number>();
  for (const message of await readTopicRange(kafka, TOPICS.deadLetter, from)) {
    const letter = await codec.decode<DeadLetterRecord>(TOPICS.deadLetter, message.value);
    const kind = `${letter.stage}: ${reasonKind(letter.reason)}`;
    reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
  }
  return reasons;
}
