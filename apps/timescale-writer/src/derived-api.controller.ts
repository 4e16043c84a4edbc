import { Controller, Get, Inject, Query, UseFilters } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { type Timeframe } from '@md/contracts';
import { BadQueryFilter, parseQuery } from '@md/observability';
import { altSignals, featureVectors, qualityIssues } from '@md/storage';
import type { WriterConfig } from './config';
import { featuresQuery, issuesQuery, signalsQuery } from './read-api.schemas';
import { StorageService } from './storage.service';

/**
 * Point-in-time reads of the derived tables: with `asOf`, nothing is returned that could not be
 * known then (availableTime <= asOf), so a backtest that reads as of each of its steps never sees
 * the future. Without it, everything stored in the range.
 */
@Controller('v1')
@UseFilters(BadQueryFilter)
export class DerivedApiController {
  constructor(@Inject(CONFIG) private readonly config: WriterConfig, private readonly storage: StorageService) {}

  @Get('features')
  async features(@Query() query: unknown) {
    const q = parseQuery(featuresQuery(this.config.MAX_QUERY_ROWS), query);
    const vectors = await featureVectors(this.storage.db, this.storage.schema, { ...q, timeframe: q.timeframe as Timeframe });
    return { symbol: q.symbol, timeframe: q.timeframe, asOf: q.asOf?.toISOString() ?? null, count: vectors.length, truncated: vectors.length === q.limit, vectors };
  }

  @Get('quality/issues')
  async issues(@Query() query: unknown) {
    const q = parseQuery(issuesQuery(this.config.MAX_QUERY_ROWS), query);
    const issues = await qualityIssues(this.storage.db, this.storage.schema, q);
    return { asOf: q.asOf?.toISOString() ?? null, count: issues.length, truncated: issues.length === q.limit, issues };
  }

  @Get('altdata/signals')
  async signals(@Query() query: unknown) {
    const q = parseQuery(signalsQuery(this.config.MAX_QUERY_ROWS), query);
    const signals = await altSignals(this.storage.db, this.storage.schema, q);
    return { symbol: q.symbol, asOf: q.asOf?.toISOString() ?? null, count: signals.length, truncated: signals.length === q.limit, signals };
  }
}
