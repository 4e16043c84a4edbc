import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CorporateActionRecord } from '@md/contracts';
import { parseLeanFactorFile } from '@md/providers';
import { AlpacaRestSimulator, alpacaCorporateActionsRecording } from '@md/simulators';
import { factorFileActions } from '../providers/files/lean-corporate-actions';
import { MemorySink } from '@md/ingest';
import { runBackfillCommand } from './backfill.cli';
import { fixturesDir } from '@md/fixtures';

const KEYS = { keyId: 'AKCACLI', secretKey: 'ca-cli-secret-value' };
const LEAN = factorFileActions(parseLeanFactorFile(readFileSync(join(fixturesDir(), 'lean/factor_files/aapl.csv'), 'utf8')), { symbol: 'AAPL', provider: 'lean', ingestTime: 1 }).actions;

describe('backfill corporate-actions CLI', () => {
  let sim: AlpacaRestSimulator;
  let output: PassThrough;
  const printed = () => String(output.read() ?? '');
  const env = () => ({ ALPACA_KEY_ID: KEYS.keyId, ALPACA_SECRET_KEY: KEYS.secretKey, ALPACA_DATA_URL: sim.url });
  const args = ['backfill', 'corporate-actions', '--symbols', 'aapl', '--from', '2010-01-01', '--to', '2025-01-01'];

  beforeEach(async () => {
    sim = await AlpacaRestSimulator.start({ ...KEYS, corporateActions: alpacaCorporateActionsRecording(LEAN) });
    output = new PassThrough();
  });
  afterEach(() => sim.stop());

  it("publishes AAPL's actions 2010-2024 from the environment's Alpaca and prints one summary line", async () => {
    const sink = new MemorySink();
    const summary = await runBackfillCommand(args, sink, { env: env(), output });
    const actions = sink.records.map((r) => r.value as CorporateActionRecord);
    expect(actions.map((a) => a.exDate).sort()).toEqual(LEAN.filter((a) => a.exDate >= '2010-01-01').map((a) => a.exDate));
    expect(summary).toMatchObject({ aborted: false, windowsDone: 17, windowsTotal: 17, requests: 17, rateLimited: 0 });
    expect(printed()).toMatch(new RegExp(`backfill corporate-actions AAPL 2010-01-01\\.\\.2025-01-01: done, 17/17 years, ${actions.length} actions, 0 rejected, 0 outside the dates, 17 requests, 0 x 429, \\d+\\.\\d s\\n$`));
  });

  it('refuses a bad option in one line and fails a wrong secret without printing it', async () => {
    await expect(runBackfillCommand(['corporate-actions', '--from', '2010-01-01', '--to', '2011-01-01'], new MemorySink(), { env: env(), output })).rejects.toThrow(
      /^backfill corporate-actions: required option '--symbols <list>' not specified$/,
    );
    await expect(runBackfillCommand([...args, '--page-limit', '1001'], new MemorySink(), { env: env(), output })).rejects.toThrow(/--page-limit <n>' argument '1001' is invalid/);
    const error = (await runBackfillCommand(args, new MemorySink(), { env: { ...env(), ALPACA_SECRET_KEY: 'wrong-ca-secret' }, output }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^Alpaca answered 401 to GET \/v1\/corporate-actions\?/);
    expect(error.message).not.toContain('wrong-ca-secret');
  });
});
