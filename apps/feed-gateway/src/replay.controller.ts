import { Controller, Get } from '@nestjs/common';
import { GatewayService } from './gateway.service';

@Controller('v1/replay')
export class ReplayController {
  constructor(private readonly gateway: GatewayService) {}

  /** Progress of the current or last file replay (rows read, published, rejected by reason). */
  @Get()
  status() {
    return this.gateway.replayStatus();
  }
}
