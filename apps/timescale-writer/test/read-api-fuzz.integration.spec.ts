import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import Redis from 'ioredis';
import { z } from 'zod';
import { LOCAL_STACK } from '@md/config';
import { fixturePath } from '@md/fixtures';
import { finishSliceRun, httpJson, prepareSliceRun, repoRoot, startService, stopService, waitReady, type RunningService, type SliceRun } from '@md/testing';
import * as read from '../src/read-api.schemas';
import * as trading from '../src/trading-api.schemas';
import { sendAll } from './fuzz-client';
import { describeRequest, verdict, type Outcome } from './fuzz-check';
import { fixedCases } from './fuzz-cases';
import { batchRequests, offRouteRequests, routeRequests, type FuzzRequest } from './fuzz-requests';
import { FEATURE_ROUTES, MAX_ROWS, WRITER_ROUTES, type RouteSpec, type ServiceUnderFuzz } from './fuzz-routes';
import { seedFeatureStore, seedWriter, type Seeded } from './fuzz-seed';
import { corpusStrings } from './fuzz-values';

// Integration, issue 18 point 2: more than 10,000 random and hostile requests to every /v1 route
// of a real timescale-writer (its own schema, a session of real DBB minutes and a row of each
// other table stored first) and of a real feature-engine (a key in its Redis store): long
// strings, injection attempts, NUL and control characters, Unicode oddities, broken
// percent-encoding, bad and extreme dates, huge limits, repeated, bracketed, unknown and empty
// parameters, bad path parameters and request bodies. No answer may be a 5xx or come late, and
// every refusal must name a parameter of its route (fuzz-check.ts says exactly what passes).
// The draw is fixed by the seed; MD_FUZZ_SEED=<n> draws another set, MD_FUZZ_SHOW=<n> lists n
// failures instead of the first 20.

const SEED = Number(process.env.MD_FUZZ_SEED ?? 1802);
const PER_WRITER_ROUTE = 600;
const PER_FEATURE_ROUTE = 300;
const OFF_ROUTE = 60;
const SHOW = Number(process.env.MD_FUZZ_SHOW ?? 20);
// 8 in flight keep both services busy on two cores; more only queue (measured: 6, 12 and 20 took as long).
const SEND = { concurrency: 8, deadlineMs: 10_000, maxUnanswered: 5 };
const CORPUS_FILE = 'fuzz/blns.txt';
const ROUTES = [...WRITER_ROUTES, ...FEATURE_ROUTES];

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
/** Lines Nest's logger wrote at level ERROR (not request text that happens to hold the word, such as an audit line's). */
const errorLines = (service: RunningService) => stripAnsi(readFileSync(service.logFile, 'utf8')).split('\n').filter((l) => /^\[Nest\] \d+ +- [^[]*? ERROR \[/.test(l));

/** `METHOD /path` of every route the services' controllers declare (@Controller prefix + @Get/@Post path). */
function declaredRoutes(app: string): string[] {
  const dir = join(repoRoot(), 'apps', app, 'src');
  return readdirSync(dir).filter((f) => f.endsWith('.controller.ts')).flatMap((file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    const prefix = /@Controller\('([^']*)'\)/.exec(source)?.[1] ?? '';
    return [...source.matchAll(/@(Get|Post|Put|Patch|Delete)\((?:'([^']*)')?\)/g)].map(([, verb, path]) => `${verb.toUpperCase()} /${[prefix, path].filter(Boolean).join('/')}`);
  });
}

/** Each writer route's zod schema, as its controller parses it. */
const WRITER_SCHEMAS: Record<string, z.ZodTypeAny> = {
  '/v1/bars': read.barsQuery(MAX_ROWS), '/v1/bars/latest': read.latestQuery, '/v1/bars/summary': read.summaryQuery, '/v1/bars/snapshot': read.snapshotQuery(MAX_ROWS),
  '/v1/options/chain': read.chainQuery(MAX_ROWS), '/v1/corporate-actions': read.actionsQuery(MAX_ROWS), '/v1/features': read.featuresQuery(MAX_ROWS),
  '/v1/quality/issues': read.issuesQuery(MAX_ROWS), '/v1/altdata/signals': read.signalsQuery(MAX_ROWS), '/v1/quality/report': read.qualityReportQuery,
  '/v1/orders': trading.ordersQuery(MAX_ROWS), '/v1/orders/:orderId': trading.orderIdQuery(MAX_ROWS), '/v1/executions': trading.executionsQuery(MAX_ROWS),
  '/v1/positions': trading.positionsQuery(MAX_ROWS), '/v1/signals': trading.signalsQuery(MAX_ROWS), '/v1/risk-events': trading.riskEventsQuery(MAX_ROWS),
};

/** A schema's parameters, each with whether it is required (refinements unwrapped to the object). */
function parametersOf(schema: z.ZodTypeAny): Record<string, boolean> {
  let inner = schema;
  while (inner instanceof z.ZodEffects) inner = inner.innerType();
  return Object.fromEntries(Object.entries((inner as z.AnyZodObject).shape).map(([name, s]) => [name, !(s as z.ZodTypeAny).isOptional()]));
}

/** The draw: every route's share, the off-route paths, and the fixed cases. */
function drawRequests(s: Seeded, corpus: readonly string[]): FuzzRequest[] {
  const sample = (arb: fc.Arbitrary<FuzzRequest>, n: number, offset: number) => fc.sample(arb, { seed: SEED + offset, numRuns: n });
  return [
    ...WRITER_ROUTES.flatMap((r, i) => sample(routeRequests(r, s, corpus), PER_WRITER_ROUTE, i)),
    ...sample(routeRequests(FEATURE_ROUTES[0], s, corpus), PER_FEATURE_ROUTE, 100),
    ...sample(batchRequests(s, corpus), PER_FEATURE_ROUTE, 101),
    ...(['timescale-writer', 'feature-engine'] as const).flatMap((service, i) => sample(offRouteRequests(service, corpus), OFF_ROUTE, 200 + i)),
    ...fixedCases(s),
  ];
}

describe('read API under fuzz (integration)', () => {
  let corpus: string[];
  let slice: SliceRun | undefined;
  const services: Partial<Record<ServiceUnderFuzz, RunningService>> = {};
  let redis: Redis | undefined;
  let seeded: Seeded;
  let requests: FuzzRequest[] = [];
  let outcomes: Outcome[] = [];
  let setupSeconds = 0;

  beforeAll(async () => {
    const began = Date.now();
    // First: without the fixtures folder this fails here, before any process starts.
    corpus = corpusStrings(readFileSync(fixturePath(CORPUS_FILE), 'utf8'));
    slice = await prepareSliceRun('Z');
    const started = await Promise.all([
      startService('timescale-writer', { ...slice.writerEnv, MAX_QUERY_ROWS: String(MAX_ROWS) }, `test-${slice.run}-fuzz-writer`),
      startService('feature-engine', slice.featureEnv, `test-${slice.run}-fuzz-features`),
    ]);
    [services['timescale-writer'], services['feature-engine']] = started;
    await Promise.all(started.map((s) => waitReady(s)));
    seeded = await seedWriter(slice.db, slice.schema, slice.run);
    redis = new Redis(LOCAL_STACK.redisUrl, { lazyConnect: true });
    await seedFeatureStore(redis, slice.featureEnv.FEATURE_STORE_PREFIX, slice.run, seeded);
    setupSeconds = (Date.now() - began) / 1000;
  });

  afterAll(async () => {
    await Promise.all(Object.values(services).map((s) => stopService(s)));
    await redis?.quit();
    await finishSliceRun(slice);
  });

  it('covers every /v1 route the controllers declare, and each writer route with the parameters of its schema', () => {
    const declared = [...declaredRoutes('timescale-writer'), ...declaredRoutes('feature-engine')].filter((r) => / \/v1\//.test(r)).sort();
    expect(ROUTES.map((r: RouteSpec) => `${r.method} ${r.path}`).sort()).toEqual(declared);
    // The feature-engine's schemas are not exported (features.controller.ts): its two routes are checked by hand.
    for (const route of WRITER_ROUTES) {
      expect({ route: route.path, parameters: Object.fromEntries(Object.entries(route.query).map(([name, p]) => [name, p.required === true])) })
        .toEqual({ route: route.path, parameters: parametersOf(WRITER_SCHEMAS[route.path]) });
    }
    expect(Object.keys(parametersOf(trading.orderIdParam))).toEqual([WRITER_ROUTES.find((r) => r.pathParam)?.pathParam?.name]);
  });

  it('fails a 5xx, a late answer, a generic refusal and a refusal naming another route\'s parameter', () => {
    const bars = { service: 'timescale-writer' as const, method: 'GET' as const, url: '/v1/bars?symbol=%00' };
    const refusal = (message: string) => ({ status: 400, body: JSON.stringify({ message, error: 'Bad Request', statusCode: 400 }), ms: 1 });
    expect(verdict(ROUTES, bars, refusal('query parameter symbol: must be an upper-case ticker such as DBB'))).toEqual({ ok: true });
    for (const out of [
      { status: 500, body: '{"statusCode":500,"message":"Internal server error"}', ms: 1 }, { error: 'no complete answer within 10000 ms', ms: 10_000 },
      refusal('Bad Request'), refusal('query parameter (query): Required'), refusal('query parameter underlying: Required'), { status: 400, body: 'Bad Request', ms: 1 },
    ]) expect(verdict(ROUTES, bars, out)).toMatchObject({ ok: false });
  });

  it('answers 10,000 random and hostile requests in time, never 5xx, every refusal naming its parameter', async () => {
    const drawn = Date.now();
    requests = drawRequests(seeded, corpus);
    expect(requests.length).toBeGreaterThanOrEqual(10_000);
    const began = Date.now();
    outcomes = await sendAll(requests, { 'timescale-writer': services['timescale-writer']!.port, 'feature-engine': services['feature-engine']!.port }, SEND);
    const seconds = (Date.now() - began) / 1000;
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    outcomes.forEach((out, i) => {
      statuses.set(out.status ?? 0, (statuses.get(out.status ?? 0) ?? 0) + 1);
      const v = verdict(ROUTES, requests[i], out);
      if (!v.ok) failures.push(`#${i} ${describeRequest(requests[i])}\n    -> ${v.problem} (${out.ms} ms)`);
    });
    const slowest = Math.max(...outcomes.map((o) => o.ms));
    process.stdout.write(`read API fuzz: services started and seeded in ${setupSeconds.toFixed(1)} s, ${requests.length} requests drawn in ${((began - drawn) / 1000).toFixed(1)} s, sent in ${seconds.toFixed(1)} s (${SEND.concurrency} in flight, slowest ${slowest} ms, seed ${SEED}); ` +
      `statuses ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(', ')}\n`);
    if (failures.length) {
      throw new Error(`${failures.length} of ${requests.length} fuzz requests failed (seed ${SEED}; #n is the request's index in the draw, MD_FUZZ_SEED=${SEED} draws the same set). First ${SHOW}:\n${failures.slice(0, SHOW).join('\n')}`);
    }
  });

  it('leaves both services alive and ready, with no ERROR logged, and route labels bounded', async () => {
    expect(outcomes.length).toBeGreaterThan(0);
    for (const service of Object.values(services)) {
      expect(service!.process.exitCode).toBeNull();
      expect((await httpJson(service!.port, '/ready')).status).toBe(200);
    }
    expect(errorLines(services['timescale-writer']!)).toEqual([]);
    expect(errorLines(services['feature-engine']!)).toEqual([]);
    // md_query_duration_seconds is labelled by route template: fuzzed paths must not add label values.
    for (const [name, routes] of [['timescale-writer', WRITER_ROUTES], ['feature-engine', FEATURE_ROUTES]] as const) {
      const metrics = String((await httpJson(services[name]!.port, '/metrics')).body);
      const labels = new Set([...metrics.matchAll(/^md_query_duration_seconds_count\{[^}]*route="([^"]*)"/gm)].map((m) => m[1]));
      expect([...labels].filter((l) => !routes.some((r) => r.path === l))).toEqual([]);
      expect(labels.size).toBeGreaterThan(0);
    }
  });
});
