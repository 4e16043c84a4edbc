import { randomUUID } from 'node:crypto';
import { HttpException, Inject, Injectable, SetMetadata, type CallHandler, type CanActivate, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { HealthController } from '../health.controller';
import { StageMetrics } from '../stage-metrics';
import type { ApiAccess } from './api-access';
import type { ApiScope } from './api-tokens';
import { auditParams, rowsOf, type AuditLog } from './audit-log';

export const API_ACCESS = 'API_ACCESS';
export const AUDIT_LOG = 'AUDIT_LOG';
const SCOPE_KEY = 'md:api-scope';

/** The scope a controller's routes need; `read` where none is set. */
export const RequireScope = (scope: ApiScope) => SetMetadata(SCOPE_KEY, scope);

/** The parts of Express' request and response read here (Nest's default platform). */
interface AccessRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  route?: { path?: string };
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  socket?: { remoteAddress?: string };
}
interface AccessResponse {
  statusCode: number;
  locals: Record<string, unknown>;
  setHeader(name: string, value: string): unknown;
  once(event: 'finish', listener: () => void): unknown;
  json(body: unknown): unknown;
}

const ERROR_NAMES = { 401: 'Unauthorized', 403: 'Forbidden', 429: 'Too Many Requests' } as const;

/**
 * Every API route of a service (the probes and /metrics excluded) behind the bearer tokens of
 * API_TOKENS_FILE: 401 with `WWW-Authenticate` (RFC 6750 §3) without a known token, 403 without
 * the route's scope, 429 with `Retry-After` (RFC 6585 §4) over the token's rate. Each request,
 * answered or refused, is audited when its answer is sent, with the status the caller got.
 * Registered for all controllers by ObservabilityModule (APP_GUARD).
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly metrics: StageMetrics,
    @Inject(API_ACCESS) private readonly access: ApiAccess,
    @Inject(AUDIT_LOG) private readonly audit: AuditLog,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http' || context.getClass() === HealthController) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AccessRequest>();
    const response = http.getResponse<AccessResponse>();
    const time = Date.now();
    const started = process.hrtime.bigint();
    const scope = this.reflector.getAllAndOverride<ApiScope | undefined>(SCOPE_KEY, [context.getHandler(), context.getClass()]) ?? 'read';
    const header = request.headers.authorization;
    const decision = this.access.decide(Array.isArray(header) ? header[0] : header, scope, time);
    response.once('finish', () => {
      const rows = response.locals.auditRows;
      this.audit.record({
        requestId: randomUUID(), time: time * 1000, service: this.metrics.stage, token: decision.token, method: request.method,
        route: request.route?.path ?? 'unknown', params: auditParams(request.params ?? {}, request.query ?? {}), status: response.statusCode,
        rows: typeof rows === 'number' ? rows : null, durationMs: Number(process.hrtime.bigint() - started) / 1e6, remoteAddress: request.socket?.remoteAddress ?? null,
      });
    });
    if (decision.status === 200) return true;
    if (decision.status === 401) response.setHeader('WWW-Authenticate', `Bearer realm="md-platform"${header ? ', error="invalid_token"' : ''}`);
    if (decision.status === 429) response.setHeader('Retry-After', String(decision.retryAfterSeconds));
    throw new HttpException({ statusCode: decision.status, error: ERROR_NAMES[decision.status], message: decision.message }, decision.status);
  }
}

/**
 * Counts the rows of each JSON answer for the audit (APP_INTERCEPTOR; the guard writes the
 * record). At `res.json`, so answers a handler writes itself (@Res) are counted too; a streamed
 * export sets `locals.auditRows` as it goes.
 */
@Injectable()
export class AuditRowsInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || context.getClass() === HealthController) return next.handle();
    const response = context.switchToHttp().getResponse<AccessResponse>();
    const json = response.json.bind(response);
    response.json = (body: unknown) => {
      response.locals.auditRows = rowsOf(body);
      return json(body);
    };
    return next.handle();
  }
}
