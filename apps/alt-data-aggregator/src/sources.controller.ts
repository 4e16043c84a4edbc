import { Controller, Get } from '@nestjs/common';
import { RequireScope } from '@md/observability';
import { AggregatorService } from './aggregator.service';

/** GET /v1/sources: each configured source and its state (running, waiting, done, failed with why). */
// Operational state, not market data: the admin scope (issue 18).
@RequireScope('admin')
@Controller('v1/sources')
export class SourcesController {
  constructor(private readonly aggregator: AggregatorService) {}

  @Get()
  sources() {
    return { sources: this.aggregator.sourceStatus() };
  }
}
