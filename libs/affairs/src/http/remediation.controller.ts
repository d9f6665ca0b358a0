import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@guangfo/platform';
import { ResolveRemediationDto } from './dto/case-actions.dto.js';
import { RemediationQueryDto } from './dto/case-query.dto.js';
import { RemediationDto, RemediationPageDto } from './dto/case-view.dto.js';
import { RemediationService, type RemediationView } from '../application/remediation.service.js';

/** 差评整改: remediation tasks opened by ratings of 1 or 2, for this city's supervisors. */
@ApiTags('cases')
@Controller('remediations')
export class RemediationController {
  constructor(private readonly remediations: RemediationService) {}

  @Get()
  @Access({ roles: ['supervisor'] })
  @ApiOperation({ summary: 'Remediation tasks of this city (open first, by due date)' })
  @ApiOkResponse({ type: RemediationPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: RemediationQueryDto): Promise<{ items: RemediationView[] }> {
    return this.remediations.list(p, q);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Access({ roles: ['supervisor'] })
  @ApiOperation({ summary: 'Close a remediation task with what was done' })
  @ApiOkResponse({ type: RemediationDto })
  resolve(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() b: ResolveRemediationDto,
  ): Promise<RemediationView> {
    return this.remediations.resolve(p, id, b.resolution);
  }
}
