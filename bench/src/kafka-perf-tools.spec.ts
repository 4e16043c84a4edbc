import { parseConsumerPerformance, parseProducerPerformance } from './kafka-perf-tools';

// Output of Kafka 4.1.2's tools on the local stack (200,000 records of 200 bytes).
const PRODUCER = [
  'WARNING: Due to limitations in metric names, topics with a period (\'.\') or underscore (\'_\') could collide.',
  '112851 records sent, 22570.2 records/sec (4.30 MB/sec), 1014.2 ms avg latency, 1402.0 ms max latency.',
  '200000 records sent, 60514.4 records/sec (11.54 MB/sec), 841.42 ms avg latency, 1258.00 ms max latency, 902 ms 50th, 1167 ms 95th, 1216 ms 99th, 1243 ms 99.9th.',
].join('\n');
const CONSUMER = [
  'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
  '2026-12-06 01:44:55:667, 2026-12-06 01:44:57:246, 38.1470, 24.1589, 200000, 126662.4446, 584, 995, 38.3387, 201005.0251',
].join('\n');

describe('parseProducerPerformance', () => {
  it('reads the final summary line, not a progress line', () => {
    expect(parseProducerPerformance(PRODUCER, 200_000)).toEqual({ produceRecordsPerSec: 60514.4, produceMbPerSec: 11.54 });
  });

  it('rejects a run that sent fewer records than asked', () => {
    expect(() => parseProducerPerformance(PRODUCER, 300_000)).toThrow('sent 200000 records, not 300000');
  });

  it('rejects output without a summary, quoting its end', () => {
    expect(() => parseProducerPerformance('Exception in thread "main" org.apache.kafka.common.KafkaException', 10)).toThrow(/no summary line:\nException/);
  });
});

describe('parseConsumerPerformance', () => {
  it('takes the fetch rates, which leave the group join out', () => {
    expect(parseConsumerPerformance(CONSUMER, 200_000)).toEqual({ consumeRecordsPerSec: 201005.0251, consumeMbPerSec: 38.3387 });
  });

  it('rejects a run that timed out before reading every record', () => {
    expect(() => parseConsumerPerformance(CONSUMER, 250_000)).toThrow('read 200000 of 250000 records');
  });
});
