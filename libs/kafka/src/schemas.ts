import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { topicSpec, type TopicName } from '@md/contracts';

// schemas/ sits at the workspace root; this file runs from libs/contracts/src (ts-jest) or
// dist/libs/contracts/src (built), so look upwards rather than hard-coding a depth.
function findSchemasDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'schemas');
    if (existsSync(join(candidate, 'md.raw.bars.v1.avsc'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`schemas/ not found above ${start}`);
  }
}

let schemasDir: string | undefined;

export function schemasDirectory(): string {
  schemasDir ??= process.env.MD_SCHEMAS_DIR ?? findSchemasDir(__dirname);
  return schemasDir;
}

export interface AvroSchema {
  type: 'record';
  name: string;
  namespace?: string;
  fields: Array<{ name: string; type: unknown; default?: unknown; doc?: string }>;
  [key: string]: unknown;
}

export function loadSchemaFile(file: string): AvroSchema {
  return JSON.parse(readFileSync(join(schemasDirectory(), file), 'utf8')) as AvroSchema;
}

export function valueSchemaOf(topic: TopicName): AvroSchema {
  return loadSchemaFile(topicSpec(topic).valueSchema);
}
