import type { CleanBar } from '@md/contracts';
import { cleanBar, newYorkClock } from '@md/market';
import { CleanBarChecks, qualityStream } from '@md/quality';
import { dbbRows, rowsToRawBars } from '@md/testing';
import { QualityConfig } from './config';
import { checksConfig, cleanBarFindings } from './findings';

const config = QualityConfig.parse({ QUIET_GAP_MINUTES: '5', QUIET_GAP_MINUTES_BY_SYMBOL: 'XYZ=45' });
const checks = checksConfig(config, 'DBB');
// Real DBB minutes of 2024-04-01..05 (New York dates), as the preprocessor passes them on.
const bars: CleanBar[] = rowsToRawBars(dbbRows('2024-04-01', '2024-04-06'), 'DBB').map((b) => cleanBar(b)).filter((b) => newYorkClock(b.eventTime).date <= '2024-04-05');
const onDays = (from: string, to: string) => bars.filter((b) => newYorkClock(b.eventTime).date >= from && newYorkClock(b.eventTime).date <= to);

/** 04-02..03 as a preprocessor reprocess could restate them: generation 1, every third minute gone, one close 1.5x late on 04-03. */
const restated = onDays('2024-04-02', '2024-04-03')
  .filter((_, i) => i % 3 !== 0)
  .map((b, i, all) => (i === all.length - 20 ? { ...b, close: (Number(b.close) * 1.5).toFixed(8), high: (Number(b.high) * 1.5).toFixed(8) } : b))
  .map((b) => ({ ...b, generation: 1 }));

describe('what the live checks do with a restated window', () => {
  it('finds nothing in bars older than the stream last one, whatever their generation, and keeps the stream state', () => {
    const live = CleanBarChecks.fromJSON(qualityStream('DBB', '1m'), checks);
    expect(bars.flatMap((b) => cleanBarFindings(live, b)).length).toBeGreaterThan(0);
    const before = JSON.stringify(live.toJSON());
    expect(restated.flatMap((b) => cleanBarFindings(live, b))).toEqual([]);
    expect(JSON.stringify(live.toJSON())).toBe(before);
  });

  it('would find gaps and outliers in the same bars as a stream that had not seen them (so the test above can fail)', () => {
    const fresh = CleanBarChecks.fromJSON(qualityStream('DBB', '1m'), checks);
    const found = [...onDays('2024-04-01', '2024-04-01'), ...restated].flatMap((b) => cleanBarFindings(fresh, b));
    expect(found.filter((i) => i.type === 'missing_bars').length).toBeGreaterThan(10);
    expect(found.filter((i) => i.type === 'price_outlier').length).toBeGreaterThan(0);
  });
});

describe('cleanBarFindings', () => {
  it('adds one completeness row per finished day, on the first bar of the next day, midnight to midnight New York', () => {
    const stream = CleanBarChecks.fromJSON(qualityStream('DBB', '1m'), checks);
    const rows = onDays('2024-04-01', '2024-04-03').flatMap((b) => cleanBarFindings(stream, b).map((i) => ({ ...i, at: b.eventTime }))).filter((i) => i.type === 'completeness');
    // 04-01 is the stream's first, partial day: not scored.
    expect(rows.map((r) => r.evidence.date)).toEqual(['2024-04-02']);
    expect(newYorkClock(rows[0].windowStartUs)).toMatchObject({ date: '2024-04-02', minute: 0 });
    expect(rows[0].windowEndUs - rows[0].windowStartUs).toBe(86_400_000_000);
    expect(newYorkClock(rows[0].at).date).toBe('2024-04-03');
  });
});

describe('checksConfig', () => {
  it('takes a per-symbol quiet gap over the default', () => {
    expect(checksConfig(config, 'XYZ').missing.quietGapMinutes).toBe(45);
    expect(checks.missing.quietGapMinutes).toBe(5);
    expect(checks.outlier.thresholdSigmas).toBe(10);
  });

  it('uses the learned profile and the robust volume rule when no deprecated threshold is set', () => {
    const plain = checksConfig(QualityConfig.parse({}), 'DBB');
    expect(plain.missing).toMatchObject({ quietGapMinutes: undefined, falseAlarmDays: 1000 });
    expect(plain.volume).toMatchObject({ multiple: undefined, sigmas: 3.6 });
  });
});
