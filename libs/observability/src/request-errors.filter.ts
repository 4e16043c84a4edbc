import { Catch, HttpException, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';

/** The fields of an http-errors error (body-parser's, Express' router's) read here. */
interface ClientError {
  status?: unknown;
  type?: unknown;
  message?: string;
  limit?: unknown;
}

/**
 * What a request's own shape got wrong before any route ran, named: body-parser's refusals
 * (https://github.com/expressjs/body-parser#errors; a JSON SyntaxError reaches us as Nest's
 * BadRequestException with JSON.parse's message) and the router's undecodable path value
 * (RFC 3986 §2.1 percent-encoding).
 */
export function describeClientError(err: ClientError, hasBody: boolean): string {
  if (/^Failed to decode param /.test(err.message ?? '')) return `path parameter: not valid percent-encoded UTF-8 (${err.message}): encode the value with encodeURIComponent`;
  switch (err.type) {
    case 'entity.too.large':
      return `request body: larger than the limit of ${err.limit} bytes: ask for fewer items per request`;
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return `request body: ${err.message}: send UTF-8 JSON`;
    case 'request.aborted':
      return 'request body: the client aborted it before the end';
  }
  return hasBody ? `request body: not valid JSON (${err.message}): send a JSON object` : `request: ${err.message ?? 'refused'}`;
}

/**
 * Every service's fallback filter (APP_FILTER, ObservabilityModule). A 4xx raised before any route
 * ran (no `req.route`: the body parsers, the router's path decoding) becomes a JSON answer naming
 * the part of the request at fault, logged at no level: Nest would answer it with the library's
 * bare message and log a too-large body at ERROR, a client's mistake reported as ours. Anything
 * else, 404 for an unknown path included, goes to Nest's own handling.
 */
@Catch()
export class RequestErrorsFilter extends BaseExceptionFilter {
  override catch(err: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http') {
      const http = host.switchToHttp();
      const req = http.getRequest<{ route?: unknown; headers: Record<string, string | string[] | undefined> }>();
      const res = http.getResponse<{ headersSent: boolean; status(code: number): { json(body: unknown): unknown } }>();
      const status = err instanceof HttpException ? err.getStatus() : (err as ClientError | undefined)?.status;
      if (!req.route && !res.headersSent && typeof status === 'number' && status >= 400 && status < 500 && status !== 404) {
        const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
        const message = describeClientError(err as ClientError, hasBody);
        res.status(status).json({ statusCode: status, error: status === 413 ? 'Payload Too Large' : 'Bad Request', message });
        return;
      }
    }
    super.catch(err, host);
  }
}
