import { z } from 'zod';
import { OperationError } from '../usage-error';

// What a backup says about itself (`manifest.json`, written last: a folder without one is not a
// backup). Everything a restore needs to rebuild the schema and to know where Kafka resumes is
// here; the data files hold only rows. Read back through this schema, so a hand-edited or foreign
// file stops the restore with the field at fault instead of half-restoring.

/** Bumped when a field changes meaning; a restore refuses versions it does not know. */
export const MANIFEST_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

// Names spliced into SQL are checked on the way in (a manifest is a file anyone can edit).
const identifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a plain lower-case SQL identifier');
const offset = z.string().regex(/^-?\d{1,19}$/, 'a whole-number offset');
// A monthly range partition's bound as pg_get_expr prints it under TimeZone UTC (partitions.ts).
const partitionBound = z.string().regex(/^FOR VALUES FROM \('[0-9: +-]+'\) TO \('[0-9: +-]+'\)$/, "FOR VALUES FROM ('…') TO ('…')");

const tableSchema = z.object({
  name: identifier,
  /** hypertable: read through the hypertable (chunks decompressed); partitioned: plain PostgreSQL range partitions. */
  kind: z.enum(['table', 'hypertable', 'partitioned']),
  /** Data file beside the manifest: COPY text format, gzip'd. */
  file: z.string().regex(/^[a-z0-9_]+\.copy\.gz$/),
  /** COPY column list, in file order (generated columns excluded: the server computes them). */
  columns: z.array(identifier).min(1),
  rows: z.number().int().min(0),
  /** Of the file as stored (gzip bytes), checked before anything is touched. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Partitioned tables: the partitions to create before the rows arrive (no DEFAULT partition, see partitions.ts). */
  partitions: z.array(z.object({ name: identifier, bound: partitionBound })).default([]),
});

const groupOffsetSchema = z.object({ groupId: z.string().min(1), topic: z.string().min(1), partition: z.number().int().min(0), offset });

export const manifestSchema = z.object({
  format: z.literal('md-backup'),
  formatVersion: z.number().int().min(1),
  createdAt: z.string().datetime(),
  schema: identifier,
  database: z.object({
    /** The layout the schema was built with (schema_migrations.timescale), not merely what the server offers. */
    flavour: z.enum(['timescaledb', 'postgresql']),
    postgresVersion: z.string(),
    timescaleVersion: z.string().nullable(),
  }),
  /** Migration names applied when the backup was taken, in order: a restore applies exactly these. */
  migrations: z.array(z.string().min(1)).min(1),
  tables: z.array(tableSchema),
  /** Sequences (e.g. trades_arrival) as the snapshot read them, so new rows keep numbering after the restored ones. */
  sequences: z.array(z.object({ name: identifier, lastValue: offset, isCalled: z.boolean() })),
  /** Every sink_offsets row of the snapshot: the topic up to here is in the data (sink-offsets.ts). */
  sinkOffsets: z.array(groupOffsetSchema),
  /**
   * The writer's groups and their committed Kafka offsets read just BEFORE the snapshot (null when
   * the broker could not be reached): where a partition has no sink_offsets row, nothing of it was
   * stored before this offset, so the writer may resume there (see restore-offsets.ts).
   */
  writerGroups: z.array(z.object({ variable: z.string(), groupId: z.string().min(1), topics: z.array(z.string().min(1)) })),
  committedBefore: z.array(groupOffsetSchema).nullable(),
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type BackupTable = BackupManifest['tables'][number];
export type GroupOffset = z.infer<typeof groupOffsetSchema>;

/** The manifest in `text`, or one OperationError naming the file, the field and what to do. */
export function parseManifest(text: string, where: string): BackupManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OperationError(`${where} is not JSON (${(err as Error).message}): the backup is damaged; restore another one`, err);
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > MANIFEST_FORMAT_VERSION) {
    throw new OperationError(`${where} has format version ${version}, this mdctl reads up to ${MANIFEST_FORMAT_VERSION}: restore with the mdctl of the release that made the backup`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new OperationError(`${where}: ${issue.path.join('.') || 'manifest'} ${issue.message.toLowerCase()}: the backup is damaged or not an mdctl backup; restore another one`);
  }
  return parsed.data;
}

/**
 * The migration a restore stops after: the backup's last. A name this build does not know means
 * the backup came from a newer schema, whose tables this build cannot create: refused, never
 * guessed (a restore with older DDL would drop columns' data on the floor or fail half-way).
 */
export function restoreTarget(manifest: BackupManifest, known: readonly string[], where: string): string {
  const unknown = manifest.migrations.filter((m) => !known.includes(m));
  if (unknown.length) {
    throw new OperationError(`${where} was made by a newer schema (migration ${unknown.join(', ')}) than this mdctl knows (up to ${known[known.length - 1]}): restore with the mdctl of that release or newer`);
  }
  return [...manifest.migrations].sort().at(-1)!;
}
