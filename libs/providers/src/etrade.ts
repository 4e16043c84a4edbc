import { z } from 'zod';
import { compareDecimal } from '@md/market';
import { InvalidRecordError } from '@md/contracts';
import { formatOccSymbol, parseOccSymbol, type OptionType } from '@md/options';
import { jsonPrice } from './polygon';

// E*TRADE Market API v1, JSON responses, parsing only (apisb.etrade.com/docs/api/market/api-quote-v1.html
// "Get Quotes", .../api-market-v1.html "Get Option Chains"). Quotes are requested with detailFlag=ALL,
// so each QuoteData carries an `All` block; `dateTimeUTC` is the quote time in epoch seconds.
// Option chains come as `OptionPair: [{ Call, Put }]`, each leg with an `osiKey`
// ("COP---220520C00097000": the OSI symbol with the root padded by dashes) and `OptionGreeks`.

/** Mirrors QuoteRecord in libs/contracts (the domain may not import contracts). */
export interface EtradeQuote {
  symbol: string; provider: string; eventTime: number; ingestTime: number; bidPrice: string; bidSize: number;
  bidExchange: string | null; askPrice: string; askSize: number; askExchange: string | null; conditions: string[]; tape: string | null;
}

/** One contract of a chain as E*TRADE gives it; missing source fields stay null, never zero. */
export interface EtradeOptionQuote {
  /** Compact OSI symbol, e.g. COP220520C00097000. */
  occSymbol: string;
  /** The chain's underlying ticker (E*TRADE `symbol`); an adjusted contract's OSI root is in occSymbol. */
  underlying: string;
  /** YYYY-MM-DD. */
  expiry: string;
  /** Canonical 8-decimal string. */
  strike: string;
  type: OptionType;
  bid: string | null;
  ask: string | null;
  last: string | null;
  volume: number | null;
  openInterest: number | null;
  /** Implied volatility per year as E*TRADE gives it (0.3988 = 39.88%). */
  iv: number | null;
  delta: number | null;
  gamma: number | null;
  theta: number | null;
  vega: number | null;
  rho: number | null;
  /** The leg's `timeStamp`, UTC epoch micros. */
  quoteTime: number;
}

export interface EtradeContext {
  provider: string;
  /** When the answer was read, UTC epoch micros. */
  ingestTime: number;
}

export interface EtradeRejection {
  /** Where in the answer: "QuoteData[2]", "OptionPair[4].Put", "Messages". */
  at: string;
  item: unknown;
  reason: string;
}

export interface EtradeMapped<T> {
  records: T[];
  rejected: EtradeRejection[];
}

const epochSeconds = z.number().int().positive().lte(Math.floor(Number.MAX_SAFE_INTEGER / 1e6));
const count = z.number().int().nonnegative().lte(Number.MAX_SAFE_INTEGER);
const number = z.number().finite();
const ticker = z.string().regex(/^[A-Z][A-Z0-9.\-/]{0,20}$/, 'must be a ticker such as AAPL');

export const EtradeQuoteData = z.object({
  dateTimeUTC: epochSeconds,
  Product: z.object({ symbol: ticker, securityType: z.string().optional() }),
  All: z.object({ bid: number, bidSize: count, ask: number, askSize: count, bidExchange: z.string().optional() }, { required_error: 'Required (request detailFlag=ALL)' }),
});

const EtradeMessage = z.object({ description: z.string(), code: z.number().optional(), type: z.string().optional() });

export const EtradeQuoteResponse = z.object({
  QuoteResponse: z.object({
    QuoteData: z.array(z.unknown()).optional(),
    // An unknown symbol comes back as a message, not as QuoteData.
    Messages: z.object({ Message: z.union([z.array(EtradeMessage), EtradeMessage.transform((m) => [m])]) }).optional(),
  }),
});

const greek = number.nullish();
export const EtradeOptionLeg = z.object({
  symbol: ticker,
  optionType: z.enum(['CALL', 'PUT']),
  strikePrice: number.positive(),
  osiKey: z.string(),
  timeStamp: epochSeconds,
  bid: number.optional(), ask: number.optional(), lastPrice: number.optional(),
  volume: count.optional(), openInterest: count.optional(),
  OptionGreeks: z.object({ iv: greek, delta: greek, gamma: greek, theta: greek, vega: greek, rho: greek }).optional(),
});

export const EtradeOptionChainResponse = z.object({
  OptionChainResponse: z.object({
    OptionPair: z.array(z.unknown()).optional(),
    SelectedED: z.object({ year: z.number().int(), month: z.number().int(), day: z.number().int() }).optional(),
  }),
});

function zodReason(error: z.ZodError): string {
  return error.issues.slice(0, 4).map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; ');
}

function parseWith<S extends z.ZodTypeAny>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidRecordError(`${what}: ${zodReason(parsed.error)}`);
  return parsed.data;
}

/** Maps each item, turning any failure into a rejection (never throws per item). */
function mapEach<T>(items: readonly unknown[], at: (i: number) => string, map: (item: unknown) => T, out: EtradeMapped<T>): void {
  items.forEach((item, i) => {
    try {
      out.records.push(map(item));
    } catch (err) {
      out.rejected.push({ at: at(i), item, reason: (err as Error).message });
    }
  });
}

function mapQuote(item: unknown, ctx: EtradeContext, symbols: ReadonlySet<string>): EtradeQuote {
  const q = parseWith(EtradeQuoteData, item, 'quote');
  if (!symbols.has(q.Product.symbol)) throw new InvalidRecordError(`quote: symbol ${q.Product.symbol} was not requested`);
  return {
    symbol: q.Product.symbol, provider: ctx.provider, eventTime: q.dateTimeUTC * 1_000_000, ingestTime: ctx.ingestTime,
    bidPrice: jsonPrice('bid', q.All.bid), bidSize: q.All.bidSize, bidExchange: q.All.bidExchange?.trim() || null,
    askPrice: jsonPrice('ask', q.All.ask), askSize: q.All.askSize, askExchange: null, conditions: [], tape: null,
  };
}

/**
 * A GET /v1/market/quote/{symbols} answer to quotes. Throws InvalidRecordError only when the
 * envelope is not a QuoteResponse; an E*TRADE message (e.g. an invalid symbol) is a rejection.
 */
export function mapEtradeQuotes(body: unknown, ctx: EtradeContext & { symbols: readonly string[] }): EtradeMapped<EtradeQuote> {
  const response = parseWith(EtradeQuoteResponse, body, 'quote response is malformed').QuoteResponse;
  const out: EtradeMapped<EtradeQuote> = { records: [], rejected: [] };
  const symbols = new Set(ctx.symbols);
  mapEach(response.QuoteData ?? [], (i) => `QuoteData[${i}]`, (item) => mapQuote(item, ctx, symbols), out);
  for (const m of response.Messages?.Message ?? []) {
    const label = [m.type ?? 'message', m.code].filter((part) => part !== undefined).join(' ');
    out.rejected.push({ at: 'Messages', item: m, reason: `E*TRADE ${label}: ${m.description}` });
  }
  return out;
}

const nullablePrice = (name: string, value: number | undefined) => (value === undefined ? null : jsonPrice(name, value));

/** The contract named by osiKey, checked against the leg's own type and strike. */
function contract(leg: z.infer<typeof EtradeOptionLeg>, expiry: string | undefined) {
  const osi = parseOccSymbol(leg.osiKey.replace(/-/g, ' '));
  if (osi.type !== (leg.optionType === 'CALL' ? 'C' : 'P')) throw new InvalidRecordError(`osiKey ${leg.osiKey} is not a ${leg.optionType}`);
  if (compareDecimal(osi.strike, jsonPrice('strikePrice', leg.strikePrice)) !== 0) throw new InvalidRecordError(`osiKey ${leg.osiKey} has another strike than ${leg.strikePrice}`);
  if (expiry && osi.expiry !== expiry) throw new InvalidRecordError(`osiKey ${leg.osiKey} expires on another day than the chain's ${expiry}`);
  return osi;
}

function mapLeg(item: unknown, expiry: string | undefined): EtradeOptionQuote {
  const leg = parseWith(EtradeOptionLeg, item, 'option');
  const osi = contract(leg, expiry);
  const g = leg.OptionGreeks ?? {};
  return {
    occSymbol: formatOccSymbol(osi), underlying: leg.symbol, expiry: osi.expiry, strike: osi.strike, type: osi.type,
    bid: nullablePrice('bid', leg.bid), ask: nullablePrice('ask', leg.ask), last: nullablePrice('lastPrice', leg.lastPrice),
    volume: leg.volume ?? null, openInterest: leg.openInterest ?? null,
    iv: g.iv ?? null, delta: g.delta ?? null, gamma: g.gamma ?? null, theta: g.theta ?? null, vega: g.vega ?? null, rho: g.rho ?? null,
    quoteTime: leg.timeStamp * 1_000_000,
  };
}

function legsOf(pair: unknown, index: number): Array<{ at: string; leg: unknown }> {
  if (typeof pair !== 'object' || pair === null) return [{ at: `OptionPair[${index}]`, leg: pair }];
  const { Call, Put } = pair as { Call?: unknown; Put?: unknown };
  const legs = [['Call', Call], ['Put', Put]].filter(([, leg]) => leg !== undefined).map(([side, leg]) => ({ at: `OptionPair[${index}].${side}`, leg }));
  return legs.length ? legs : [{ at: `OptionPair[${index}]`, leg: pair }];
}

/** A GET /v1/market/optionchains answer to option quotes, calls and puts alike. */
export function mapEtradeOptionChain(body: unknown): EtradeMapped<EtradeOptionQuote> {
  const response = parseWith(EtradeOptionChainResponse, body, 'option chain response is malformed').OptionChainResponse;
  const ed = response.SelectedED;
  const expiry = ed && `${ed.year}-${String(ed.month).padStart(2, '0')}-${String(ed.day).padStart(2, '0')}`;
  const legs = (response.OptionPair ?? []).flatMap(legsOf);
  const out: EtradeMapped<EtradeOptionQuote> = { records: [], rejected: [] };
  mapEach(legs.map((l) => l.leg), (i) => legs[i].at, (leg) => mapLeg(leg, expiry), out);
  return out;
}
