import { existsSync, readFileSync } from 'node:fs';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';

export interface Sample {
  file: string;
  symbol: string;
  zone: string;
  rows: number;
}

/** The file the quick start replays: MD_SAMPLE_FILE, else the vendored two-year DBB file (fixtures/). */
export function chooseSample(): Sample {
  const file = process.env.MD_SAMPLE_FILE ?? fixturePath(DBB_MINUTE_FILE);
  if (!existsSync(file)) throw new Error(`sample file ${file} not found: set MD_SAMPLE_FILE to a bar CSV, or restore fixtures/ from the repository`);
  const rows = readFileSync(file, 'utf8').trim().split(/\r?\n/).length - 1;
  return { file, symbol: process.env.MD_SAMPLE_SYMBOL ?? 'DBB', zone: process.env.MD_SAMPLE_ZONE ?? 'UTC', rows };
}
