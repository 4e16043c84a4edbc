import { ConfigError } from '@md/config';
import { MemoryCheckpointedSink, MemorySink, asCheckpointed } from './index';
import { jobStart, parseJobCheckpoint, type JobCheckpoint } from './job-checkpoint';

const params = { timeframe: '1m', zone: 'UTC' };
const stored = (over: Partial<JobCheckpoint<{ rows: number }>> = {}): JobCheckpoint<{ rows: number }> => ({
  version: 1, job: 'csv|DBB|/data/dbb.csv', params, run: 3, state: 'running', position: { rows: 2000 }, published: 1990, rejected: 10, updatedAt: '2025-01-01T00:00:00Z', ...over,
});

describe('job checkpoint: where a start begins', () => {
  it('starts run 1 from the beginning when nothing is stored', () => {
    expect(jobStart(undefined, params, 'after-clean-stop')).toMatchObject({ run: 1, resumeAt: undefined, done: false, published: 0 });
  });

  it('resumes a running run at its position, with its counts', () => {
    expect(jobStart(stored(), params, 'after-clean-stop')).toMatchObject({ run: 3, resumeAt: { rows: 2000 }, done: false, published: 1990, rejected: 10 });
  });

  it('publishes nothing after a crash that followed the end of a file replay, and replays again after a clean stop', () => {
    expect(jobStart(stored({ state: 'done' }), params, 'after-clean-stop')).toMatchObject({ run: 3, done: true });
    expect(jobStart(stored({ state: 'closed' }), params, 'after-clean-stop')).toMatchObject({ run: 4, resumeAt: undefined, done: false, published: 0 });
  });

  it('keeps a backfill resuming from its position whatever state it is in', () => {
    expect(jobStart(stored({ state: 'done' }), params, 'never')).toMatchObject({ run: 3, resumeAt: { rows: 2000 }, done: false });
  });

  it('starts a file replay read with other parameters again, and refuses them for a named backfill', () => {
    expect(jobStart(stored(), { ...params, zone: 'America/New_York' }, 'after-clean-stop')).toMatchObject({ run: 4, resumeAt: undefined, note: expect.stringContaining('"zone":"UTC"') });
    expect(() => jobStart(stored(), { ...params, zone: 'America/New_York' }, 'never')).toThrow(ConfigError);
  });

  it('reads its own JSON, a tombstone as nothing, and refuses what it cannot read or another job', () => {
    const text = JSON.stringify(stored());
    expect(parseJobCheckpoint('csv|DBB|/data/dbb.csv', text)).toEqual(stored());
    expect(parseJobCheckpoint('csv|DBB|/data/dbb.csv', null)).toBeUndefined();
    expect(() => parseJobCheckpoint('csv|DBB|/data/dbb.csv', '{ not json')).toThrow(/delete it with a tombstone/);
    expect(() => parseJobCheckpoint('other', text)).toThrow(/another job/);
  });
});

describe('checkpointed sinks', () => {
  it('lets a plain sink stand in, starting at the beginning and publishing no empty batch', async () => {
    const plain = new MemorySink();
    const sink = asCheckpointed<{ rows: number }>(plain);
    expect(sink.resumeAt).toBeUndefined();
    await sink.reject({ payload: 'x', reason: 'bad', source: 'f:2' });
    await sink.publish([], { rows: 2 });
    expect([plain.records, plain.rejected.length]).toEqual([[], 1]);
    const checkpointed = new MemoryCheckpointedSink<{ rows: number }>();
    expect(asCheckpointed(checkpointed)).toBe(checkpointed);
  });

  it('commits held dead letters with the next publish, and loses them in a crash before it', async () => {
    const sink = new MemoryCheckpointedSink<{ rows: number }>();
    await sink.reject({ payload: 'a', reason: 'bad', source: 'f:1' });
    expect(sink.rejected).toEqual([]);
    await sink.publish([], { rows: 1 });
    await sink.reject({ payload: 'b', reason: 'bad', source: 'f:2' });
    const restarted = sink.restart();
    expect([restarted.resumeAt, restarted.rejected.map((r) => r.source)]).toEqual([{ rows: 1 }, ['f:1']]);
  });
});
