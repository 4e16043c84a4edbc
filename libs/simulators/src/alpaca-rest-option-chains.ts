import { readFileSync } from 'node:fs';
import type { OptionQuoteRecord } from '@md/contracts';
import { parseOccSymbol, parseOptionChainCsv } from '@md/options';
import { OPTIONS_CHAIN_FILE, fixturePath } from '@md/fixtures';
import { BadRequest, feedOf, limitOf, micros, offsetOf, optionalDate, optionalNumber, pageToken, rfc3339 } from './alpaca-rest-query';

// GET /v1beta1/options/snapshots/{underlying_symbol} (docs.alpaca.markets "Option chain") with feed
// (indicative|opra), limit (1..1000, default 100), page_token, type, strike_price_gte/lte,
// expiration_date(_gte/_lte), root_symbol, updated_since: { snapshots: { OCC: snapshot }, next_page_token }.

const OPTION_FEEDS = ['indicative', 'opra'];
const FILTERS = ['type', 'strike_price_gte', 'strike_price_lte', 'expiration_date', 'expiration_date_gte', 'expiration_date_lte', 'root_symbol', 'updated_since'];

/**
 * A chain-file contract as Alpaca's snapshot of it: latestQuote (bid, ask) and latestTrade (last
 * and its time) with the file's values, its IV, and greeks only where the file has them. The file
 * has no quote time, sizes, exchanges, conditions or daily bar, so those are left out: the quote
 * is dated at the snapshot time (the file's latest trade, as the file connector dates it).
 */
function optionSnapshot(q: OptionQuoteRecord, snapshotTime: number): Record<string, unknown> {
  const snapshot: Record<string, unknown> = {};
  if (q.bid !== null || q.ask !== null) snapshot.latestQuote = { t: rfc3339(snapshotTime), bp: Number(q.bid ?? 0), ap: Number(q.ask ?? 0) };
  if (q.last !== null && q.lastTradeTime !== null) snapshot.latestTrade = { t: rfc3339(q.lastTradeTime), p: Number(q.last) };
  if (q.impliedVolatility !== null) snapshot.impliedVolatility = q.impliedVolatility;
  if (q.greeksSource === 'provider') snapshot.greeks = { delta: q.delta, gamma: q.gamma, theta: q.theta, vega: q.vega, rho: q.rho };
  return snapshot;
}

let fileChains: Map<string, Map<string, unknown>> | undefined;

/** The shared chain file as Alpaca snapshots by underlying, read once per process (parsed by the file connector's parser). */
function optionsFileChains(): Map<string, Map<string, unknown>> {
  if (fileChains) return fileChains;
  const path = fixturePath(OPTIONS_CHAIN_FILE);
  // The rate only prices greeks, which are not served: Alpaca's come from the recording or not at all.
  const chain = parseOptionChainCsv(readFileSync(path, 'utf8'), { provider: 'alpaca', riskFreeRate: 0, ingestTime: 0 }, path);
  fileChains = new Map();
  for (const q of chain.quotes) {
    const byOcc = fileChains.get(q.underlying) ?? fileChains.set(q.underlying, new Map()).get(q.underlying)!;
    byOcc.set(q.occSymbol, optionSnapshot(q, chain.snapshotTime));
  }
  return fileChains;
}

function occContract(occ: string): ReturnType<typeof parseOccSymbol> | undefined {
  try {
    return parseOccSymbol(occ);
  } catch {
    return undefined;
  }
}

/** Whether one contract passes the chain filters (type, strike and expiration ranges, root, updated_since). */
function optionFilter(params: URLSearchParams): (occ: string, snapshot: unknown) => boolean {
  const type = params.get('type');
  if (type !== null && type !== 'call' && type !== 'put') throw new BadRequest('invalid type: must be call or put');
  const [strikeMin, strikeMax] = [optionalNumber(params, 'strike_price_gte') ?? 0, optionalNumber(params, 'strike_price_lte') ?? Infinity];
  const exact = optionalDate(params, 'expiration_date');
  const [expiryMin, expiryMax] = [exact ?? optionalDate(params, 'expiration_date_gte') ?? '', exact ?? optionalDate(params, 'expiration_date_lte') ?? '9999'];
  const root = params.get('root_symbol')?.toUpperCase();
  const since = params.get('updated_since') === null ? undefined : micros(params.get('updated_since')!);
  if (params.get('updated_since') !== null && since === undefined) throw new BadRequest('invalid updated_since: expected RFC-3339');
  return (occ, snapshot) => {
    const c = occContract(occ);
    if (!c) return true; // a malformed recorded symbol is served as given, for the client to reject
    const s = snapshot as { latestQuote?: { t?: string }; latestTrade?: { t?: string } };
    const updated = Math.max(micros(String(s.latestQuote?.t)) ?? -Infinity, micros(String(s.latestTrade?.t)) ?? -Infinity);
    return (type === null || c.type === (type === 'call' ? 'C' : 'P')) && Number(c.strike) >= strikeMin && Number(c.strike) <= strikeMax
      && c.expiry >= expiryMin && c.expiry <= expiryMax && (!root || c.root === root) && (since === undefined || updated >= since);
  };
}

export interface AlpacaOptionChainsOptions {
  /** Underlying -> OCC symbol -> snapshot as Alpaca serialises it; replaces the file's chain of that underlying. */
  optionChains?: Record<string, Record<string, unknown>>;
  /** Serve the shared chain snapshot file. */
  includeOptionsFile: boolean;
  /** Option feeds the key may query; others answer 403. */
  optionFeeds?: readonly string[];
}

/** The recorded option chains and the route that filters and pages them. */
export class AlpacaOptionChains {
  /** Underlying -> contracts sorted by OCC symbol (Alpaca lists a chain in symbol order); built at the first chain request. */
  private chains?: Map<string, [string, unknown][]>;

  constructor(private readonly options: AlpacaOptionChainsOptions) {}

  serve(underlying: string, params: URLSearchParams): Record<string, unknown> {
    // Alpaca's default is opra with an options subscription, else indicative; the simulator's keys have both.
    feedOf(params, 'opra', OPTION_FEEDS, this.options.optionFeeds);
    const limit = limitOf(params, 100, 1000);
    const keep = optionFilter(params);
    const scope = `${underlying}?${FILTERS.map((n) => params.get(n) ?? '').join('|')}`;
    const listed = this.chain(underlying).filter(([occ, snapshot]) => keep(occ, snapshot));
    const from = offsetOf(params, scope);
    const slice = listed.slice(from, from + limit);
    return { snapshots: Object.fromEntries(slice), next_page_token: from + limit < listed.length ? pageToken(scope, from + limit) : null };
  }

  private chain(underlying: string): [string, unknown][] {
    if (!this.chains) {
      const chains = new Map(this.options.includeOptionsFile ? optionsFileChains() : []);
      for (const [name, byOcc] of Object.entries(this.options.optionChains ?? {})) chains.set(name.toUpperCase(), new Map(Object.entries(byOcc)));
      this.chains = new Map([...chains].map(([name, byOcc]) => [name, [...byOcc].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]));
    }
    return this.chains.get(underlying) ?? [];
  }
}
