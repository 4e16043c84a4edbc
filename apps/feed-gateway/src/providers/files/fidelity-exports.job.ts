import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MICROS_PER_MS } from '@md/market';
import { parseFidelityHistory, parseFidelityPositions, type FidelityImport } from '@md/providers';
import { asCheckpointed, type CanonicalRecord, type JobSink } from '@md/ingest';

// Fidelity has no public API: its account data comes as the CSV files a user downloads from
// fidelity.com (Positions, and Activity & Orders history). This job reads them
// (libs/providers fidelity-exports.ts) and publishes positions to md.positions.v1 and trades to
// md.executions.v1, the topics the Alpaca account connector fills. Every bad row is dead-lettered
// with its file and line. A position's asOf is the file's modification time (when it was
// downloaded): the export states no time of its own.

export interface FidelityExportFiles {
  readonly positionsFile?: string;
  readonly historyFile?: string;
  /** Account number -> alias; the records carry only the alias. */
  readonly accountAliases: Readonly<Record<string, string>>;
  /** Epoch ms for ingest times; injected in tests. */
  readonly now?: () => number;
}

/** The job commits once: how many records it published. */
export interface FidelityPosition {
  records: number;
}

export interface FidelityJobResult {
  positions: number;
  executions: number;
  rejected: number;
  skipped: Record<string, number>;
  published: boolean;
}

/** Publishes both files' records in one batch, dead letters first; resumed after that batch, it publishes nothing again. */
export async function publishFidelityExports(jobSink: JobSink<FidelityPosition>, files: FidelityExportFiles): Promise<FidelityJobResult> {
  const sink = asCheckpointed(jobSink);
  const ingestTime = (files.now ?? Date.now)() * MICROS_PER_MS;
  const options = { accountAliases: files.accountAliases, ingestTime };
  const imports: FidelityImport<CanonicalRecord['value']>[] = [];
  const records: CanonicalRecord[] = [];
  if (files.positionsFile) {
    const asOf = (await stat(files.positionsFile)).mtimeMs * MICROS_PER_MS;
    const parsed = parseFidelityPositions(basename(files.positionsFile), await readFile(files.positionsFile, 'utf8'), { ...options, asOf: Math.floor(asOf) });
    imports.push(parsed);
    records.push(...parsed.records.map((value): CanonicalRecord => ({ kind: 'position', value })));
  }
  if (files.historyFile) {
    const parsed = parseFidelityHistory(basename(files.historyFile), await readFile(files.historyFile, 'utf8'), options);
    imports.push(parsed);
    records.push(...parsed.records.map((value): CanonicalRecord => ({ kind: 'execution', value })));
  }
  const rejected = imports.flatMap((i) => i.rejected);
  const skipped: Record<string, number> = {};
  for (const i of imports) for (const [kind, n] of Object.entries(i.skipped)) skipped[kind] = (skipped[kind] ?? 0) + (n ?? 0);
  const result = {
    positions: records.filter((r) => r.kind === 'position').length, executions: records.filter((r) => r.kind === 'execution').length,
    rejected: rejected.length, skipped,
  };
  if (sink.resumeAt) return { ...result, published: false };
  for (const r of rejected) await sink.reject({ payload: JSON.stringify(r), reason: r.reason, source: `${r.file}:${r.line}` });
  if (records.length + rejected.length > 0) await sink.publish(records, { records: records.length });
  return { ...result, published: true };
}
