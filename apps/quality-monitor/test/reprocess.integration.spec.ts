import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { TOPICS } from '@md/contracts';
import {
  dbbRows, exitCode, finishSliceRun, mdctl, prepareSliceRun, rowsToCsv, startService, stopService, waitCaughtUp, waitReady, type RunningService, type SliceRun,
} from '@md/testing';

// Integration: real DBB minutes of 2024-04-01..12 through gateway -> preprocessor ->
// quality-monitor (QUIET_GAP_MINUTES=2) -> writer; then `mdctl reprocess --stage quality-monitor`
// of 2024-04-08..10 with QUIET_GAP_MINUTES=6 (generation 1). In the window the stored gaps and
// completeness rows must be those the README's rule gives for 6 minutes, computed here from the
// file's timestamps; the 3..6-minute gaps gone; everything else found again (or, a duplicate,
// carried over) at generation 1; outside the window every row as it was; a second run changes no
// byte.

const FROM = '2024-04-08';
const TO = '2024-04-11';
const [FROM_US, TO_US] = [FROM, TO].map((d) => Date.parse(`${d}T00:00:00Z`) * 1000);
const LIVE_QUIET = 2;
const NEW_QUIET = 6; // the file has 99 runs over 2 minutes in the window, 30 over 6, and 10 of exactly 6 (not "longer than")
const MINUTE_US = 60_000_000;

interface Row { type: string; start: number; end: number; severity: string; evidence: Record<string, any>; detectedAt: string; availableTime: string; generation: number }

/**
 * The README's rule, from the file: per trading day, the regular-session minutes without a bar
 * in runs longer than `quiet` minutes; each run is one missing_bars finding, and the day's
 * completeness counts those runs' minutes missing and the minutes with a bar observed. 2024-04-08..10 are ordinary NYSE days in
 * daylight time: the session is 13:30-20:00 UTC, 390 minutes.
 */
function expectedFindings(quiet: number): { gaps: Array<{ start: number; end: number; minutes: number }>; days: Array<Record<string, unknown>> } {
  const minutes = new Set(dbbRows('2024-04-01', '2024-04-12').map((r) => Date.parse(`${r.timestamp.replace(' ', 'T')}Z`) * 1000));
  const gaps: Array<{ start: number; end: number; minutes: number }> = [];
  const days: Array<Record<string, unknown>> = [];
  for (const date of ['2024-04-08', '2024-04-09', '2024-04-10']) {
    const open = Date.parse(`${date}T13:30:00Z`) * 1000;
    let run: number | null = null;
    let missing = 0;
    let observed = 0;
    for (let t = open; t <= open + 390 * MINUTE_US; t += MINUTE_US) {
      const empty = t < open + 390 * MINUTE_US && !minutes.has(t);
      if (t < open + 390 * MINUTE_US && !empty) observed += 1;
      if (empty && run === null) run = t;
      if (!empty && run !== null) {
        const length = (t - run) / MINUTE_US;
        if (length > quiet) {
          gaps.push({ start: run, end: t, minutes: length });
          missing += length;
        }
        run = null;
      }
    }
    days.push({ date, expectedMinutes: 390, missingMinutes: missing, observedMinutes: observed, ratio: (390 - missing) / 390 });
  }
  return { gaps, days };
}

describe('reprocess re-judges the quality-monitor window under a changed quiet-gap threshold (integration)', () => {
  let slice: SliceRun;
  const services: RunningService[] = [];

  beforeAll(async () => {
    slice = await prepareSliceRun('QR');
    const csv = join(mkdtempSync(join(tmpdir(), 'md-quality-reprocess-')), 'bars.csv');
    // One row sent twice in the window: a duplicate the live monitor reports and the store cannot show again.
    const rows = dbbRows('2024-04-01', '2024-04-12');
    const twice = rows.findIndex((r) => r.timestamp >= '2024-04-09 15:00:00');
    writeFileSync(csv, rowsToCsv([...rows.slice(0, twice + 1), rows[twice], ...rows.slice(twice + 1)]));
    const start = (name: Parameters<typeof startService>[0], env: Record<string, string>) => startService(name, env, `test-${slice.run}-${name}`);
    services.push(
      await start('timescale-writer', slice.writerEnv), await start('preprocessor', slice.preprocessorEnv),
      await start('quality-monitor', { ...slice.qualityEnv, QUIET_GAP_MINUTES: String(LIVE_QUIET) }),
    );
    await Promise.all(services.map((s) => waitReady(s)));
    expect(await exitCode(await start('feed-gateway', { REPLAY_FILE: csv, REPLAY_SYMBOL: slice.run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' }))).toBe(0);
    await settle();
  }, 180_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  /** Every stage has taken everything upstream of it, in pipeline order. */
  async function settle(): Promise<void> {
    const { kafka, preprocessorEnv: p, qualityEnv: q, writerEnv: w } = slice;
    await waitCaughtUp(kafka, p.GROUP_ID, [TOPICS.rawBars]);
    await waitCaughtUp(kafka, q.GROUP_ID, [TOPICS.rawBars, TOPICS.bars]);
    await waitCaughtUp(kafka, w.EVENTS_GROUP_ID, [TOPICS.qualityIssues]);
    await waitCaughtUp(kafka, w.DERIVED_GROUP_ID, [TOPICS.reprocessed]);
  }

  async function stored(): Promise<Row[]> {
    const { rows } = await slice.db.query<Record<string, any>>(
      `SELECT issue_type, (extract(epoch FROM window_start) * 1000000)::bigint::text AS s, (extract(epoch FROM window_end) * 1000000)::bigint::text AS e,
              severity, evidence::text AS evidence, detected_at::text AS d, available_time::text AS a, generation::text AS g
         FROM ${slice.schema}.quality_issues WHERE symbol = $1 AND timeframe = '1m' ORDER BY issue_type, window_start`, [slice.run]);
    return rows.map((r) => ({
      type: r.issue_type, start: Number(r.s), end: Number(r.e), severity: r.severity, evidence: JSON.parse(r.evidence), detectedAt: r.d, availableTime: r.a, generation: Number(r.g),
    }));
  }

  async function md5(): Promise<string> {
    const { rows } = await slice.db.query<{ md5: string }>(
      `SELECT md5(string_agg(q::text, '|' ORDER BY timeframe, issue_type, window_start)) AS md5 FROM ${slice.schema}.quality_issues q WHERE symbol = $1`, [slice.run]);
    return rows[0].md5;
  }

  const reprocess = () => mdctl(['reprocess', '--stage', 'quality-monitor', '--from', FROM, '--to', TO, '--symbols', slice.run,
    '--generation', '1', '--warmup-days', '10', '--db-schema', slice.schema, '--cause', `QUIET_GAP_MINUTES ${LIVE_QUIET} -> ${NEW_QUIET}`],
  { QUIET_GAP_MINUTES: String(NEW_QUIET), DATABASE_URL: LOCAL_STACK.databaseUrl }, 120_000);

  const inWindow = (r: Row) => r.start >= FROM_US && r.start < TO_US;
  const ofType = (rows: Row[], type: string) => rows.filter((r) => r.type === type && inWindow(r));
  const gapsOf = (rows: Row[]) => ofType(rows, 'missing_bars').map((r) => ({ start: r.start, end: r.end, minutes: r.evidence.missingMinutes }));

  it('stores the fresh findings in the window at generation 1, the old ones outside it, and a second run changes nothing', async () => {
    const before = await stored();
    const live = expectedFindings(LIVE_QUIET);
    const fresh = expectedFindings(NEW_QUIET);
    // The live monitor follows the rule as computed here, and the new threshold drops some gaps.
    expect(gapsOf(before)).toEqual(live.gaps);
    expect(ofType(before, 'completeness').map((r) => r.evidence)).toEqual(live.days);
    const dropped = live.gaps.filter((g) => g.minutes <= NEW_QUIET);
    expect(dropped.length).toBeGreaterThan(50);
    expect(ofType(before, 'duplicate')).toHaveLength(1);
    expect(fresh.gaps.length).toBeGreaterThan(20);

    const first = await reprocess();
    expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(new RegExp(`${slice.run}: \\d+ quality issues of generation 1 published .* over 1m \\(found: .*missing_bars ${fresh.gaps.length}[,;].* carried over: 1;`));
    await settle();
    const after = await stored();

    expect(gapsOf(after)).toEqual(fresh.gaps);
    for (const gone of dropped) expect(after.filter((r) => r.type === 'missing_bars' && r.start === gone.start)).toEqual([]);
    expect(ofType(after, 'completeness').map((r) => r.evidence)).toEqual(fresh.days);
    expect(after.filter(inWindow).every((r) => r.generation === 1)).toBe(true);
    expect(ofType(after, 'missing_bars').every((r) => r.evidence.quietGapMinutes === NEW_QUIET)).toBe(true);
    // What the threshold does not touch is found again, the same (the warm-up starts with the
    // slice), and the duplicate is carried over.
    const untouched = (rows: Row[]) => rows.filter((r) => inWindow(r) && r.type !== 'missing_bars' && r.type !== 'completeness').map((r) => [r.type, r.start, r.end, r.evidence]);
    expect(untouched(after)).toEqual(untouched(before));
    // Outside the window every row is as it was, generation 0.
    expect(after.filter((r) => !inWindow(r))).toEqual(before.filter((r) => !inWindow(r)));
    expect(after.filter((r) => !inWindow(r)).every((r) => r.generation === 0)).toBe(true);

    const digest = await md5();
    const second = await reprocess();
    expect(second.code).toBe(0);
    await settle();
    expect(await md5()).toBe(digest);
  });
});
