import { z } from 'zod';
import { ConfigError, withFileSecrets } from '@md/config';
import { redactUrl } from '@md/config';
import { pgPoolConfig } from '@md/storage';
import { UsageError } from './usage-error';

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;

/** `--brokers` / KAFKA_BROKERS: host:port[,host:port…], the services' own format (commonConfig). */
export function parseBrokers(text: string): string[] {
  const brokers = text.split(',').map((b) => b.trim()).filter(Boolean);
  const bad = brokers.find((b) => !HOST_PORT.test(b) || Number(b.slice(b.lastIndexOf(':') + 1)) > 65535);
  if (!brokers.length || bad !== undefined) {
    throw new UsageError(`--brokers "${text}" is not a broker list: use host:port[,host:port…], e.g. 127.0.0.1:9092 (or set KAFKA_BROKERS)`);
  }
  return brokers;
}

/** An http(s) base URL without a trailing slash (`--registry`, `--writer-url`). */
export function parseBaseUrl(text: string, option: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${option} "${redactUrl(text)}" is not a URL: use http://host:port[/path]`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${option} "${redactUrl(text)}" must be an http:// or https:// URL`);
  return text.replace(/\/+$/, '');
}

/**
 * `--database-url` / DATABASE_URL: the PostgreSQL or TimescaleDB server the writer stores into.
 * Required by the commands that read it; the writer's embedded database (its default when it has
 * no DATABASE_URL) lives inside the writer's process and cannot be opened from another one.
 */
export function parseDatabaseUrl(text: string | undefined, command: string): string {
  const url = text?.trim();
  if (!url) {
    throw new UsageError(`${command} reads the writer's database: pass --database-url postgres://user@host:5432/db or set DATABASE_URL `
      + "(a writer without DATABASE_URL keeps an embedded database that only its own process can open)");
  }
  if (!/^postgres(ql)?:\/\/[^\s]+$/.test(url)) throw new UsageError(`--database-url "${redactUrl(url)}" is not a postgres:// URL (postgres://user@host:5432/db)`);
  try {
    // TLS parameters (sslmode, sslrootcert …) checked as the writer checks them: a bad one is a usage error.
    pgPoolConfig(url, { urlName: '--database-url / DATABASE_URL' });
  } catch (err) {
    throw err instanceof ConfigError ? new UsageError(err.message.replace(/^config: /, '')) : err;
  }
  return url;
}

/** A secret NAME, or the file NAME_FILE names, as the services read them (both set: a usage error); undefined when neither. */
export function envSecret(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    return withFileSecrets(z.object({ [name]: z.string() }), env)[name] || undefined;
  } catch (err) {
    throw err instanceof ConfigError ? new UsageError(err.message.replace(/^config: /, '')) : err;
  }
}

/** DATABASE_PASSWORD, or the file DATABASE_PASSWORD_FILE names, as the writer reads them. */
export const databasePassword = (env: NodeJS.ProcessEnv = process.env) => envSecret('DATABASE_PASSWORD', env);
