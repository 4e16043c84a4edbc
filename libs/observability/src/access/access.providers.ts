import { Logger, type Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ApiAccess } from './api-access';
import { AccessGuard, API_ACCESS, AUDIT_LOG, AuditRowsInterceptor } from './access.guard';
import { AUDIT_SINK, AuditLog, type AuditSink } from './audit-log';
import { openTokenFile } from './token-file';

/** The access and audit settings of commonConfig (libs/config). */
export interface AccessConfig {
  API_TOKENS_FILE?: string;
  API_RATE_LIMIT_PER_SECOND: number;
  API_RATE_LIMIT_BURST: number;
  AUDIT_LOG_FILE?: string;
}

/** A service's API access: the tokens file followed, the guard, the audit log and its row counter. */
export function accessProviders(config: AccessConfig): Provider[] {
  const logger = new Logger('ApiAccess');
  return [
    {
      provide: API_ACCESS,
      useFactory: () => {
        const file = config.API_TOKENS_FILE ? openTokenFile(config.API_TOKENS_FILE) : undefined;
        return new ApiAccess({ tokens: file && (() => file.current()), ratePerSecond: config.API_RATE_LIMIT_PER_SECOND, burst: config.API_RATE_LIMIT_BURST });
      },
    },
    {
      provide: AUDIT_LOG,
      useFactory: (sink?: AuditSink) => new ClosingAuditLog(config.AUDIT_LOG_FILE, sink, (m) => logger.error(m)),
      inject: [{ token: AUDIT_SINK, optional: true }],
    },
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditRowsInterceptor },
  ];
}

/** The audit file is flushed and closed when the service drains (Nest's shutdown hook). */
class ClosingAuditLog extends AuditLog {
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
