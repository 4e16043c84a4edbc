import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LOCAL_STACK } from '@md/config';
import { type RawBar, TOPICS, TOPIC_TABLE } from '@md/contracts';
import { SchemaCodec, createKafka, endOffsets, ensureTopics, readTopicRange } from '@md/kafka';
import { dbbRows, registerTestSecrets, repoRoot, rowsToRawBars, uniqueId } from '@md/testing';
import { AlpacaRestSimulator } from '@md/simulators';

// Integration: a two-year backfill of the real DBB recording through the Alpaca REST simulator
// (paging, injected 429s) by the `npm run backfill` binary lands in md.raw.bars.v1 bar for bar
// equal to the file; the key and secret never appear in its output.

const KEY = 'AKSIMKEY1234567890';
const SECRET = 'sim-secret-do-not-log-0f9e8d7c';

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot(), 'dist/apps/feed-gateway/src/backfill/main.js'), ...args], { env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('Alpaca REST backfill into md.raw.bars.v1 (integration)', () => {
  let sim: AlpacaRestSimulator;
  const symbol = uniqueId('B');
  const rows = dbbRows('2023-07-10', '2025-07-08');

  beforeAll(async () => {
    registerTestSecrets(KEY, SECRET); // the run's teardown scans every service log for them
    const items = rows.map((r) => ({ t: `${r.timestamp.replace(' ', 'T')}Z`, o: Number(r.open), h: Number(r.high), l: Number(r.low), c: Number(r.close), v: Number(r.volume) }));
    sim = await AlpacaRestSimulator.start({ keyId: KEY, secretKey: SECRET, includeDbb: false, recording: { bars: { [symbol]: items } }, faults: { rateLimitEvery: 97 },
      // The plan limit the client is told (--requests-per-minute 6000); the client also pauses when
      // X-RateLimit-Remaining reaches 0, so a smaller simulated plan would only make the test wait.
      rateLimit: { requests: 6000, windowMs: 60_000, enforce: true } });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('yields the same bars as the file, through paging and 429s, without leaking the secret', async () => {
    const kafka = createKafka(`test-${symbol}`, [LOCAL_STACK.kafkaBrokers]);
    await ensureTopics(kafka, TOPIC_TABLE); // this file may be the first to run on a fresh broker
    const start = await endOffsets(kafka, TOPICS.rawBars);
    const { code, output } = await run(
      ['--provider', 'alpaca', '--symbols', symbol, '--from', '2023-07-10', '--to', '2025-07-09', '--feed', 'iex', '--page-limit', '1000', '--requests-per-minute', '6000'],
      { ALPACA_KEY_ID: KEY, ALPACA_SECRET_KEY: SECRET, ALPACA_DATA_URL: sim.url },
    );
    expect(code).toBe(0);
    expect(output).toMatch(/done, 501\/501 days/);
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(KEY);
    expect(sim.countByStatus()[429]).toBeGreaterThan(0);

    const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
    const bars: RawBar[] = [];
    for (const m of await readTopicRange(kafka, TOPICS.rawBars, start)) if (m.key?.toString() === symbol) bars.push(await codec.decode<RawBar>(TOPICS.rawBars, m.value));
    const expected = rowsToRawBars(rows, symbol);
    const key = (b: RawBar) => `${b.eventTime}|${b.open}|${b.high}|${b.low}|${b.close}|${b.volume}`;
    expect(bars.map(key).sort()).toEqual(expected.map(key).sort());
  });
});
