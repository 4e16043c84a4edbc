import type { RouteSpec } from './fuzz-routes';
import { OVERSIZE_URL_LENGTH, SAFE_URL_LENGTH, type FuzzRequest } from './fuzz-requests';

// What every answer of the fuzz must be (issue 18 point 2): never 5xx, always in time, and every
// refusal a JSON body whose message names a parameter of the route it reached, in
// parseQuery's form `query parameter <name>[.<index or key>…]: <reason>` (libs/observability
// query-params.ts), <name> one of the route's query parameters, its path parameter or (POST) a
// member of its body. Allowed besides: 404 `Cannot GET <path>` where no route matches (Express
// routing: case-insensitive, a trailing slash ignored), the feature-engine's 404 for a symbol it
// holds no features of, 431 for a URL past Node's 16 KiB header limit, and the refusals made
// before a route's parsing runs, which name the path parameter or the request body.

export interface Outcome {
  status?: number;
  body?: string;
  /** No answer: the deadline passed or the connection failed. */
  error?: string;
  ms: number;
}

const NAMED = /^query parameter ([A-Za-z_$][\w$]*)((?:\.[^.:\s]+)*): \S/;

/** The route Express would run for this method and path (templates in declaration order). */
export function matchRoute(routes: readonly RouteSpec[], req: FuzzRequest): RouteSpec | undefined {
  const path = req.url.split('?')[0];
  return routes.find((r) => r.service === req.service && r.method === req.method && templateRegex(r.path).test(path));
}

function templateRegex(template: string): RegExp {
  const source = template.split('/').map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
  return new RegExp(`^${source}/?$`, 'i');
}

export const namesOf = (route: RouteSpec) => [...Object.keys(route.query), ...(route.pathParam ? [route.pathParam.name] : []), ...(route.bodyParams ?? [])];

export type Verdict = { ok: true } | { ok: false; problem: string };

export function verdict(routes: readonly RouteSpec[], req: FuzzRequest, out: Outcome): Verdict {
  const fail = (problem: string): Verdict => ({ ok: false, problem });
  if (out.error !== undefined || out.status === undefined) return fail(`no answer: ${out.error}`);
  const status = out.status;
  if (status >= 500) return fail(`${status} ${out.body?.slice(0, 300)}`);
  if (status < 400) return { ok: true };
  if (status === 431) return req.url.length > OVERSIZE_URL_LENGTH ? { ok: true } : fail(`431 for a URL of ${req.url.length} characters (under ${SAFE_URL_LENGTH}: must reach the route)`);
  let body: { message?: unknown; statusCode?: unknown };
  try {
    body = JSON.parse(out.body ?? '');
  } catch {
    return fail(`${status} with a body that is not JSON: ${JSON.stringify(out.body?.slice(0, 200))}`);
  }
  const message = typeof body?.message === 'string' ? body.message : undefined;
  if (message === undefined || body.statusCode !== status) return fail(`${status} without a message and matching statusCode: ${out.body?.slice(0, 300)}`);
  const route = matchRoute(routes, req);
  if (status === 404 && message.startsWith(`Cannot ${req.method} `)) return route ? fail(`404 "${message}" for a path the route ${route.path} declares`) : { ok: true };
  if (!route) return fail(`${status} "${message}" for a path no route declares (expected 404 Cannot ${req.method})`);
  if (status === 404 && route.path === '/v1/features/:symbol' && message.startsWith('no features stored for ')) return { ok: true };
  const named = NAMED.exec(message);
  if (named && namesOf(route).includes(named[1])) return { ok: true };
  // Refused before the route's parsing (RequestErrorsFilter): an undecodable path value names the
  // path parameter, a body that is no JSON or too large names the body.
  if (status === 400 && route.pathParam && /^path parameter: not valid percent-encoded UTF-8 /.test(message)) return { ok: true };
  if ((status === 400 || status === 413) && req.body !== undefined && /^request body: /.test(message)) return { ok: true };
  return fail(`${status} "${message.slice(0, 300)}" names no parameter of ${route.method} ${route.path} (${namesOf(route).join(', ')})`);
}

/** A request as a failure line: the URL exactly (long ones cut, with their length), the body's start. */
export function describeRequest(req: FuzzRequest): string {
  const url = req.url.length > 1000 ? `${req.url.slice(0, 1000)}… (${req.url.length} characters)` : req.url;
  const body = req.body === undefined ? '' : ` body(${req.contentType}, ${req.body.length} chars): ${JSON.stringify(req.body.slice(0, 300))}`;
  return `${req.service} ${req.method} ${url}${body}`;
}
