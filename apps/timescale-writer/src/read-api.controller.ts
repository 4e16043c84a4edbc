import { Controller, Get, Inject, Query, UseFilters } from '@nestjs/common';
import { type Timeframe } from '@md/contracts';
import { fillGaps, fillReach, microsToIso, type FillableBar, type GapFillOptions, type GapPolicy, type SessionScope } from '@md/market';
import { barsSummary, corporateActions, latestBars, optionChain, queryBars, type BarRow, type BarsQuery } from '@md/storage';
import type { WriterConfig } from './config';
import { BadQueryFilter, parseQuery } from '@md/observability';
import { actionsQuery, barsQuery, chainQuery, latestQuery, summaryQuery } from './read-api.schemas';
import { CONFIG } from '@md/config';
import { StorageService } from './storage.service';

/**
 * A gap with more empty open slots than one regular session holds (a week of days) stays empty:
 * that is a missing session, which the quality monitor reports, not a quiet market.
 */
const MAX_FILL_BARS: Record<Timeframe, number> = { '1m': 390, '5m': 78, '15m': 26, '1h': 7, '1d': 5 };

type StoredBar = Omit<BarRow, 'volume'> & FillableBar;

const toFillable = (row: BarRow): StoredBar => ({ ...row, eventTime: Date.parse(row.time) * 1000, volume: Number(row.volume), tradeCount: null });

const toJson = (b: StoredBar & { fill: string }) => ({
  symbol: b.symbol, timeframe: b.timeframe, time: microsToIso(b.eventTime), open: b.open, high: b.high, low: b.low, close: b.close,
  volume: String(b.volume), vwap: b.vwap, fill: b.fill,
});

/** Read API over the stored bars, option chains and corporate actions. Every value is a bound parameter. */
@Controller('v1')
@UseFilters(BadQueryFilter)
export class ReadApiController {
  constructor(@Inject(CONFIG) private readonly config: WriterConfig, private readonly storage: StorageService) {}

  @Get('bars')
  async bars(@Query() query: unknown) {
    const q = parseQuery(barsQuery(this.config.MAX_QUERY_ROWS), query);
    const range: BarsQuery = { ...q, timeframe: q.timeframe as Timeframe };
    // fill=none returns the stored rows untouched, only marked real.
    const rows = q.fill === 'none'
      ? (await queryBars(this.storage.db, this.storage.schema, range)).map((r) => ({ ...r, fill: 'none' }))
      : await this.filledBars(range, q.fill, q.sessions);
    const { symbol, timeframe, adjusted, fill, sessions } = q;
    return { symbol, timeframe, adjusted, fill, sessions, count: rows.length, truncated: rows.length === q.limit, bars: rows };
  }

  /**
   * Stored bars with the empty open slots filled. The nearest stored bar on each side (within
   * fillReach) anchors the first and last gap, so a page that starts or ends in a gap is filled as
   * the whole series would be. The limit counts the rows returned, fills included.
   */
  private async filledBars(range: BarsQuery, policy: GapPolicy, sessions: SessionScope) {
    const options: GapFillOptions = { policy, sessions, timeframe: range.timeframe, maxFillBars: MAX_FILL_BARS[range.timeframe] };
    const [from, to] = [range.from.getTime() * 1000, range.to.getTime() * 1000];
    const reach = fillReach(from, to, options);
    const query = (q: Partial<BarsQuery>) => queryBars(this.storage.db, this.storage.schema, { ...range, ...q });
    const [rows, before] = await Promise.all([query({}), query({ from: new Date(reach.from / 1000), to: range.from, limit: 1, order: 'desc' })]);
    // A full page stops short of the range's end: its last gap belongs to the next page.
    const after = rows.length === range.limit ? [] : await query({ from: range.to, to: new Date(reach.to / 1000), limit: 1 });
    const filled = fillGaps([...before, ...rows, ...after].map(toFillable), options);
    const inRange = filled.slice(before.length, filled.length - after.length).filter((b) => b.fill === 'none' || (b.eventTime >= from && b.eventTime < to));
    return inRange.slice(0, range.limit).map(toJson);
  }

  @Get('bars/latest')
  async latest(@Query() query: unknown) {
    const q = parseQuery(latestQuery, query);
    return { bars: await latestBars(this.storage.db, this.storage.schema, q.symbols) };
  }

  @Get('bars/summary')
  async summary(@Query() query: unknown) {
    const q = parseQuery(summaryQuery, query);
    return barsSummary(this.storage.db, this.storage.schema, q.symbol, q.timeframe as Timeframe);
  }

  @Get('options/chain')
  async chain(@Query() query: unknown) {
    const q = parseQuery(chainQuery(this.config.MAX_QUERY_ROWS), query);
    return { underlying: q.underlying, expiry: q.expiry ?? null, contracts: await optionChain(this.storage.db, this.storage.schema, q.underlying, q.expiry, q.limit) };
  }

  @Get('corporate-actions')
  async actions(@Query() query: unknown) {
    const q = parseQuery(actionsQuery(this.config.MAX_QUERY_ROWS), query);
    return { symbol: q.symbol, actions: await corporateActions(this.storage.db, this.storage.schema, q.symbol, q.limit) };
  }
}
