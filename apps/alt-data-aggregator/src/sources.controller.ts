import { Controller, Get } from '@nestjs/common';
import { AggregatorService } from './aggregator.service';

/** GET /v1/sources: each configured source and its state (running, waiting, done, failed with why). */
@Controller('v1/sources')
export class SourcesController {
  constructor(private readonly aggregator: AggregatorService) {}

  @Get()
  sources() {
    return { sources: this.aggregator.sourceStatus() };
  }
}
