import { Body, Controller, Get, HttpCode, Param, Post, Query, UsePipes } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { createValidationPipe } from '@guangfo/platform';
import { CachedRead, PublicRead } from './catalogue-endpoint.decorator.js';
import { catalogueError } from '../catalogue.errors.js';
import { CatalogueService } from '../application/catalogue.service.js';
import type {
  CommitmentView,
  DeadlineView,
  ItemMaterials,
  ItemPage,
  ItemView,
  RouteList,
  VersionView,
} from '../application/catalogue.views.js';
import type { CredentialType } from '../domain/catalogue.schema.js';
import { ListItemsQueryDto, RoutesQueryDto, VersionQueryDto } from './dto/catalogue-query.dto.js';
import { CommitmentDto } from './dto/commitment.dto.js';
import { DeadlineDto, DeadlineRequestDto } from './dto/deadline.dto.js';
import { ItemDto, ItemPageDto } from './dto/item.dto.js';
import { CredentialTypeDto, ItemMaterialsDto } from './dto/materials.dto.js';
import { RouteListDto } from './dto/route.dto.js';
import { VersionDto } from './dto/version.dto.js';

const codeParam = ApiParam({ name: 'code', description: 'Base code (基本编码) or implementation code (实施编码)', example: 'GG00101001' });

/** The plan's service catalogue, read-only. Routes live under /api/v1/catalogue (the app sets the prefix). */
@ApiTags('catalogue')
@Controller('catalogue')
@UsePipes(
  createValidationPipe((fieldErrors) =>
    catalogueError('CATALOGUE_INVALID_QUERY', { detail: fieldErrors.map((f) => f.message).join('; '), fieldErrors }),
  ),
)
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get('items')
  @CachedRead(
    'List service items',
    ItemPageDto,
    'Filters combine with AND; pages are ordered by code. `q` matches Chinese or English names, keywords, codes, bodies and materials.',
  )
  listItems(@Query() { version, cursor, limit, ...filter }: ListItemsQueryDto): ItemPage {
    return this.catalogue.listItems(filter, { cursor, limit }, version);
  }

  @Get('items/:code')
  @codeParam
  @CachedRead('Get one item', ItemDto)
  getItem(@Param('code') code: string, @Query() { version }: VersionQueryDto): ItemView {
    return this.catalogue.getItem(code, version);
  }

  @Get('items/:code/materials')
  @codeParam
  @CachedRead("An item's materials with the credential types that may replace each", ItemMaterialsDto)
  getMaterials(@Param('code') code: string, @Query() { version }: VersionQueryDto): ItemMaterials {
    return this.catalogue.getMaterials(code, version);
  }

  @Post('items/:code/deadline')
  @HttpCode(200)
  @codeParam
  @PublicRead(
    'Compute the deadline of an item from a start date',
    DeadlineDto,
    'Counts working days on the official PRC calendar in Asia/Shanghai (holidays and 调休 make-up days); the start day is not counted; pauses stop the clock. A year without a State Council notice is counted provisionally on the statutory holidays (provisional: true).',
  )
  computeDeadline(@Param('code') code: string, @Body() body: DeadlineRequestDto, @Query() { version }: VersionQueryDto): DeadlineView {
    return this.catalogue.computeDeadline(code, body, version);
  }

  @Get('routes')
  @CachedRead('Which items a resident of `from` can file at `at`, administered by whom, in which mode', RouteListDto)
  findRoutes(@Query() { version, ...query }: RoutesQueryDto): RouteList {
    return this.catalogue.findRoutes(query, version);
  }

  @Get('credential-types')
  @CachedRead('Credential types that may replace materials', [CredentialTypeDto])
  credentialTypes(@Query() { version }: VersionQueryDto): readonly CredentialType[] {
    return this.catalogue.credentialTypes(version);
  }

  @Get('commitments')
  @CachedRead('Plan commitments and the items implementing them', [CommitmentDto])
  commitments(@Query() { version }: VersionQueryDto): CommitmentView[] {
    return this.catalogue.commitments(version);
  }

  @Get('version')
  @CachedRead('Version label, content hash and start date of a catalogue (default: current)', VersionDto)
  version(@Query() { version }: VersionQueryDto): VersionView {
    return this.catalogue.version(version);
  }

  @Get('versions')
  @PublicRead('Every loaded catalogue version, newest first', [VersionDto])
  versions(): VersionView[] {
    return this.catalogue.versions();
  }
}
