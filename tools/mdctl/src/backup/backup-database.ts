import type { Command } from 'commander';
import { z } from 'zod';
import { ConfigError, redactUrl, withFileSecrets } from '@md/config';
import { PgDb, SQL_IDENTIFIER, describePgFailure, isPgConnectFailure } from '@md/storage';
import { databasePassword, parseDatabaseUrl } from '../parse-endpoints';
import { OperationError, UsageError } from '../usage-error';

/**
 * `--database-url`, else DATABASE_URL, else the file DATABASE_URL_FILE names: a scheduled backup
 * reads the URL from the mounted Secret, as the writer does (libs/config NAME_FILE), never from
 * its environment.
 */
export function backupDatabaseUrl(command: Command, what: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = (command.optsWithGlobals() as { databaseUrl?: string }).databaseUrl;
  if (given !== undefined) return parseDatabaseUrl(given, what);
  try {
    return parseDatabaseUrl(withFileSecrets(z.object({ DATABASE_URL: z.string() }), env).DATABASE_URL, what);
  } catch (err) {
    throw err instanceof ConfigError && !(err instanceof UsageError) ? new UsageError(err.message.replace(/^config: /, '')) : err;
  }
}

/** `--db-schema`, else DB_SCHEMA (the writer's variable), else `fallback`. */
export function schemaOption(given: string | undefined, env: NodeJS.ProcessEnv, fallback: string): string {
  const schema = given ?? env.DB_SCHEMA ?? fallback;
  if (!SQL_IDENTIFIER.test(schema)) throw new UsageError(`--db-schema "${schema}" is not a plain lower-case SQL identifier (the writer's DB_SCHEMA, default md)`);
  return schema;
}

/** One connection: a backup is one transaction, a restore one COPY at a time. */
export function openDatabase(url: string): PgDb {
  return new PgDb(url, { max: 1 }, { password: databasePassword(), urlName: '--database-url / DATABASE_URL' });
}

/** A refused or failed connection as one line naming the server; anything else unchanged. */
export function databaseFailure(err: unknown, url: string): unknown {
  if (err instanceof OperationError || err instanceof UsageError) return err;
  if (isPgConnectFailure(err)) return new OperationError(`cannot connect to the database at ${redactUrl(url)}: ${describePgFailure(err)}`, err);
  const e = err as { code?: string; message?: string };
  return e.code ? new OperationError(`the database at ${redactUrl(url)} answered ${e.code}: ${e.message}`, err) : err;
}
