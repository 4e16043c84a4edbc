import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { TOPICS, type QualityIssueRecord } from '@md/contracts';
import { cleanBar } from '@md/market';
import { PriceOutlierDetector, qualityStream, type QualityChecksConfig, type QualityIssue } from '@md/quality';
import { SchemaCodec, endOffsets, readTopicRange } from '@md/kafka';
import {
  dbbRows, exitCode, expectedQualityIssues, finishSliceRun, httpJson, issueIdentity, metricValue, prepareSliceRun, rowsToCsv, rowsToRawBars,
  startService, stopService, waitFor, waitReady, type CsvBarRow, type RunningService, type SliceRun,
} from '@md/testing';

// Integration: real DBB minutes (2024-04-15..2024-05-10) with four planted faults go through
// feed-gateway -> preprocessor -> quality-monitor -> timescale-writer. Each fault is reported
// exactly once with its evidence, and the pipeline's findings equal, identity by identity, what
// the same detectors find in-process (so nothing is lost or doubled on the way).

const CHECKS: QualityChecksConfig = {
  missing: { quietGapMinutes: 30 }, outlier: { thresholdSigmas: 10 }, volume: { multiple: 50, minMedianVolume: 1 }, duplicate: {}, zone: {}, providers: { toleranceBps: 10 },
};
const MONITOR_ENV = { QUIET_GAP_MINUTES: '30', OUTLIER_SIGMAS: '10', VOLUME_ANOMALY_MULTIPLE: '50', VOLUME_MIN_MEDIAN: '1' };
const us = (utc: string) => Date.parse(`${utc.replace(' ', 'T')}Z`) * 1000;
const shiftHours = (ts: string, h: number) => new Date(Date.parse(`${ts.replace(' ', 'T')}Z`) + h * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');

/** The close that sits exactly `sigmas` robust standard deviations above the previous bar's return distribution. */
function spikeClose(symbol: string, rows: CsvBarRow[], index: number, sigmas: number): string {
  const detector = new PriceOutlierDetector(qualityStream(symbol, '1m'), CHECKS.outlier);
  for (const bar of rowsToRawBars(rows.slice(0, index), symbol)) detector.observe(cleanBar(bar));
  const { returns, reference } = detector.toJSON();
  const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  const center = med(returns);
  const scale = Math.max(1.4826 * med(returns.map((r) => Math.abs(r - center))), Math.log(1 + 0.01 / reference!.rawClose));
  return (reference!.rawClose * Math.exp(center + sigmas * scale)).toFixed(8);
}

function plant(symbol: string) {
  const rows = dbbRows('2024-04-15', '2024-05-10');
  const at = (from: string) => rows.findIndex((r) => r.timestamp >= from);
  // 1. a duplicate row (same minute, same values) on 2024-05-01
  const dup = at('2024-05-01 15:00:00');
  rows.splice(dup + 1, 0, { ...rows[dup] });
  // 2. a 45-minute hole inside the regular session of 2024-05-02 (11:00-11:45 New York)
  const gap = { from: '2024-05-02 15:00:00', to: '2024-05-02 15:45:00' };
  const kept = rows.filter((r) => r.timestamp < gap.from || r.timestamp >= gap.to);
  // 3. a 20-sigma close on one bar of 2024-05-03 at 12:00 New York, back to normal on the next
  const spike = kept.findIndex((r) => r.timestamp >= '2024-05-03 16:00:00');
  const close = spikeClose(symbol, kept, spike, 20);
  kept[spike] = { ...kept[spike], close, high: Math.max(Number(kept[spike].high), Number(close)).toFixed(8) };
  // 4. 2024-05-07 written in UTC but labelled New York time: every bar 4 hours late
  const shifted = kept.map((r) => (r.timestamp.startsWith('2024-05-07') ? { ...r, timestamp: shiftHours(r.timestamp, 4) } : r));
  return { rows: shifted, duplicate: kept[dup].timestamp, gap, spike: kept[spike].timestamp };
}

describe('planted faults are each reported once, with evidence (integration)', () => {
  let slice: SliceRun;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('Q');
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  it('finds the duplicate, the gap, the spike and the zone shift, and nothing the detectors would not', async () => {
    const { run: symbol, kafka } = slice;
    const planted = plant(symbol);
    const file = join(mkdtempSync(join(tmpdir(), 'md-planted-')), 'planted.csv');
    writeFileSync(file, rowsToCsv(planted.rows));
    const expected = expectedQualityIssues(rowsToRawBars(planted.rows, symbol), CHECKS);
    const issuesStart = await endOffsets(kafka, TOPICS.qualityIssues);

    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${symbol}-preprocessor`);
    const monitor = await startService('quality-monitor', { ...slice.qualityEnv, ...MONITOR_ENV }, `test-${symbol}-quality`);
    const writer = await startService('timescale-writer', slice.writerEnv, `test-${symbol}-writer`);
    services.push(prep, monitor, writer);
    await Promise.all(services.map((s) => waitReady(s)));
    const gateway = await startService('feed-gateway', { REPLAY_FILE: file, REPLAY_SYMBOL: symbol, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' }, `test-${symbol}-gateway`);
    expect(await exitCode(gateway)).toBe(0);
    await waitFor('the monitor to check every bar and the writer to store its findings', async () =>
      (await metricValue(monitor.port, 'md_records_in_total', { topic: TOPICS.bars })) >= planted.rows.length - 1
      && (await metricValue(writer.port, 'md_records_in_total', { topic: TOPICS.qualityIssues })) >= expected.length, 120_000, 250);

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const found: QualityIssueRecord[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.qualityIssues, issuesStart)) {
      if (m.key?.toString() === symbol) found.push(await codec.decode<QualityIssueRecord>(TOPICS.qualityIssues, m.value));
    }
    // Nothing lost, nothing doubled: the same identities as the in-process run, each once.
    const ids = found.map(issueIdentity).sort();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected.map(issueIdentity).sort());

    const ofType = (type: string) => found.filter((i) => i.type === type);
    const evidence = (i: QualityIssueRecord) => JSON.parse(i.evidence);
    expect(ofType('duplicate')).toHaveLength(1);
    expect(ofType('duplicate')[0].windowStart).toBe(us(planted.duplicate));

    const overGap = ofType('missing_bars').filter((i) => i.windowStart < us(planted.gap.to) && i.windowEnd > us(planted.gap.from));
    expect(overGap).toHaveLength(1);
    expect(overGap[0].windowStart).toBeLessThanOrEqual(us(planted.gap.from));
    expect(overGap[0].windowEnd).toBeGreaterThanOrEqual(us(planted.gap.to));
    expect(evidence(overGap[0]).missingMinutes).toBeGreaterThanOrEqual(45);

    const spikes = ofType('price_outlier').filter((i) => i.windowStart === us(planted.spike));
    expect(spikes).toHaveLength(1);
    expect(evidence(spikes[0]).sigmas).toBeCloseTo(20, 1);
    // The bar after the spike, back at the old level, is not a second finding.
    expect(ofType('price_outlier').filter((i) => i.windowStart === us(planted.spike) + 60_000_000)).toHaveLength(0);

    expect(ofType('zone_mislabel')).toHaveLength(1);
    expect(evidence(ofType('zone_mislabel')[0])).toMatchObject({ expectedOpenLocal: '09:30', observedJumpLocal: '13:30', offsetHours: 4 });

    // The preprocessor passed the duplicated minute on once.
    const stored = await slice.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${slice.schema}.bars WHERE symbol = $1 AND time = $2`, [symbol, new Date(us(planted.duplicate) / 1000)]);
    expect(Number(stored.rows[0].n)).toBe(1);

    // The report shows the same findings; the monitor's own URL redirects to it.
    const query = `from=2024-04-15T00:00:00Z&to=2024-05-11T00:00:00Z&symbols=${symbol}`;
    const report = (await httpJson(writer.port, `/v1/quality/report?${query}`)).body;
    expect(report.counts).toMatchObject({ duplicate: 1, zone_mislabel: 1 });
    expect(report.completeness.length).toBe(expected.filter((i: QualityIssue) => i.type === 'completeness').length);
    const markdown = String((await httpJson(writer.port, `/v1/quality/report?${query}&format=markdown`)).body);
    expect(markdown).toContain(`| ${symbol} | 1m | 2024-05-02 |`);
    expect(markdown).toContain('- zone_mislabel: 1');
    const html = String((await httpJson(writer.port, `/v1/quality/report?${query}&format=html`)).body);
    expect(html).toContain('<h2>Completeness per symbol per day</h2>');
    const redirect = await fetch(`http://127.0.0.1:${monitor.port}/v1/quality/report?${query}`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe(`http://127.0.0.1:3105/v1/quality/report?${query}`);
  });
});
