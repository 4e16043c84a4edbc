import { Controller, Get } from '@nestjs/common';
import { RequireScope } from '@md/observability';
import { JobSchedulerService } from './job-scheduler.service';

// Operational state, not market data: the admin scope (issue 18).
@RequireScope('admin')
@Controller('v1')
export class JobsController {
  constructor(private readonly jobs: JobSchedulerService) {}

  /**
   * Each scheduled job: name, schedule, next run, pending retry, last run (start, end, outcome,
   * records, error cut to 500 characters) and run counts. Bounded: one entry per configured job.
   */
  @Get('jobs')
  list() {
    return { jobs: this.jobs.status() };
  }
}
