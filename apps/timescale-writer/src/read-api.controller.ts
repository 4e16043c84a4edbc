import { BadRequestException, Controller, Get, Inject, Query, UseFilters, type ArgumentsHost, type ExceptionFilter, Catch } from '@nestjs/common';
import type { Timeframe } from '@md/domain';
import { barsSummary, corporateActions, latestBars, optionChain, queryBars } from '@md/storage';
import type { WriterConfig } from './config';
import { BadQuery, actionsQuery, barsQuery, chainQuery, latestQuery, parseQuery, summaryQuery } from './read-api.schemas';
import { CONFIG, StorageService } from './storage.service';

@Catch(BadQuery)
class BadQueryFilter implements ExceptionFilter {
  catch(err: BadQuery, host: ArgumentsHost) {
    const res = host.switchToHttp().getResponse();
    const body = new BadRequestException(err.message).getResponse();
    res.status(400).json(body);
  }
}

/** Read API over the stored bars, option chains and corporate actions. Every value is a bound parameter. */
@Controller('v1')
@UseFilters(BadQueryFilter)
export class ReadApiController {
  constructor(@Inject(CONFIG) private readonly config: WriterConfig, private readonly storage: StorageService) {}

  @Get('bars')
  async bars(@Query() query: unknown) {
    const q = parseQuery(barsQuery(this.config.MAX_QUERY_ROWS), query);
    const rows = await queryBars(this.storage.db, this.storage.schema, { ...q, timeframe: q.timeframe as Timeframe });
    return { symbol: q.symbol, timeframe: q.timeframe, adjusted: q.adjusted, count: rows.length, truncated: rows.length === q.limit, bars: rows };
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
