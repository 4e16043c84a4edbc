import { PassThrough } from 'node:stream';
import type { OptionQuoteRecord } from '@md/contracts';
import { AlpacaRestSimulator } from '@md/simulators';
import { MemorySink } from '@md/ingest';
import { runBackfillCommand } from './backfill.cli';

const KEYS = { keyId: 'AKOCCLI', secretKey: 'oc-cli-secret-value' };

describe('backfill options-chain CLI', () => {
  let sim: AlpacaRestSimulator;
  let output: PassThrough;
  const printed = () => String(output.read() ?? '');
  const env = (extra: Record<string, string> = {}) => ({ ALPACA_KEY_ID: KEYS.keyId, ALPACA_SECRET_KEY: KEYS.secretKey, ALPACA_DATA_URL: sim.url, ...extra });

  beforeEach(async () => {
    sim = await AlpacaRestSimulator.start(KEYS);
    output = new PassThrough();
  });
  afterEach(() => sim.stop());

  it("publishes AAPL's chain with greeks and prints one summary line", async () => {
    const sink = new MemorySink();
    const summary = await runBackfillCommand(['backfill', 'options-chain', '--underlying', 'AAPL', '--risk-free-rate', '0.053', '--page-limit', '50'], sink, { env: env(), output });
    const quotes = sink.records.map((r) => r.value as OptionQuoteRecord);
    expect(summary).toMatchObject({ aborted: false, chainsDone: 1, quotes: quotes.length, requests: 2, rateLimited: 0 });
    expect(quotes.length).toBeGreaterThan(50);
    expect(printed()).toMatch(new RegExp(`^[^]*backfill options-chain AAPL \\(indicative\\): done, 1/1 underlyings, ${quotes.length} option quotes \\(greeks: 0 from Alpaca, \\d+ computed\\), 0 rejected, 2 requests, 0 x 429, \\d+\\.\\d s\\n$`));
    expect(sim.log.every((r) => r.params.feed === 'indicative')).toBe(true);
  });

  it('takes the rate from OPTIONS_RISK_FREE_RATE, a snapshot time and filters, and forwards them', async () => {
    const sink = new MemorySink();
    const args = ['options-chain', '--underlying', 'AAPL', '--feed', 'opra', '--type', 'put', '--expiry-to', '2024-08-09', '--snapshot-time', '2024-07-31T20:00:00Z'];
    await runBackfillCommand(args, sink, { env: env({ OPTIONS_RISK_FREE_RATE: '0.05' }), output });
    expect(sim.log[0].params).toMatchObject({ feed: 'opra', type: 'put', expiration_date_lte: '2024-08-09' });
    const quotes = sink.records.map((r) => r.value as OptionQuoteRecord);
    expect(quotes.length).toBeGreaterThan(0);
    expect(quotes.every((q) => q.optionType === 'P' && q.snapshotTime === Date.parse('2024-07-31T20:00:00Z') * 1000)).toBe(true);
  });

  it('refuses to run without a risk-free rate or with a bad one, naming it', async () => {
    await expect(runBackfillCommand(['options-chain', '--underlying', 'AAPL'], new MemorySink(), { env: env(), output })).rejects.toThrow(
      /^backfill options-chain: --risk-free-rate \(or OPTIONS_RISK_FREE_RATE\) is required/,
    );
    await expect(runBackfillCommand(['options-chain', '--underlying', 'AAPL', '--risk-free-rate', '5.3'], new MemorySink(), { env: env(), output })).rejects.toThrow(
      /^backfill options-chain: option '--risk-free-rate <r>' argument '5.3' is invalid\. must be a yearly rate such as 0.053 for 5.3%$/,
    );
    expect(sim.log).toHaveLength(0);
  });
});
