import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { HealthController } from './health.controller';
import { StageMetrics } from './stage-metrics';

/** The parts of Express' request and response read here (Nest's default platform). */
interface TimedRequest {
  route?: { path?: string };
}
interface TimedResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

/**
 * md_query_duration_seconds for every API route of a service (the probes and /metrics excluded):
 * from the handler's start to the response's last byte handed to the socket, so a slow query and
 * a slow serialisation of a large answer both show. Labelled by the route's template
 * (`/v1/features/:symbol`, never the symbol: bounded label values) and the status the caller got
 * (400 for a bad parameter, from the exception filters). Requests that match no route are not
 * timed. Registered for all controllers by ObservabilityModule (APP_INTERCEPTOR).
 */
@Injectable()
export class QueryTimingInterceptor implements NestInterceptor {
  constructor(private readonly metrics: StageMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || context.getClass() === HealthController) return next.handle();
    const http = context.switchToHttp();
    const route = http.getRequest<TimedRequest>().route?.path ?? 'unknown';
    const response = http.getResponse<TimedResponse>();
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      this.metrics.queryDuration.observe({ route, status: String(response.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    return next.handle();
  }
}
