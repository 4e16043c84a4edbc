import type { PositionRecord, RiskEventRecord } from '@md/contracts';

// Position concentration (issue 17, risk events): one symbol's share of an account's gross
// exposure, sum over symbols of |quantity x price|. The price is the broker's own at the read
// (lastPrice), else the average entry price: a book read over REST is judged as the broker
// valued it then, with no second source of prices to disagree with.

export interface ConcentrationShare {
  readonly symbol: string;
  readonly exposure: number;
  readonly share: number;
}

const exposureOf = (p: PositionRecord): number => Math.abs(Number(p.quantity) * Number(p.lastPrice ?? p.averageEntryPrice));

/** Each open position's share of the account's gross exposure (positions of one account). */
export function concentrationShares(book: readonly PositionRecord[]): { gross: number; shares: ConcentrationShare[] } {
  const open = book.filter((p) => Number(p.quantity) !== 0);
  const gross = open.reduce((sum, p) => sum + exposureOf(p), 0);
  return { gross, shares: gross > 0 ? open.map((p) => ({ symbol: p.symbol, exposure: exposureOf(p), share: exposureOf(p) / gross })) : [] };
}

/**
 * A risk event per symbol whose share first passes `limit` (a fraction, 0.25 = 25%): `wasOver`
 * holds the symbols over it at the last read, so a concentration held for hours is one event, and
 * one that falls back and returns is a new one. Detected at the read's asOf.
 */
export function concentrationEvents(accountAlias: string, book: readonly PositionRecord[], limit: number, asOf: number, wasOver: ReadonlySet<string>): { events: RiskEventRecord[]; over: Set<string> } {
  const { gross, shares } = concentrationShares(book);
  const over = new Set(shares.filter((s) => s.share > limit).map((s) => s.symbol));
  const events = shares.filter((s) => over.has(s.symbol) && !wasOver.has(s.symbol)).map((s): RiskEventRecord => ({
    type: 'position_concentration', severity: s.share >= Math.min(1, 2 * limit) ? 'CRITICAL' : 'WARNING', symbol: s.symbol, accountAlias,
    metrics: JSON.stringify({ share: round(s.share), limit, exposure: round(s.exposure), grossExposure: round(gross), positions: shares.length }),
    detectedAt: asOf, availableTime: asOf,
  }));
  return { events, over };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The open positions of each account as last read, and the concentration events each new read
 * raises: what an account connector keeps, whether it reads the whole book (Alpaca) or only what
 * changed (E*TRADE). A position of quantity 0 leaves the book.
 */
export class ConcentrationWatch {
  private readonly books = new Map<string, Map<string, PositionRecord>>();
  private readonly over = new Map<string, Set<string>>();

  constructor(private readonly limit: number) {}

  /** The symbols of the account's open positions as last read. */
  openSymbols(accountAlias: string): string[] {
    return [...(this.books.get(accountAlias)?.keys() ?? [])];
  }

  /** Takes positions just read (of any accounts); returns the events of symbols newly over the limit, dated by the newest read. */
  update(positions: readonly PositionRecord[]): RiskEventRecord[] {
    const touched = new Map<string, number>();
    for (const p of positions) {
      const book = this.books.get(p.accountAlias) ?? this.books.set(p.accountAlias, new Map()).get(p.accountAlias)!;
      if (Number(p.quantity) === 0) book.delete(p.symbol);
      else book.set(p.symbol, p);
      touched.set(p.accountAlias, Math.max(touched.get(p.accountAlias) ?? 0, p.asOf));
    }
    return [...touched].flatMap(([alias, asOf]) => {
      const { events, over } = concentrationEvents(alias, [...this.books.get(alias)!.values()], this.limit, asOf, this.over.get(alias) ?? new Set());
      this.over.set(alias, over);
      return events;
    });
  }
}
