import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { CITY_TRANSPORT, type CityTransport } from '@guangfo/messaging';
import { platformError, Public } from '@guangfo/platform';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(CITY_TRANSPORT) private readonly transport: CityTransport,
  ) {}

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: the city database answers and the event transport can deliver (Kafka: the broker answers for this node’s topics)',
  })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () =>
          this.indicators
            .check('database')
            .attempt(async () => {
              await this.dataSource.query('SELECT 1');
              return {};
            })
            .withTimeout(3000),
        async () => {
          const s = this.indicators.check('transport');
          const reason = await this.transport.probe();
          return reason === undefined ? s.up({ kind: this.transport.kind }) : s.down({ kind: this.transport.kind, message: reason });
        },
      ]);
    } catch (err) {
      if (err instanceof ServiceUnavailableException) {
        throw platformError('SERVICE_UNAVAILABLE', { detail: 'Not ready', extra: { checks: err.getResponse() } });
      }
      throw err;
    }
  }
}
