import { Controller, Get, Header, Inject, Query, Res, UseFilters } from '@nestjs/common';
import { buildQualityReport, chartDayBars, flaggedDays, newYorkDayRange, reportHtml, reportMarkdown, reportWindow } from '@md/quality';
import { barsOfRanges, qualityIssues } from '@md/storage';
import type { WriterConfig } from './config';
import { BadQueryFilter, parseQuery } from '@md/observability';
import { qualityReportQuery } from './read-api.schemas';
import { CONFIG } from '@md/config';
import { StorageService } from './storage.service';

/** A New York day has at most 1440 minutes: the bound on one price chart's bars. */
const MAX_BARS_PER_DAY = 1440;

/**
 * GET /v1/quality/report?from&to&symbols&format=json|markdown|html&chartDays. Served by the writer
 * because it owns the database (in embedded mode no other process can open it); the
 * quality-monitor redirects its own /v1/quality/report here. The report covers the whole New
 * York days whose noon is in [from, to) (reportWindow), so the rows are read by that window.
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
    const window = reportWindow(q.from, q.to);
    const { db, schema } = this.storage;
    const rows = (await qualityIssues(db, schema, { from: new Date(window.start), to: new Date(window.end), symbols: q.symbols, limit: limit + 1 }));
    const shown = rows.slice(0, limit);
    // Only the HTML page draws price charts; the other formats skip the bars query.
    const days = q.format === 'html' ? flaggedDays(shown, q.chartDays) : [];
    const ranges = days.map((d) => ({ symbol: d.symbol, from: new Date(newYorkDayRange(d.date).from), to: new Date(newYorkDayRange(d.date).to) }));
    const bars = (await barsOfRanges(db, schema, ranges, MAX_BARS_PER_DAY)).map((b) => ({ symbol: b.symbol, time: b.time, close: Number(b.close) }));
    const report = buildQualityReport(shown, { from: q.from.toISOString(), to: q.to.toISOString(), truncated: rows.length > limit, dayBars: chartDayBars(days, bars) });
    if (q.format === 'markdown') res.type('text/markdown; charset=utf-8').send(reportMarkdown(report));
    else if (q.format === 'html') res.type('text/html; charset=utf-8').send(reportHtml(report));
    else res.json(report);
  }
}
