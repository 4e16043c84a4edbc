import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { type CleanBar, type QualityIssueRecord, TOPICS } from '@md/contracts';
import type { QualityChecksConfig } from '@md/quality';
import { SchemaCodec, endOffsets, readTopicRange } from '@md/kafka';
import {
  committedOffset, dbbRows, exitCode, expectedQualityIssues, finishSliceRun, issueIdentity, metricValue, prepareSliceRun, rowsToCsv,
  rowsToRawBars, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun,
} from '@md/testing';

// Integration: the preprocessor and the quality-monitor are each killed (SIGKILL) mid-stream and
// restarted. Their outputs, read as a read_committed consumer sees them, hold every bar and every
// finding exactly once, equal to what one uninterrupted in-process run produces.

const CHECKS: QualityChecksConfig = {
  missing: { quietGapMinutes: 30 }, outlier: { thresholdSigmas: 10 }, volume: { multiple: 50, minMedianVolume: 1 }, duplicate: {}, zone: {}, providers: { toleranceBps: 10 },
};
const MONITOR_ENV = { QUIET_GAP_MINUTES: '30', OUTLIER_SIGMAS: '10', VOLUME_ANOMALY_MULTIPLE: '50', VOLUME_MIN_MEDIAN: '1' };
// Small transactions, so a kill lands between many commits rather than after the last one.
const SMALL = { MAX_BATCH_RECORDS: '100' };

describe('a restart of the preprocessor or the quality-monitor loses and doubles nothing (integration)', () => {
  let slice: SliceRun;
  const services: RunningService[] = [];
  const start = async (name: 'preprocessor' | 'quality-monitor', env: Record<string, string>, label: string) => {
    const s = await startService(name, env, label);
    services.push(s);
    await waitReady(s);
    return s;
  };
  const kill = async (s: RunningService) => {
    s.process.kill('SIGKILL');
    await s.exited;
  };

  beforeAll(async () => {
    slice = await prepareSliceRun('R');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('keeps bars and findings exactly once across SIGKILLs', async () => {
    const { run: symbol, kafka } = slice;
    const rows = dbbRows('2023-07-10', '2024-06-28');
    const file = join(mkdtempSync(join(tmpdir(), 'md-restart-')), 'bars.csv');
    writeFileSync(file, rowsToCsv(rows));
    const expected = expectedQualityIssues(rowsToRawBars(rows, symbol), CHECKS);
    const [rawStart, barsStart, issuesStart] = await Promise.all([TOPICS.rawBars, TOPICS.bars, TOPICS.qualityIssues].map((t) => endOffsets(kafka, t)));

    const prepEnv = { ...slice.preprocessorEnv, ...SMALL };
    const monitorEnv = { ...slice.qualityEnv, ...MONITOR_ENV, ...SMALL };
    let prep = await start('preprocessor', prepEnv, `test-${symbol}-preprocessor`);
    let monitor = await start('quality-monitor', monitorEnv, `test-${symbol}-quality`);
    const gateway = await startService('feed-gateway', { REPLAY_FILE: file, REPLAY_SYMBOL: symbol, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' }, `test-${symbol}-gateway`);
    expect(await exitCode(gateway)).toBe(0);

    // Kill each stage part-way through, then start it again under the same ids.
    await waitFor('the preprocessor to be part-way through', async () => (await metricValue(prep.port, 'md_records_in_total')) >= 3000, 120_000, 20);
    await kill(prep);
    prep = await start('preprocessor', prepEnv, `test-${symbol}-preprocessor-2`);
    await waitFor('the monitor to be part-way through', async () => (await metricValue(monitor.port, 'md_records_in_total')) >= 6000, 120_000, 20);
    await kill(monitor);
    monitor = await start('quality-monitor', monitorEnv, `test-${symbol}-quality-2`);

    // Done when both groups have committed past the last record of the symbol's partition
    // (md.bars.v1 ends with the preprocessor's last commit marker, hence the - 1).
    const raw = (await readTopicRange(kafka, TOPICS.rawBars, rawStart)).filter((m) => m.key?.toString() === symbol);
    expect(raw).toHaveLength(rows.length);
    const partition = raw[0].partition;
    const rawEnd = BigInt(raw[raw.length - 1].offset) + 1n;
    await waitFor('the preprocessor to finish', async () => (await committedOffset(kafka, slice.preprocessorEnv.GROUP_ID, TOPICS.rawBars, partition)) >= rawEnd, 180_000, 500);
    const barsEnd = BigInt((await endOffsets(kafka, TOPICS.bars)).get(partition)!);
    await waitFor('the monitor to finish', async () =>
      (await committedOffset(kafka, slice.qualityEnv.GROUP_ID, TOPICS.bars, partition)) >= barsEnd - 1n
      && (await committedOffset(kafka, slice.qualityEnv.GROUP_ID, TOPICS.rawBars, partition)) >= rawEnd, 180_000, 500);

    // The kills were mid-stream: each restarted instance had work left.
    expect(await metricValue(prep.port, 'md_records_in_total')).toBeGreaterThan(0);
    expect(await metricValue(monitor.port, 'md_records_in_total')).toBeGreaterThan(0);

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const bars: CleanBar[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.bars, barsStart)) if (m.key?.toString() === symbol) bars.push(await codec.decode<CleanBar>(TOPICS.bars, m.value));
    const times = bars.map((b) => b.eventTime);
    expect(new Set(times).size).toBe(times.length);
    expect(times.length).toBe(new Set(rows.map((r) => r.timestamp)).size);

    const found: QualityIssueRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.qualityIssues, issuesStart)) if (m.key?.toString() === symbol) found.push(await codec.decode<QualityIssueRecord>(TOPICS.qualityIssues, m.value));
    const ids = found.map(issueIdentity).sort();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected.map(issueIdentity).sort());
  });
});
