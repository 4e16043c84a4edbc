import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@md/contracts';
import { DBB_MINUTE_FILE, fixturePath } from '@md/fixtures';
import { SchemaCodec, endOffsets, readTopicRange, type PartitionOffsets } from '@md/kafka';
import { LOCAL_STACK } from '@md/config';
import {
  exitCode, finishSliceRun, metricValue, prepareSliceRun, startService, stopService, waitFor, waitReady, type RunningService, type SliceRun,
} from '@md/testing';

// Issue 18 point 1 on real services: bearer tokens from API_TOKENS_FILE on every /v1 route (read
// on the writer, admin on the gateway), 401/403/429, the token file rotated while running, the
// audit trail in the JSON-lines file and on md.audit.v1 (the same records), and an open API held
// to 127.0.0.1 whatever HTTP_HOST says.
const ROWS = 30;
const secret = () => randomBytes(32).toString('base64url');
const TOKENS = { research: secret(), ops: secret(), slow: secret(), rotated: secret() };

async function call(port: number, path: string, token?: string, host = '127.0.0.1'): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`http://${host}:${port}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text, headers: res.headers };
}

describe('API access and audit (integration)', () => {
  let slice: SliceRun;
  let writer: RunningService;
  let gateway: RunningService;
  let open: RunningService;
  const services: RunningService[] = [];
  let dir: string;
  let tokensFile: string;
  let auditFile: string;
  let auditStart: PartitionOffsets;

  const tokensJson = (entries: Array<[keyof typeof TOKENS, string[], number?]>) =>
    JSON.stringify({ tokens: entries.map(([name, scopes, ratePerSecond]) => ({ name, token: TOKENS[name], scopes, ...(ratePerSecond ? { ratePerSecond } : {}) })) });

  beforeAll(async () => {
    const lines = readFileSync(fixturePath(DBB_MINUTE_FILE), 'utf8').trim().split('\n').slice(0, ROWS + 1);
    dir = mkdtempSync(join(tmpdir(), 'md-access-'));
    const bars = join(dir, 'bars.csv');
    writeFileSync(bars, `${lines.join('\n')}\n`);
    tokensFile = join(dir, 'api-tokens.json');
    writeFileSync(tokensFile, tokensJson([['research', ['read']], ['ops', ['admin']], ['slow', ['read'], 0.05]]));
    auditFile = join(dir, 'audit.jsonl');
    slice = await prepareSliceRun('ACC');
    auditStart = await endOffsets(slice.kafka, TOPICS.audit);
    const secured = { API_TOKENS_FILE: tokensFile, HTTP_HOST: '0.0.0.0', API_RATE_LIMIT_BURST: '3' };
    const prep = await startService('preprocessor', slice.preprocessorEnv, `test-${slice.run}-preprocessor`);
    writer = await startService('timescale-writer', { ...slice.writerEnv, ...secured, AUDIT_LOG_FILE: auditFile }, `test-${slice.run}-writer`);
    services.push(prep, writer);
    await Promise.all([waitReady(prep), waitReady(writer)]);
    const replay = await startService('feed-gateway', { REPLAY_FILE: bars, REPLAY_SYMBOL: slice.run, REPLAY_ZONE: 'UTC', REPLAY_EXIT_WHEN_DONE: 'true' }, `test-${slice.run}-replay`);
    expect(await exitCode(replay)).toBe(0);
    // A gateway that stays up, for the admin routes; and one without a tokens file, asked to listen everywhere.
    gateway = await startService('feed-gateway', secured, `test-${slice.run}-gateway`);
    open = await startService('feed-gateway', { HTTP_HOST: '0.0.0.0' }, `test-${slice.run}-open`);
    services.push(gateway, open);
    await Promise.all([waitReady(gateway), waitReady(open)]);
    await waitFor('the writer to store the sample', async () => (await metricValue(writer.port, 'md_records_out_total')) >= ROWS, 60_000, 200);
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => stopService(s)));
    await finishSliceRun(slice);
  });

  const bars = () => `/v1/bars?symbol=${slice.run}&from=2023-07-10T00:00:00Z&to=2023-07-11T00:00:00Z&limit=100`;

  it('serves a read token, and refuses a missing or unknown one with 401 and the Bearer challenge', async () => {
    const served = await call(writer.port, bars(), TOKENS.research);
    expect(served).toMatchObject({ status: 200, body: { count: ROWS } });
    const missing = await call(writer.port, bars());
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="md-platform"');
    expect(missing.body.message).toMatch(/Authorization: Bearer <token>/);
    const unknown = await call(writer.port, bars(), secret());
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer realm="md-platform", error="invalid_token"');
    // The probes and metrics stay open, for Kubernetes and Prometheus.
    expect((await call(writer.port, '/ready')).status).toBe(200);
    expect((await call(writer.port, '/metrics')).status).toBe(200);
  });

  it('answers 403 to a read token on an admin route, and serves the admin token there', async () => {
    const refused = await call(gateway.port, '/v1/replay', TOKENS.research);
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe('token "research" lacks the scope "admin" this route needs (it has: read)');
    expect((await call(gateway.port, '/v1/replay', TOKENS.ops)).status).toBe(200);
    expect((await call(gateway.port, '/v1/jobs', TOKENS.ops)).status).toBe(200);
  });

  it('answers 429 with Retry-After once a token is over its rate, other tokens unaffected', async () => {
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await call(writer.port, bars(), TOKENS.slow);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await call(writer.port, bars(), TOKENS.research)).status).toBe(200);
  });

  it('follows a rotated tokens file without a restart', async () => {
    writeFileSync(`${tokensFile}.next`, tokensJson([['rotated', ['read']], ['ops', ['admin']]]));
    renameSync(`${tokensFile}.next`, tokensFile);
    await waitFor('the writer to take the rotated token', async () => (await call(writer.port, bars(), TOKENS.rotated)).status === 200, 10_000, 200);
    expect((await call(writer.port, bars(), TOKENS.research)).status).toBe(401);
    expect(writer.process.exitCode).toBeNull();
  });

  it('stops at start with one line naming API_TOKENS_FILE when the file is unusable, never the token', async () => {
    const weak = join(dir, 'weak-tokens.json');
    writeFileSync(weak, JSON.stringify({ tokens: [{ name: 'weak', token: 'short-secret', scopes: ['read'] }] }));
    const bad = await startService('timescale-writer', { API_TOKENS_FILE: weak }, `test-${slice.run}-bad-tokens`);
    expect(await exitCode(bad)).toBe(1);
    expect(readFileSync(bad.logFile, 'utf8').trim()).toBe(`config: API_TOKENS_FILE is invalid ("${weak}"): tokens.0.token: must be at least 32 characters (make one with: openssl rand -base64 32)`);
  });

  it('listens on 127.0.0.1 only without a tokens file, and says so at start', async () => {
    expect((await call(open.port, '/v1/replay')).status).toBe(200);
    await expect(call(open.port, '/health', undefined, '127.0.0.2')).rejects.toThrow();
    // The secured one took HTTP_HOST=0.0.0.0: another loopback address reaches it.
    expect((await call(writer.port, '/health', undefined, '127.0.0.2')).status).toBe(200);
    expect(readFileSync(open.logFile, 'utf8')).toContain('API_TOKENS_FILE is unset, so the API routes are open: listening on 127.0.0.1 only, not HTTP_HOST=0.0.0.0');
  });

  it('audits every request, answered or refused, in the JSON-lines file and on md.audit.v1 alike', async () => {
    const audited = () => readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // Each request above, 13 on the writer (the waitFor loop adds one or more), is a line once its answer is sent.
    const lines = (await waitFor('the audit lines', async () => (audited().length >= 13 ? audited() : undefined), 10_000, 100))!;
    const first = lines.find((l) => l.status === 200 && l.token === 'research');
    expect(first).toMatchObject({ service: 'timescale-writer', method: 'GET', route: '/v1/bars', rows: ROWS, params: expect.stringContaining(`"symbol":"${slice.run}"`) });
    expect(first.durationMs).toBeGreaterThan(0);
    expect(new Date(first.time).getTime()).toBeGreaterThan(Date.now() - 120_000);
    expect(lines.filter((l) => l.status === 401 && l.token === 'anonymous').length).toBeGreaterThanOrEqual(3);
    expect(lines.filter((l) => l.status === 429 && l.token === 'slow')).toHaveLength(1);
    const text = readFileSync(auditFile, 'utf8');
    for (const token of Object.values(TOKENS)) expect(text).not.toContain(token);

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const wanted = new Set(lines.map((l) => l.requestId));
    const onTopic = (await waitFor('the audit records on md.audit.v1', async () => {
      const records = await readTopicRange(slice.kafka, TOPICS.audit, auditStart, { timeoutMs: 5_000 });
      const ours = await Promise.all(records.map((r) => codec.decode<any>(TOPICS.audit, r.value)));
      const found = ours.filter((r) => wanted.has(r.requestId));
      return found.length >= wanted.size ? found : undefined;
    }, 30_000, 500))!;
    const byId = new Map(onTopic.map((r) => [r.requestId, r]));
    for (const { audit, ...line } of lines) {
      expect(audit).toBe(TOPICS.audit);
      const record = byId.get(line.requestId);
      expect({ ...record, time: new Date(Number(record.time) / 1000).toISOString() }).toEqual(line);
    }
  });
});
