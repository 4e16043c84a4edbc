import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@md/contracts';
import {
  GENERATED_COLUMNS, finishSliceRun, httpJson, metricValue, prepareSliceRun, startService, stopService, waitCaughtUp, waitFor, waitReady,
  type RunningService, type ServiceName,
} from '@md/testing';
import type { StageRates } from './capacity';
import { summarizeProfile } from './cpu-profile';

// Where the time goes (issue 14, goal 6): the five bar stages over the same replay, each as its
// own process. CPU seconds per stage are the processes' own counters (prom-client's
// process_cpu_seconds_total: user + system), taken after boot and after the last record; the
// gateway's boot, which overlaps its replay, is measured on an idle gateway and subtracted. The
// parts of each stage's time come from the V8 CPU profile it writes on exit (cpu-profile.ts).

export interface StageRow {
  stage: ServiceName;
  /** Input records the stage took (bars, and for the feature-engine and writer the feature vectors too). */
  records: number;
  cpuSeconds: number;
  /** Replayed bars per CPU-second: the unit the capacity plan scales by. */
  barsPerCore: number;
  recordsPerCore: number;
  parts: Array<[string, number]>;
}

const CPU = 'process_cpu_seconds_total';
const CONSUMERS: ServiceName[] = ['preprocessor', 'timescale-writer', 'feature-engine', 'quality-monitor'];

/** Replays `count` bars of `file` through gateway, preprocessor, writer, feature-engine and quality-monitor. */
export async function stageTable(file: string, count: number, databaseUrl: string): Promise<StageRow[]> {
  const slice = await prepareSliceRun('STAGES');
  const profiles = mkdtempSync(join(tmpdir(), 'md-bench-profiles-'));
  const running: RunningService[] = [];
  try {
    const bootCpu = await idleGatewayCpu();
    const env: Record<string, Record<string, string>> = {
      preprocessor: slice.preprocessorEnv, 'timescale-writer': { ...slice.writerEnv, DATABASE_URL: databaseUrl },
      'feature-engine': slice.featureEnv, 'quality-monitor': slice.qualityEnv,
    };
    for (const name of CONSUMERS) running.push(await startService(name, { ...env[name], MD_CPU_PROFILE_DIR: profiles }, `${slice.run}-${name}`));
    await Promise.all(running.map((s) => waitReady(s)));
    const before = await Promise.all(running.map((s) => metricValue(s.port, CPU)));
    const gateway = await startService('feed-gateway', {
      REPLAY_FILE: file, REPLAY_ZONE: 'UTC', REPLAY_COLUMNS: JSON.stringify(GENERATED_COLUMNS), MD_CPU_PROFILE_DIR: profiles,
    }, `${slice.run}-feed-gateway`);
    running.push(gateway);
    await waitFor('the replay to be published', async () => (await httpJson(gateway.port, '/v1/replay')).body?.state === 'done', 60 * 60_000, 500);
    const { kafka, preprocessorEnv: p, writerEnv: w, featureEnv: f, qualityEnv: q } = slice;
    for (const [group, topics] of [
      [p.GROUP_ID, [TOPICS.rawBars]], [q.GROUP_ID, [TOPICS.rawBars, TOPICS.bars]], [f.GROUP_ID, [TOPICS.bars]], [w.GROUP_ID, [TOPICS.bars]],
      [f.REDIS_GROUP_ID, [TOPICS.features]], [w.DERIVED_GROUP_ID, [TOPICS.features]],
    ] as Array<[string, string[]]>) await waitCaughtUp(kafka, group, topics, 60 * 60_000);
    const rows: Array<Omit<StageRow, 'parts'>> = [];
    for (const [i, s] of running.entries()) {
      const cpuSeconds = (await metricValue(s.port, CPU)) - (s === gateway ? bootCpu : before[i]);
      const records = await metricValue(s.port, 'md_records_in_total');
      rows.push({ stage: s.name, records, cpuSeconds, barsPerCore: count / cpuSeconds, recordsPerCore: records / cpuSeconds });
    }
    await Promise.all(running.splice(0).map((s) => stopService(s)));
    return rows.map((r) => ({ ...r, parts: summarizeProfile(join(profiles, `${slice.run}-${r.stage}.cpuprofile`)).parts }));
  } finally {
    await Promise.all(running.map((s) => stopService(s)));
    await finishSliceRun(slice);
    rmSync(profiles, { recursive: true, force: true });
  }
}

/** CPU seconds a gateway spends booting to ready with nothing to do. */
async function idleGatewayCpu(): Promise<number> {
  const gateway = await startService('feed-gateway', {}, 'bench-idle-gateway');
  try {
    await waitReady(gateway);
    return await metricValue(gateway.port, CPU);
  } finally {
    await stopService(gateway);
  }
}

const ORDER: ServiceName[] = ['feed-gateway', 'preprocessor', 'timescale-writer', 'feature-engine', 'quality-monitor'];

export function formatStageTable(rows: StageRow[], bars: number): string[] {
  const sorted = [...rows].sort((a, b) => ORDER.indexOf(a.stage) - ORDER.indexOf(b.stage));
  return [
    `stages: ${bars} bars through each stage as its own process; CPU = the process's user+system seconds after boot`,
    '  stage              records in   CPU s   bars/s per core   records/s per core   where the time goes (share of profiled CPU)',
    ...sorted.map((r) => `  ${r.stage.padEnd(18)} ${String(r.records).padStart(10)} ${r.cpuSeconds.toFixed(1).padStart(7)} ${Math.round(r.barsPerCore).toString().padStart(17)} ` +
      `${Math.round(r.recordsPerCore).toString().padStart(20)}   ${r.parts.map(([part, share]) => `${part} ${(share * 100).toFixed(0)}%`).join(', ')}`),
  ];
}

/** The table as the capacity plan's input: records taken per CPU-second, per stage. */
export function stageRates(rows: StageRow[]): StageRates {
  const rate = (stage: ServiceName) => rows.find((r) => r.stage === stage)!.recordsPerCore;
  return { gateway: rate('feed-gateway'), preprocessor: rate('preprocessor'), writer: rate('timescale-writer'), featureEngine: rate('feature-engine'), qualityMonitor: rate('quality-monitor') };
}
