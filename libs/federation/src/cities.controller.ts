import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, actorOf, CurrentPrincipal, NODE_CONFIG, type NodeConfig, type Principal, Public } from '@guangfo/platform';
import { AnnouncementService } from './announcement.service.js';
import { CitiesService, type CitiesView } from './cities.service.js';

@ApiTags('cities')
@Controller()
export class CitiesController {
  constructor(
    private readonly cities: CitiesService,
    private readonly announcements: AnnouncementService,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  @Get('cities')
  @Public()
  @ApiOperation({ summary: 'The city registry, and what each peer city last announced (software, catalogue version, clock)' })
  @ApiOkResponse({ description: 'Registry with peer announcements and whether the catalogues agree' })
  list(): Promise<CitiesView> {
    return this.cities.view(this.config.cityCode);
  }

  @Post('admin/announce')
  @HttpCode(202)
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Announce this node to every other city now (it also does so at start and periodically)' })
  announce(@CurrentPrincipal() p: Principal): Promise<{ eventId: string }> {
    return this.announcements.announce(actorOf(p));
  }
}
