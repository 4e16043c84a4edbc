import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotThenTail, type SnapshotBar } from '@md-platform/client';
import { LOCAL_STACK } from '@md/config';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';
import {
  exitCode, expectedDbbBars, finishSliceRun, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun,
} from '@md/testing';

// Integration: the client's snapshotThenTail while a replay is still running. The DBB file is
// replayed in two parts: the first is stored and read as the snapshot (pages from the writer's
// read API, with the md.bars.v1 offsets its rows cover); the second is replayed once the snapshot
// has been read, so the tail must carry it from exactly those offsets. The writer is killed and
// restarted during the tail. Every DBB minute must come out once, in order, equal to the file.
// (Replaying all of it at once let a fast machine store everything while the snapshot was paged.)
const PAGE = 997;

function splitFile(dir: string): { first: string; second: string; firstMinutes: number } {
  const [header, ...lines] = readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split(/\r?\n/);
  const cut = Math.floor(lines.length / 2);
  const first = join(dir, 'first.csv');
  const second = join(dir, 'second.csv');
  writeFileSync(first, [header, ...lines.slice(0, cut)].join('\n'));
  writeFileSync(second, [header, ...lines.slice(cut)].join('\n'));
  return { first, second, firstMinutes: expectedDbbBars(first).size };
}

describe('snapshotThenTail over a running replay (integration)', () => {
  const expected = expectedDbbBars();
  let slice: SliceRun;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('T');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s, 'SIGKILL')));
    await finishSliceRun(slice);
  });

  const stored = async () => {
    const { rows } = await slice.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${slice.schema}.bars WHERE symbol = $1`, [slice.run]).catch(() => ({ rows: [{ n: 0 }] }));
    return rows[0].n;
  };
  const replay = (file: string, label: string) => startService('feed-gateway', {
    REPLAY_FILE: file, REPLAY_SYMBOL: slice.run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true',
  }, `test-${slice.run}-gateway-${label}`);

  it('returns every DBB bar exactly once, in order, with the stored values, the writer killed during the tail', async () => {
    const { first, second, firstMinutes } = splitFile(mkdtempSync(join(tmpdir(), 'md-snapshot-tail-')));
    // A partial last page ends the snapshot, so the second part can only come through the tail.
    expect(firstMinutes % PAGE).not.toBe(0);
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${slice.run}-preprocessor`);
    let writer = await startService('timescale-writer', slice.writerEnv, `test-${slice.run}-writer`);
    services.push(prep, writer);
    await Promise.all([waitReady(prep), waitReady(writer)]);
    expect(await exitCode(await replay(first, 'first'))).toBe(0);
    await waitFor('the writer to store the first part', async () => (await stored()) >= firstMinutes, 120_000, 100);

    const abort = new AbortController();
    const received: SnapshotBar[] = [];
    let restarted: Promise<void> | undefined;
    const reading = (async () => {
      for await (const item of snapshotThenTail({
        brokers: [LOCAL_STACK.kafkaBrokers], registryUrl: LOCAL_STACK.registryUrl, readApiUrl: `http://127.0.0.1:${writer.port}`,
        symbol: slice.run, from: new Date('2000-01-01T00:00:00Z'), pageSize: PAGE, signal: abort.signal,
      })) {
        received.push(item);
        if (item.source === 'tail' && !restarted) {
          restarted = (async () => {
            writer.process.kill('SIGKILL');
            await writer.exited;
            writer = await startService('timescale-writer', slice.writerEnv, `test-${slice.run}-writer-after-kill`);
            services.push(writer);
          })();
        }
      }
    })();
    let finished = false;
    reading.then(() => (finished = true), () => (finished = true));
    await waitFor('the snapshot of the first part', () => received.length >= firstMinutes || finished, 120_000, 50);
    const secondReplay = await replay(second, 'second');
    services.push(secondReplay);
    await waitFor('every DBB minute from the snapshot and the tail', () => received.length >= expected.size || finished, 240_000, 100);
    expect(await exitCode(secondReplay)).toBe(0);
    await restarted;
    await waitFor('the restarted writer to store every minute', async () => (await stored()) >= expected.size, 120_000, 250);
    abort.abort();
    await reading;

    const snapshot = received.filter((r) => r.source === 'snapshot').length;
    expect(snapshot).toBe(firstMinutes);
    expect(received.length - snapshot).toBe(expected.size - firstMinutes);
    const times = received.map((r) => r.bar.eventTime.toISOString());
    expect(new Set(times).size).toBe(received.length);
    expect(times).toEqual([...times].sort());
    expect(received.length).toBe(expected.size);
    const differs = received.filter(({ bar }) => {
      const e = expected.get(bar.eventTime.toISOString());
      return !e || e.open !== bar.open || e.high !== bar.high || e.low !== bar.low || e.close !== bar.close || e.volume !== String(bar.volume);
    });
    expect(differs.slice(0, 3)).toEqual([]);
    // The same values as the rows stored in the end (revision and vwap included).
    const { rows } = await slice.db.query<{ time: Date; close: string; vwap: string | null; revision: string }>(
      `SELECT time, close::text, vwap::text, revision::text FROM ${slice.schema}.bars WHERE symbol = $1 ORDER BY time`, [slice.run]);
    expect(rows.map((r) => [r.time.toISOString(), r.close, r.vwap, Number(r.revision)])).toEqual(
      received.map(({ bar }) => [bar.eventTime.toISOString(), bar.close, bar.vwap, bar.revision]));
  });
});
