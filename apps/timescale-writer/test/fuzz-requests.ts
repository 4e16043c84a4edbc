import fc from 'fast-check';
import type { Seeded } from './fuzz-seed';
import { hostileValue, validValue, type RouteSpec, type ServiceUnderFuzz } from './fuzz-routes';
import { hostileText, type Value } from './fuzz-values';

// Requests of the read API fuzz test, drawn with fast-check: for each parameter of a route a
// valid-looking value (most of the time), a hostile one, or none; then, on some requests, extra
// parameters the route does not expect: unknown names, repeats (Express makes an array of them),
// bracket and prototype names, empty keys and values, hostile keys.

export interface FuzzRequest {
  service: ServiceUnderFuzz;
  method: 'GET' | 'POST';
  /** Path and query string exactly as sent. */
  url: string;
  body?: string;
  contentType?: string;
}

type Pair = [key: Value, value?: Value];

/**
 * Node's HTTP server answers 431 without parsing when the request line and headers pass
 * http.maxHeaderSize (16 KiB; the writer does not change it). URLs are kept clearly below or
 * clearly above it, so the check can tell which answer is due.
 */
export const SAFE_URL_LENGTH = 15_000;
export const OVERSIZE_URL_LENGTH = 17_000;
/**
 * Longer ones are cut here: the server reads up to 64 KiB at a time, and a refused request with
 * bytes still unread is closed with a TCP reset, which can overtake its own 431 on the way back.
 */
const MAX_URL_LENGTH = 48 * 1024;

const encode = (v: Value) => (v.raw ? v.text : encodeURIComponent(v.text));
const t = (text: string): Value => ({ text });

function withQuery(path: string, pairs: readonly Pair[]): string {
  const query = pairs.map(([k, v]) => (v === undefined ? encode(k) : `${encode(k)}=${encode(v)}`)).join('&');
  const url = query ? `${path}?${query}` : path;
  // Between the two bounds: padded past the upper one with a parameter no route reads.
  if (url.length > SAFE_URL_LENGTH && url.length <= OVERSIZE_URL_LENGTH) return `${url}${query ? '&' : '?'}pad=${'x'.repeat(OVERSIZE_URL_LENGTH - url.length)}`;
  return url.slice(0, MAX_URL_LENGTH);
}

/** One route's own parameters: omitted, valid-looking or hostile, each on its own. */
function ownParameters(route: RouteSpec, s: Seeded, corpus: readonly string[]): fc.Arbitrary<Pair[]> {
  const each = Object.entries(route.query).map(([name, spec]) =>
    fc.oneof(
      { arbitrary: fc.constant<Pair[]>([]), weight: spec.required ? 1 : 3 },
      { arbitrary: validValue(spec.type, s).map((v): Pair[] => [[t(name), t(v)]]), weight: 12 },
      { arbitrary: hostileValue(spec.type, s, corpus).map((v): Pair[] => [[t(name), v]]), weight: 5 },
    ));
  return each.length ? fc.tuple(...each).map((groups) => groups.flat()) : fc.constant([]);
}

const PROTOTYPE_KEYS: Pair[] = [
  [t('__proto__'), t('x')], [t('__proto__[polluted]'), t('1')], [t('constructor[prototype][polluted]'), t('1')], [t('hasOwnProperty'), t('1')],
  [t('toString'), t('x')], [t('valueOf'), t('1')], [t('constructor'), t('x')],
];

/** Parameters a route does not expect, on about two requests in five. */
function extraParameters(route: RouteSpec, s: Seeded, corpus: readonly string[]): fc.Arbitrary<Pair[]> {
  const names = Object.keys(route.query);
  const own = names.length ? names : ['symbol'];
  const repeated = names.length
    ? fc.constantFrom(...Object.entries(route.query)).chain(([name, spec]) => fc.array(validValue(spec.type, s), { minLength: 1, maxLength: 2 }).map((vs) => vs.map((v): Pair => [t(name), t(v)])))
    : fc.constant<Pair[]>([[t('symbol'), t('A')], [t('symbol'), t('B')]]);
  const one: fc.Arbitrary<Pair[]> = fc.oneof(
    fc.tuple(fc.constantFrom('foo', 'SYMBOL', 'Symbol', 'limit ', 'callback', 'sort', '_', '$where', 'select', 'x'.repeat(300)), hostileText(corpus)).map(([k, v]): Pair[] => [[t(k), v]]),
    repeated,
    fc.tuple(fc.constantFrom(...own), fc.constantFrom('[a]', '[]', '[0]', '[__proto__]', '[constructor][prototype]', '[a][b][c][d][e][f]', '.a', '[length]'))
      .map(([n, b]): Pair[] => [[t(`${n}${b}`), t('x')]]),
    fc.constantFrom(...PROTOTYPE_KEYS).map((p) => [p]),
    fc.constantFrom<Pair[]>([[t(''), t('x')]], [[t(own[0])]], [[t('')]], [[t(own[0]), t('')]], [[{ text: '%ZZ', raw: true }, t('1')]], [[{ text: '&&', raw: true }]]),
    hostileText(corpus).map((k): Pair[] => [[k, t('1')]]),
  );
  return fc.oneof({ arbitrary: fc.constant<Pair[]>([]), weight: 3 }, { arbitrary: fc.array(one, { minLength: 1, maxLength: 3 }).map((x) => x.flat()), weight: 2 });
}

/** The path of a route, its parameter valid-looking or hostile (an empty one leaves the template's parent path). */
function routePath(route: RouteSpec, s: Seeded, corpus: readonly string[]): fc.Arbitrary<string> {
  const param = route.pathParam;
  if (!param) return fc.constant(route.path);
  const value = fc.oneof({ arbitrary: validValue(param.type, s).map(t), weight: 3 }, { arbitrary: hostileValue(param.type, s, corpus), weight: 2 });
  return value.map((v) => route.path.replace(`:${param.name}`, encode(v)));
}

/** Random GET requests of one route. */
export function routeRequests(route: RouteSpec, s: Seeded, corpus: readonly string[]): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(routePath(route, s, corpus), ownParameters(route, s, corpus), extraParameters(route, s, corpus), fc.boolean())
    .map(([path, own, extra, extrasFirst]) => ({ service: route.service, method: route.method, url: withQuery(path, extrasFirst ? [...extra, ...own] : [...own, ...extra]) }));
}

/** Random bodies of POST /v1/features/batch: valid-looking keys, hostile members, wrong shapes, too many keys, any JSON at all. */
export function batchRequests(s: Seeded, corpus: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const odd = fc.oneof(fc.integer(), fc.constant(null), fc.constant([]), fc.constant({}), fc.boolean(), fc.double());
  const member = fc.oneof(
    { arbitrary: validValue({ kind: 'symbol' }, s), weight: 4 },
    { arbitrary: hostileText(corpus).map((v) => v.text), weight: 3 },
    { arbitrary: odd, weight: 1 },
  );
  const timeframe = fc.oneof(fc.constantFrom('1m', '5m', '15m', '1h', '1d'), hostileText(corpus).map((v) => v.text), odd);
  const key = fc.record({ symbol: member, timeframe }, { requiredKeys: ['symbol'] });
  const body = fc.oneof(
    { arbitrary: fc.array(key, { minLength: 1, maxLength: 20 }).map((keys) => JSON.stringify({ keys })), weight: 6 },
    { arbitrary: fc.integer({ min: 1001, max: 1300 }).map((n) => JSON.stringify({ keys: Array.from({ length: n }, () => ({ symbol: s.symbol })) })), weight: 1 },
    {
      arbitrary: fc.constantFrom('{}', '{"keys":[]}', '{"keys":"x"}', '{"keys":{"0":{"symbol":"DBB"}}}', '{"keys":null}', '{"keys":[null]}', '{"keys":[[]]}',
        '{"keys":[{"symbol":"DBB","timeframe":null}]}', '{"__proto__":{"keys":[{"symbol":"DBB"}]}}', '{"constructor":{"prototype":{"keys":1}}}',
        '{"keys":[{"symbol":"DBB","__proto__":{"timeframe":"1d"}}]}', '{"keys":[{"symbol":"DBB"}],"keys":[{"symbol":"x"}]}'),
      weight: 2,
    },
    { arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })).map((o) => JSON.stringify(o)), weight: 1 },
  );
  return body.map((b) => ({ service: 'feature-engine', method: 'POST', url: '/v1/features/batch', body: b, contentType: 'application/json' }));
}

/** Paths no route of the service answers (or, where routing ignores case or a trailing slash, one does: the check matches them as Express does). */
export function offRouteRequests(service: ServiceUnderFuzz, corpus: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const paths = ['/v1', '/v1/', '/v1/bar', '/v1/bars/x/y', '/v1/orders/a/b', '/v2/bars', '/v1/%2e%2e/health', '/v1/bars%00', '/v1/../metrics', '//v1/bars', '/v1//bars',
    '/v1/bars;x', '/V1/BARS', '/v1/bars/', '/v1/features/a/b', '/v1/quality', '/v1/%', '/v1/%E0%A4%A', '/v1/orders/', '/v1/features/'];
  return fc.tuple(fc.constantFrom(...paths), fc.array(fc.tuple(hostileText(corpus), hostileText(corpus)), { maxLength: 2 }))
    .map(([path, pairs]) => ({ service, method: 'GET', url: withQuery(path, pairs.map(([k, v]): Pair => [k, v])) }));
}
