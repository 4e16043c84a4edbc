// Backup folders are named by schema and UTC time, `backup-<schema>-YYYYMMDDTHHMMSSZ` (ISO 8601
// basic format: no ':' so the name is valid on every file system, and names of one schema sort in
// time order). Pruning and "restore the newest" go by the name alone, never by file times, which
// a copy to another disk or an object store rewrites.

const NAME = /^backup-([a-z_][a-z0-9_]{0,62})-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const DAY_MS = 86_400_000;
/** The suffix of a backup being written (backup.command.ts renames it when complete). */
export const PARTIAL = '.partial';

export interface BackupName {
  name: string;
  schema: string;
  takenAt: Date;
}

export function backupName(schema: string, at: Date): string {
  return `backup-${schema}-${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** The schema and time a folder name says, or null for anything else in the folder. */
export function parseBackupName(name: string): BackupName | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [, schema, y, mo, d, h, mi, s] = m;
  const takenAt = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  // Date.UTC rolls 2025-02-30 over to March: such a name was not written by us.
  return backupName(schema, takenAt) === name ? { name, schema, takenAt } : null;
}

/**
 * Backups of `schema` older than `keepDays` (daily snapshots kept 30 days: a backup exactly
 * `keepDays` old is kept, so a daily job always leaves `keepDays` + 1 of them), and the `.partial`
 * folders of runs killed before they finished (a deadline, a lost node) once a day old, so no
 * running backup's folder is touched. Another schema's backups and foreign folders never are.
 */
export function expiredBackups(names: readonly string[], schema: string, now: Date, keepDays: number): string[] {
  const kept = now.getTime() - keepDays * DAY_MS;
  const abandoned = now.getTime() - DAY_MS;
  return names
    .filter((name) => {
      const partial = name.endsWith(PARTIAL);
      const backup = parseBackupName(partial ? name.slice(0, -PARTIAL.length) : name);
      return backup !== null && backup.schema === schema && backup.takenAt.getTime() < (partial ? abandoned : kept);
    })
    .sort();
}

/**
 * The newest backup in a folder of them, of `schema` when given; null when there is none. Several
 * schemas and no `schema`: the caller must ask which (`schemas` lists them).
 */
export function newestBackup(names: readonly string[], schema?: string): { name: string | null; schemas: string[] } {
  const backups = names.map(parseBackupName).filter((b): b is BackupName => b !== null && (schema === undefined || b.schema === schema));
  const schemas = [...new Set(backups.map((b) => b.schema))].sort();
  if (schemas.length !== 1) return { name: null, schemas };
  return { name: backups.sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())[0].name, schemas };
}
