import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICE_PORTS } from '@md/config';
import { TOPICS } from '@md/contracts';
import { httpJson, metricValue, waitFor } from '@md/testing';

const QUALITY = SERVICE_PORTS['quality-monitor'];
const WRITER = SERVICE_PORTS['timescale-writer'];

/** Waits until the quality-monitor has judged every bar and the writer has stored every finding. */
export async function waitForQuality(published: number, cleaned: number): Promise<void> {
  await waitFor('the quality-monitor to check every bar and the writer to store its findings', async () => {
    const rawSeen = await metricValue(QUALITY, 'md_records_in_total', { topic: TOPICS.rawBars });
    const cleanSeen = await metricValue(QUALITY, 'md_records_in_total', { topic: TOPICS.bars });
    const found = await metricValue(QUALITY, 'md_records_out_total', { topic: TOPICS.qualityIssues });
    const stored = await metricValue(WRITER, 'md_records_in_total', { topic: TOPICS.qualityIssues });
    return rawSeen >= published && cleanSeen >= cleaned && stored >= found;
  }, 10 * 60_000, 300);
}

export interface QualitySummary {
  counts: Record<string, number>;
  days: number;
  daysBelowTarget: number;
  worstDay: { date: string; ratio: number } | null;
  files: string[];
}

/** Fetches the report for the replayed range and keeps its Markdown and HTML forms in `dir`. */
export async function qualitySummary(symbol: string, from: string, to: string, dir: string): Promise<QualitySummary> {
  const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&symbols=${symbol}`;
  const { status, body } = await httpJson(WRITER, `/v1/quality/report?${query}`);
  if (status !== 200) throw new Error(`quality report failed (${status}): ${JSON.stringify(body)}`);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const format of ['markdown', 'html'] as const) {
    const file = join(dir, `quality-${symbol}.${format === 'markdown' ? 'md' : 'html'}`);
    writeFileSync(file, String((await httpJson(WRITER, `/v1/quality/report?${query}&format=${format}`)).body));
    files.push(file);
  }
  const days = body.completeness as Array<{ date: string; ratio: number }>;
  const worst = days.reduce<{ date: string; ratio: number } | null>((w, d) => (w === null || d.ratio < w.ratio ? d : w), null);
  return { counts: body.counts, days: days.length, daysBelowTarget: days.filter((d) => d.ratio < 0.999).length, worstDay: worst, files };
}
