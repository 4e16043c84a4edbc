import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@md/contracts';
import { openTokenFile } from './access/token-file';
import { applyCalendarOverridesFile } from './calendar-overrides-file';

export interface ServiceBoot {
  name: string;
  module: unknown;
  port: number;
  host: string;
  logLevels: string;
  /** Seconds to finish the in-flight batch on SIGTERM before exiting anyway. */
  graceSeconds: number;
}

let shutdownRequested: ((reason: string) => void) | undefined;

/** Lets a part of the service end it the same way SIGTERM does (e.g. a one-shot replay that finished). */
export function requestShutdown(reason: string): void {
  if (shutdownRequested) shutdownRequested(reason);
  else process.exit(0);
}

/**
 * Creates the Nest app, listens, and drains on SIGTERM/SIGINT: app.close() runs each provider's
 * onApplicationShutdown (stop fetching, finish and commit the batch, close clients), then the
 * process exits 0. A drain that overruns the grace period exits 1 rather than hanging a rollout.
 */
export async function bootService(boot: ServiceBoot): Promise<INestApplication> {
  const logger = new Logger(boot.name);
  const app = await NestFactory.create(boot.module as any, {
    logger: boot.logLevels.split(',').map((l) => l.trim()) as LogLevel[],
    abortOnError: false,
  });
  let closing = false;
  shutdownRequested = (reason: string) => {
    if (closing) return;
    closing = true;
    logger.log(`${reason}: draining`);
    setTimeout(() => {
      logger.error(`drain exceeded ${boot.graceSeconds}s, exiting`);
      process.exit(1);
    }, boot.graceSeconds * 1000).unref();
    app.close().then(
      () => process.exit(0),
      (err) => {
        logger.error(`drain failed: ${err?.message ?? err}`);
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => shutdownRequested?.(signal));
  await app.listen(boot.port, boot.host);
  logger.log(`listening on http://${boot.host}:${boot.port} (/health /ready /metrics)`);
  return app;
}

export interface ServiceConfigBase {
  HTTP_PORT: number;
  HTTP_HOST: string;
  LOG_LEVEL: string;
  SHUTDOWN_GRACE_SECONDS: number;
  CALENDAR_OVERRIDES_FILE?: string;
  API_TOKENS_FILE?: string;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * Where the HTTP server listens (issue 18): HTTP_HOST when the API's routes need tokens, else
 * 127.0.0.1 whatever HTTP_HOST says, since an open API must not answer other hosts; and the
 * line that says so at start.
 */
export function listenAddress(httpHost: string, tokensFile: string | undefined): { host: string; level: 'log' | 'warn'; note: string } {
  if (tokensFile) return { host: httpHost, level: 'log', note: `API routes need a bearer token from API_TOKENS_FILE ("${tokensFile}"); every request is audited` };
  if (LOOPBACK.test(httpHost)) return { host: httpHost, level: 'log', note: 'API_TOKENS_FILE is unset: the API routes are open, to this host only; every request is audited' };
  return {
    host: '127.0.0.1',
    level: 'warn',
    note: `API_TOKENS_FILE is unset, so the API routes are open: listening on 127.0.0.1 only, not HTTP_HOST=${httpHost}. Mount a tokens file and set API_TOKENS_FILE to serve other hosts (README, Production)`,
  };
}

/** main.ts in one call: boot with a parsed config, or log why not and exit 1. */
export function runService<C extends ServiceConfigBase>(name: string, config: C, module: unknown): void {
  Promise.resolve().then(() => {
    applyCalendarOverridesFile(config.CALENDAR_OVERRIDES_FILE, name);
    // A bad tokens file stops the start here, with one line, before anything listens.
    if (config.API_TOKENS_FILE) openTokenFile(config.API_TOKENS_FILE);
    const listen = listenAddress(config.HTTP_HOST, config.API_TOKENS_FILE);
    new Logger(name)[listen.level](listen.note);
    return bootService({
      name,
      module,
      port: config.HTTP_PORT,
      host: listen.host,
      logLevels: config.LOG_LEVEL,
      graceSeconds: config.SHUTDOWN_GRACE_SECONDS,
    });
  }).catch((err) => {
    // A config problem found while wiring (a cross-file check, an unreadable spec file) is one
    // line naming what to fix, like a bad variable; anything else is a bug and keeps its stack.
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else new Logger(name).error(err?.stack ?? String(err));
    process.exit(1);
  });
}
