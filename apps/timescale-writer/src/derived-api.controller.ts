import { Controller, Get, Inject, Query, Res, UseFilters } from '@nestjs/common';
import { CONFIG } from '@md/config';
import { type Timeframe } from '@md/contracts';
import { BadQueryFilter, parseQuery } from '@md/observability';
import { exportFileName, featureCells, featureColumns } from '@md/columnar';
import { altSignals, featureNamesIn, featureVectors, qualityIssues } from '@md/storage';
import type { WriterConfig } from './config';
import { featurePages, sendExport, type ExportReply } from './export-response';
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

  /** format=csv|arrow|parquet: one float64 column per feature name the range holds (featureNamesIn). */
  @Get('features')
  async features(@Query() query: unknown, @Res() res: ExportReply): Promise<void> {
    const q = parseQuery(featuresQuery(this.config.MAX_QUERY_ROWS), query);
    const request = { ...q, timeframe: q.timeframe as Timeframe };
    const { db, schema } = this.storage;
    if (q.format !== 'json') {
      const names = await featureNamesIn(db, schema, request);
      const fileName = exportFileName([q.symbol, q.timeframe, 'features'], q.format);
      return sendExport(res, { format: q.format, fileName, columns: featureColumns(names), pages: featurePages(db, schema, request), cells: (v) => featureCells(v, names) });
    }
    const vectors = await featureVectors(db, schema, request);
    res.json({ symbol: q.symbol, timeframe: q.timeframe, asOf: q.asOf?.toISOString() ?? null, count: vectors.length, truncated: vectors.length === q.limit, vectors });
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
