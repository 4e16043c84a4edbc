import { Controller, Get } from '@nestjs/common';
import { RequireScope } from '@md/observability';
import { GatewayService } from './gateway.service';

// Operational state, not market data: the admin scope (issue 18).
@RequireScope('admin')
@Controller('v1')
export class ReplayController {
  constructor(private readonly gateway: GatewayService) {}

  /** Progress of the current or last file replay (rows read, published, rejected by reason). */
  @Get('replay')
  status() {
    return this.gateway.replayStatus();
  }

  /** Each streaming connector: state, subscriptions, reconnects by reason, counts, backfilled bars. */
  @Get('streams')
  streams() {
    return { streams: this.gateway.streamStatus() };
  }
}
