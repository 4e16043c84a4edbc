import { Controller, Get } from '@nestjs/common';
import { GatewayService } from './gateway.service';

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
