import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@md/testing';
import { MDCTL_ENV, MDCTL_GROUP_VARIABLES } from './service-configs';

// MDCTL_ENV is written by hand (mdctl has no zod config to take it from): this keeps it in step with
// mdctl's source, so the CronJob check never refuses a variable mdctl has started to read.
const MDCTL_SRC = join(repoRoot(__dirname), 'tools', 'mdctl', 'src');
// `env.NAME` or `process.env.NAME` read, not assigned (kafka-admin.ts sets KAFKAJS_NO_PARTITIONER_WARNING).
// Also a secret read through envSecret('NAME') (parse-endpoints.ts: NAME or NAME_FILE).
const READ = /\benv\.([A-Z][A-Z0-9_]*)\b(?!\s*(?:\?\?|\|\|)?=(?!=))|\benvSecret\('([A-Z][A-Z0-9_]*)'/g;

const sources = (): string[] =>
  (readdirSync(MDCTL_SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts')).map((f) => join(MDCTL_SRC, f));

describe('the variables mdctl reads', () => {
  it('lists every variable mdctl\'s source reads (NAME_FILE as NAME)', () => {
    const read = new Set(sources().flatMap((file) => Array.from(readFileSync(file, 'utf8').matchAll(READ), (m) => (m[1] ?? m[2]).replace(/_FILE$/, ''))));
    expect([...read]).toEqual(expect.arrayContaining(['DB_SCHEMA', 'KAFKA_BROKERS', 'MD_API_TOKEN', 'DATABASE_PASSWORD']));
    expect([...read].filter((name) => !MDCTL_ENV.includes(name)).sort()).toEqual([]);
  });

  it('takes every group variable of the writer as --group VAR=id', () => {
    expect([...MDCTL_GROUP_VARIABLES].sort()).toEqual(['DERIVED_GROUP_ID', 'EVENTS_GROUP_ID', 'GROUP_ID', 'RAW_GROUP_ID', 'TRADING_GROUP_ID']);
  });
});
