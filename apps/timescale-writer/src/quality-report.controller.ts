import { Controller, Get, Header, Inject, Query, Res, UseFilters } from '@nestjs/common';
import { buildQualityReport, reportHtml, reportMarkdown } from '@md/quality';
import { qualityIssues } from '@md/storage';
import type { WriterConfig } from './config';
import { BadQueryFilter, parseQuery } from '@md/observability';
import { qualityReportQuery } from './read-api.schemas';
import { CONFIG } from '@md/config';
import { StorageService } from './storage.service';

/**
 * GET /v1/quality/report?from&to&symbols&format=json|markdown|html. Served by the writer because
 * it owns the database (in embedded mode no other process can open it); the quality-monitor
 * redirects its own /v1/quality/report here.
 */
/** The part of Express's response used here (Nest's default platform; no @types/express needed). */
interface Reply {
  type(contentType: string): { send(body: string): void };
  json(body: unknown): void;
}

@Controller('v1/quality')
@UseFilters(BadQueryFilter)
export class QualityReportController {
  constructor(@Inject(CONFIG) private readonly config: WriterConfig, private readonly storage: StorageService) {}

  @Get('report')
  @Header('Cache-Control', 'no-store')
  async report(@Query() query: unknown, @Res() res: Reply): Promise<void> {
    const q = parseQuery(qualityReportQuery, query);
    const limit = this.config.MAX_QUERY_ROWS;
    const rows = await qualityIssues(this.storage.db, this.storage.schema, { from: q.from, to: q.to, symbols: q.symbols, limit: limit + 1 });
    const report = buildQualityReport(rows.slice(0, limit), { from: q.from.toISOString(), to: q.to.toISOString(), truncated: rows.length > limit });
    if (q.format === 'markdown') res.type('text/markdown; charset=utf-8').send(reportMarkdown(report));
    else if (q.format === 'html') res.type('text/html; charset=utf-8').send(reportHtml(report));
    else res.json(report);
  }
}
