import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CITY_CODE_PATTERN, VERSION_LABEL_PATTERN } from '../../domain/common.schema.js';
import {
  CHANNELS,
  DOMAINS,
  HANDLING_MODES,
  ITEM_KINDS,
  type Channel,
  type Domain,
  type HandlingMode,
  type ItemKind,
} from '../../domain/item.schema.js';
import { MAX_PAGE_LIMIT } from '../../domain/catalogue.query.js';

export class VersionQueryDto {
  @ApiPropertyOptional({ description: 'Catalogue version label; default: the current version', example: '2026.1' })
  @IsOptional()
  @Matches(VERSION_LABEL_PATTERN, { message: 'version must look like 2026.1' })
  version?: string;
}

export class ListItemsQueryDto extends VersionQueryDto {
  @ApiPropertyOptional({ description: 'GB/T 2260 city code: items with a route this city receives or administers', example: '440600' })
  @IsOptional()
  @Matches(CITY_CODE_PATTERN, { message: 'city must be a 6-digit GB/T 2260 code' })
  city?: string;

  @ApiPropertyOptional({ enum: DOMAINS, example: 'medical-settlement' })
  @IsOptional()
  @IsIn(DOMAINS)
  domain?: Domain;

  @ApiPropertyOptional({ enum: HANDLING_MODES, description: 'online = 全程网办, proxy = 异地代收代办, joint = 多地联办', example: 'proxy' })
  @IsOptional()
  @IsIn(HANDLING_MODES)
  mode?: HandlingMode;

  @ApiPropertyOptional({ enum: ITEM_KINDS, description: '事项类型', example: '公共服务' })
  @IsOptional()
  @IsIn(ITEM_KINDS)
  kind?: ItemKind;

  @ApiPropertyOptional({ enum: CHANNELS, example: 'self-service' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ description: 'Free text, Chinese or English; every space-separated term must match', example: '就医 备案' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (nextCursor)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: 20, example: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;
}

export class RoutesQueryDto extends VersionQueryDto {
  @ApiPropertyOptional({ description: "The applicant's own city (户籍/参保/持证地)", example: '440600' })
  @IsOptional()
  @Matches(CITY_CODE_PATTERN, { message: 'from must be a 6-digit GB/T 2260 code' })
  from?: string;

  @ApiPropertyOptional({ description: 'Where the application is lodged (收件地)', example: '440600' })
  @IsOptional()
  @Matches(CITY_CODE_PATTERN, { message: 'at must be a 6-digit GB/T 2260 code' })
  at?: string;

  @ApiPropertyOptional({ description: 'Whose authority decides (办理地)', example: '440100' })
  @IsOptional()
  @Matches(CITY_CODE_PATTERN, { message: 'administeredBy must be a 6-digit GB/T 2260 code' })
  administeredBy?: string;

  @ApiPropertyOptional({ enum: HANDLING_MODES, example: 'proxy' })
  @IsOptional()
  @IsIn(HANDLING_MODES)
  mode?: HandlingMode;

  @ApiPropertyOptional({ enum: CHANNELS, example: 'window' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ enum: DOMAINS, example: 'social-insurance' })
  @IsOptional()
  @IsIn(DOMAINS)
  domain?: Domain;

  @ApiPropertyOptional({ description: 'Free text, Chinese or English', example: '养老' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}
