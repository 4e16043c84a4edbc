import { Controller, Get, Header, HttpException, HttpStatus } from '@nestjs/common';
import { Readiness } from './readiness';
import { StageMetrics } from './stage-metrics';

// /health: the process is alive (liveness). /ready: its clients are connected (readiness;
// 503 otherwise, so Kubernetes and the start script wait). /metrics: Prometheus text format.
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly metrics: StageMetrics,
  ) {}

  @Get('health')
  health() {
    return { status: 'ok', service: this.metrics.stage, uptimeSeconds: Math.round(process.uptime()) };
  }

  @Get('ready')
  async ready() {
    const report = await this.readiness.report();
    if (!report.ready) throw new HttpException(report, HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
