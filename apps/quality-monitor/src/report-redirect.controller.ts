import { Controller, Get, Inject, Redirect, Req } from '@nestjs/common';
import type { QualityConfig } from './config';
import { CONFIG } from '@md/config';

/**
 * The report is built from the stored quality rows, so the timescale-writer, which owns the
 * database (the only process that can open the embedded one), serves it; here it is a redirect
 * that keeps the query string.
 */
@Controller('v1/quality')
export class ReportRedirectController {
  constructor(@Inject(CONFIG) private readonly config: QualityConfig) {}

  @Get('report')
  @Redirect(undefined, 307)
  report(@Req() req: { url: string }) {
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
    return { url: `${this.config.READ_API_URL.replace(/\/$/, '')}/v1/quality/report${query}` };
  }
}
