import { Controller, Get, Inject, Query, Res, UseFilters } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { type Timeframe } from '@md/contracts';
import { BadQueryFilter, parseQuery } from '@md/observability';
import { BAR_COLUMNS, barCells, exportFileName } from '@md/columnar';
import { barsSummary, corporateActions, latestBars, optionChain, storedSymbolSeries } from '@md/storage';
import { readBars } from './bars-reader';
import type { WriterConfig } from './config';
import { barPages, sendExport, type ExportReply } from './export-response';
import { actionsQuery, barsQuery, chainQuery, latestQuery, summaryQuery } from './read-api.schemas';
import { StorageService } from './storage.service';

/** Read API over the stored bars, option chains and corporate actions. Every value is a bound parameter. */
@Controller('v1')
@UseFilters(BadQueryFilter)
export class ReadApiController {
  constructor(@Inject(CONFIG) private readonly config: WriterConfig, private readonly storage: StorageService) {}

  /**
   * 1m rows as stored; coarser bars session-aligned (regular session unless sessions=extended); asOf: only bars ended by then.
   * format=csv|arrow|parquet: the same rows as a file (export-response.ts); the JSON answer is written here too (@Res).
   */
  @Get('bars')
  async bars(@Query() query: unknown, @Res() res: ExportReply): Promise<void> {
    const q = parseQuery(barsQuery(this.config.MAX_QUERY_ROWS), query);
    const timeframe = q.timeframe as Timeframe;
    const sessions = q.sessions ?? (timeframe === '1m' ? 'extended' : 'regular');
    // Adjusted bars follow the ticker's series through symbol changes (series-bars.ts); raw ones are the ticker's own.
    const series = q.adjusted ? await storedSymbolSeries(this.storage.db, this.storage.schema, q.symbol) : undefined;
    const request = { ...q, timeframe, sessions, series };
    if (q.format !== 'json') {
      const pages = barPages(this.storage.db, this.storage.schema, request);
      return sendExport(res, { format: q.format, fileName: exportFileName([q.symbol, timeframe, 'bars'], q.format), columns: BAR_COLUMNS, pages, cells: barCells });
    }
    const rows = await readBars(this.storage.db, this.storage.schema, request);
    const { symbol, adjusted, fill } = q;
    const tickers = series?.map((p) => ({ symbol: p.symbol, from: p.fromDate, to: p.toDate })) ?? null;
    res.json({ symbol, timeframe, adjusted, fill, sessions, asOf: q.asOf?.toISOString() ?? null, series: tickers, count: rows.length, truncated: rows.length === q.limit, bars: rows });
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
    // Every ticker of the symbol's series: META's answer includes what happened while it was FB.
    const tickers = [...new Set((await storedSymbolSeries(this.storage.db, this.storage.schema, q.symbol)).map((p) => p.symbol))];
    return { symbol: q.symbol, actions: await corporateActions(this.storage.db, this.storage.schema, tickers, q.limit) };
  }
}
