import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LOCAL_STACK } from '@md/config';
import { TOPIC_TABLE, TOPICS, type CorporateActionRecord, type OptionQuoteRecord } from '@md/contracts';
import { parseCorporateActionsCsv } from '@md/market';
import { parseLeanFactorFile } from '@md/providers';
import { SchemaCodec, createKafka, endOffsets, ensureTopics, readTopicRange, type PartitionOffsets } from '@md/kafka';
import { registerTestSecrets, repoRoot, uniqueId } from '@md/testing';
import { AlpacaRestSimulator, alpacaCorporateActionsRecording, type CanonicalCorporateAction } from '@md/simulators';
import { factorFileActions } from '../src/providers/files/lean-corporate-actions';
import { AAPL_ACTIONS_FILE, OPTIONS_CHAIN_FILE, fixturePath, fixturesDir } from '@md/fixtures';

// Integration: `npm run backfill -- corporate-actions` and `-- options-chain` (the built binary)
// against the Alpaca REST simulator (paging, injected 429s) into Kafka. The data is real: AAPL's
// actions as LEAN's factor file gives them (derived by the LEAN path itself) plus the 2020 4:1
// split, which the factor file predates (fixtures/corporate-actions/aapl.csv); and AAPL's chain
// from the July 2024 snapshot file. Both run under names of this run alone (a ticker, an OCC
// root), so other tests on the same Kafka neither see nor disturb them.

const KEY = 'AKEXTRAS1234567890';
const SECRET = 'extras-secret-do-not-log-4e5f6a7b';
const FACTOR_FILE = join(fixturesDir(), 'lean/factor_files/aapl.csv');

const execNode = promisify(execFile);

/** The built `npm run backfill` binary: its exit code and everything it printed. */
async function backfill(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const bin = join(repoRoot(), 'dist/apps/feed-gateway/src/backfill/main.js');
  try {
    const { stdout, stderr } = await execNode(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code: number | null; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

/** AAPL's actions under `symbol`: the factor file's, then the sample's later ones (the 2020 split). */
function aaplActions(symbol: string): CanonicalCorporateAction[] {
  const lean = factorFileActions(parseLeanFactorFile(readFileSync(FACTOR_FILE, 'utf8')), { symbol, provider: 'lean', ingestTime: 0 }).actions;
  const last = lean[lean.length - 1].exDate;
  const later = parseCorporateActionsCsv(readFileSync(fixturePath(AAPL_ACTIONS_FILE), 'utf8'), 'apple-ir').filter((a) => a.exDate > last).map((a) => ({
    symbol, exDate: a.exDate, kind: a.kind === 'split' ? ('SPLIT' as const) : ('CASH_DIVIDEND' as const), ratioTo: a.ratio?.to ?? null, ratioFrom: a.ratio?.from ?? null, amount: a.amount ?? null,
  }));
  return [...lean, ...later];
}

/** AAPL's chain from the simulator's file, renamed to `root` (same contracts, same quotes). */
async function aaplChainAs(root: string): Promise<Record<string, unknown>> {
  const sim = await AlpacaRestSimulator.start({ keyId: KEY, secretKey: SECRET });
  try {
    const res = await fetch(`${sim.url}/v1beta1/options/snapshots/AAPL?limit=1000`, { headers: { 'APCA-API-KEY-ID': KEY, 'APCA-API-SECRET-KEY': SECRET } });
    const { snapshots, next_page_token } = (await res.json()) as { snapshots: Record<string, unknown>; next_page_token: string | null };
    expect(next_page_token).toBeNull();
    return Object.fromEntries(Object.entries(snapshots).map(([occ, s]) => [`${root}${occ.slice('AAPL'.length)}`, s]));
  } finally {
    await sim.stop();
  }
}

describe('Alpaca options snapshots and corporate actions over REST, by the backfill command, into Kafka (integration)', () => {
  const symbol = uniqueId('C');
  // An OCC root is at most 6 characters: Z + the last 5 of a unique id.
  const root = `Z${uniqueId('').slice(-5)}`;
  const aaplContracts = readFileSync(join(fixturesDir(), OPTIONS_CHAIN_FILE), 'utf8').split('\n').filter((l) => /^\d+,AAPL\d{6}[CP]\d{8},/.test(l)).length;
  const kafka = createKafka(`test-${symbol}`, [LOCAL_STACK.kafkaBrokers]);
  const codec = new SchemaCodec(LOCAL_STACK.registryUrl);
  const env = () => ({ ALPACA_KEY_ID: KEY, ALPACA_SECRET_KEY: SECRET, ALPACA_DATA_URL: sim.url, KAFKA_BROKERS: LOCAL_STACK.kafkaBrokers, SCHEMA_REGISTRY_URL: LOCAL_STACK.registryUrl });
  let sim: AlpacaRestSimulator;

  beforeAll(async () => {
    registerTestSecrets(KEY, SECRET); // the run's teardown scans every service log for them
    await ensureTopics(kafka, TOPIC_TABLE); // this file may be the first to run on a fresh broker
    sim = await AlpacaRestSimulator.start({
      keyId: KEY, secretKey: SECRET, includeDbb: false, includeOptionsFile: false, faults: { rateLimitEvery: 4 },
      corporateActions: alpacaCorporateActionsRecording(aaplActions(symbol)), optionChains: { [root]: await aaplChainAs(root) },
    });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  async function read<T>(topic: string, from: PartitionOffsets, key: (m: { key: Buffer | null }) => boolean): Promise<T[]> {
    const out: T[] = [];
    for (const m of await readTopicRange(kafka, topic, from)) if (key(m)) out.push(await codec.decode<T>(topic, m.value));
    return out;
  }

  it("publishes AAPL's splits and dividends, the 2014 7:1 and 2020 4:1 splits among them", async () => {
    const start = await endOffsets(kafka, TOPICS.corporateActions);
    const { code, output } = await backfill(['corporate-actions', '--symbols', symbol, '--from', '1998-01-01', '--to', '2025-01-01', '--page-limit', '5'], env());
    expect(output).toMatch(new RegExp(`backfill corporate-actions ${symbol} 1998-01-01\\.\\.2025-01-01: done, 29/29 years, 28 actions, 0 rejected`));
    expect(code).toBe(0);
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(KEY);

    const actions = await read<CorporateActionRecord>(TOPICS.corporateActions, start, (m) => m.key?.toString() === symbol);
    const splits = actions.filter((a) => a.kind === 'SPLIT').map((a) => `${a.exDate} ${a.ratioTo}:${a.ratioFrom}`).sort();
    expect(splits).toEqual(['2000-06-21 2:1', '2005-02-28 2:1', '2014-06-09 7:1', '2020-08-31 4:1']);
    const dividends = actions.filter((a) => a.kind === 'CASH_DIVIDEND');
    expect(dividends).toHaveLength(24);
    // The recording's amounts are the factor file's, exact to its factors (lean-corporate-actions.ts):
    // within a fraction of a cent of the declared $3.29, and published as served, every digit kept.
    const served = aaplActions(symbol).find((a) => a.exDate === '2014-05-08')?.amount;
    expect(dividends.find((d) => d.exDate === '2014-05-08')?.amount).toBe(served);
    expect(Math.abs(Number(served) - 3.29)).toBeLessThan(0.001);
    expect(actions.every((a) => a.provider === 'alpaca' && a.referencePrice === null)).toBe(true);
  });

  it("publishes AAPL's whole chain keyed by OCC symbol, one quote per snapshot row, with greeks", async () => {
    const start = await endOffsets(kafka, TOPICS.optionsChain);
    const before429 = sim.countByStatus()[429] ?? 0;
    const { code, output } = await backfill(['options-chain', '--underlying', root, '--risk-free-rate', '0.053', '--page-limit', '20'], env());
    expect(output).toMatch(new RegExp(`backfill options-chain ${root} \\(indicative\\): done, 1/1 underlyings, ${aaplContracts} option quotes`));
    expect(code).toBe(0);
    expect(output).not.toContain(SECRET);
    expect(sim.countByStatus()[429]).toBeGreaterThan(before429);

    const quotes = await read<OptionQuoteRecord>(TOPICS.optionsChain, start, (m) => m.key?.toString().startsWith(root) === true);
    expect(quotes).toHaveLength(aaplContracts);
    expect(new Set(quotes.map((q) => q.occSymbol)).size).toBe(aaplContracts);
    expect(quotes.find((q) => q.occSymbol === `${root}240802C00100000`)).toMatchObject({ strike: '100.00000000', optionType: 'C', bid: '120.75000000', ask: '122.55000000', last: '118.68000000', provider: 'alpaca' });
    // Greeks wherever Black-Scholes can price: an IV of at least 0.1% (Yahoo writes 1e-5 where its own solver failed).
    const priceable = quotes.filter((q) => (q.impliedVolatility ?? 0) >= 0.001);
    expect(priceable.length).toBeGreaterThan(aaplContracts * 0.9);
    expect(priceable.every((q) => q.greeksSource === 'computed' && [q.delta, q.gamma, q.theta, q.vega, q.rho].every(Number.isFinite) && q.underlyingPrice !== null)).toBe(true);
  });
});
