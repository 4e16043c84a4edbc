import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dbbFilePath, repoRoot } from '@md/testing';

export interface Sample {
  file: string;
  symbol: string;
  zone: string;
  rows: number;
}

/** The file the quick start replays: MD_SAMPLE_FILE, else the shared DBB file, else the bundled excerpt. */
export function chooseSample(): Sample {
  const candidates = [process.env.MD_SAMPLE_FILE, dbbFilePath(), join(repoRoot(), 'samples/DBB_1min_2023-07-10_excerpt.csv')];
  const file = candidates.find((f): f is string => !!f && existsSync(f));
  if (!file) throw new Error(`no sample file found (tried ${candidates.filter(Boolean).join(', ')})`);
  const rows = readFileSync(file, 'utf8').trim().split(/\r?\n/).length - 1;
  return { file, symbol: process.env.MD_SAMPLE_SYMBOL ?? 'DBB', zone: process.env.MD_SAMPLE_ZONE ?? 'UTC', rows };
}
