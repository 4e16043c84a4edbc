import type { ProducerBatch } from 'kafkajs';
import { INGEST_CHECKPOINTS, TOPICS, type RawBar } from '@md/contracts';
import { createTransactionalProducer, readTopicRange, type SchemaCodec } from '@md/kafka';
import { StageMetrics } from '@md/observability';
import { KafkaJobSink, jobTransactionalId } from './kafka-job-sink';

jest.mock('@md/kafka', () => ({
  ...jest.requireActual('@md/kafka'),
  ensureChangelog: jest.fn(async () => undefined),
  readTopicRange: jest.fn(),
  createTransactionalProducer: jest.fn(),
}));

const codec = { encode: async (_topic: string, value: unknown) => Buffer.from(JSON.stringify(value)) } as unknown as SchemaCodec;
const bar = { kind: 'bar' as const, value: { symbol: 'DBB', close: '17.90000000' } as RawBar };
const job = { key: 'csv|DBB|/data/dbb.csv', params: { zone: 'UTC' }, source: 'CSV replay', rerun: 'after-clean-stop' as const };

/** A transactional producer that logs what happens, in order; `failCommit` makes the next commit fail. */
function fakeProducer() {
  const log: string[] = [];
  const sent: ProducerBatch[] = [];
  const state = { failCommit: false };
  const producer = {
    connect: async () => void log.push('connect'),
    disconnect: async () => void log.push('disconnect'),
    transaction: async () => {
      log.push('begin');
      return {
        sendBatch: async (b: ProducerBatch) => void sent.push(b),
        commit: async () => {
          if (state.failCommit) throw Object.assign(new Error('broker gone'), { retriable: false });
          log.push('commit');
        },
        abort: async () => void log.push('abort'),
      };
    },
  };
  return { producer, log, sent, state };
}

function storedCheckpoint(value: object) {
  return [{ partition: 0, offset: '0', key: Buffer.from(job.key), value: Buffer.from(JSON.stringify({ version: 1, job: job.key, params: job.params, published: 0, rejected: 0, updatedAt: '', ...value })), headers: {}, producerId: '1', producerEpoch: 0 }];
}

describe('KafkaJobSink', () => {
  const ctx = () => ({ kafka: {} as never, codec, metrics: new StageMetrics('feed-gateway'), stage: 'feed-gateway' });

  it('fences the zombie before it reads the checkpoint, under an id derived from the job', async () => {
    const fake = fakeProducer();
    jest.mocked(createTransactionalProducer).mockReturnValue(fake.producer as never);
    jest.mocked(readTopicRange).mockImplementation(async () => {
      fake.log.push('read checkpoint');
      return storedCheckpoint({ run: 2, state: 'running', position: { rows: 500 } });
    });
    const sink = await KafkaJobSink.open<{ rows: number }>(ctx(), job);
    expect(jest.mocked(createTransactionalProducer).mock.calls[0][1]).toBe(jobTransactionalId(job.key));
    expect(fake.log).toEqual(['connect', 'begin', 'abort', 'read checkpoint']);
    expect([sink.resumeAt, sink.start.run, sink.state]).toEqual([{ rows: 500 }, 2, 'running']);
  });

  it('commits the records, the dead letters held since the last publish and the position in one transaction', async () => {
    const fake = fakeProducer();
    jest.mocked(createTransactionalProducer).mockReturnValue(fake.producer as never);
    jest.mocked(readTopicRange).mockResolvedValue([]);
    const sink = await KafkaJobSink.open<{ rows: number }>(ctx(), job);
    await sink.reject({ payload: 'bad,row', reason: 'high: not a decimal', source: '/data/dbb.csv:3' });
    await sink.publish([bar], { rows: 3 });
    expect(fake.log.slice(-2)).toEqual(['begin', 'commit']);
    const topics = fake.sent.flatMap((b) => b.topicMessages!.map((t) => [t.topic, t.messages.length]));
    expect(topics).toEqual([[TOPICS.rawBars, 1], [TOPICS.deadLetter, 1], [INGEST_CHECKPOINTS.name, 1]]);
    const checkpoint = JSON.parse(String(fake.sent.at(-1)!.topicMessages!.at(-1)!.messages[0].value));
    expect(checkpoint).toMatchObject({ job: job.key, run: 1, state: 'running', position: { rows: 3 }, published: 1, rejected: 1 });

    await sink.finish();
    await sink.endRun();
    const states = fake.sent.map((b) => JSON.parse(String(b.topicMessages!.at(-1)!.messages[0].value)).state);
    expect(states).toEqual(['running', 'done', 'closed']);
  });

  it('aborts a transaction that fails and keeps the dead letters for the retry', async () => {
    const fake = fakeProducer();
    jest.mocked(createTransactionalProducer).mockReturnValue(fake.producer as never);
    jest.mocked(readTopicRange).mockResolvedValue(storedCheckpoint({ run: 1, state: 'done', position: { rows: 9 } }) as never);
    const sink = await KafkaJobSink.open<{ rows: number }>(ctx(), job);
    expect(sink.start.done).toBe(true);
    await sink.reject({ payload: 'x', reason: 'bad', source: 'f:1' });
    fake.state.failCommit = true;
    await expect(sink.publish([bar], { rows: 10 })).rejects.toThrow('broker gone');
    expect(fake.log.at(-1)).toBe('abort');
    fake.state.failCommit = false;
    await sink.publish([], { rows: 10 });
    const last = JSON.parse(String(fake.sent.at(-1)!.topicMessages!.at(-1)!.messages[0].value));
    expect(last).toMatchObject({ position: { rows: 10 }, published: 0, rejected: 1 });
  });
});
