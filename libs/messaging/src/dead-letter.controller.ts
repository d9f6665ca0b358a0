import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Access, actorOf, CurrentPrincipal, type Principal } from '@guangfo/platform';
import { DeadLetterService, type DeadLetterView } from './dead-letter.service.js';

const REASONS = [
  'MALFORMED',
  'UNSIGNED',
  'UNKNOWN_SIGNER',
  'SIGNATURE_INVALID',
  'NOT_ADDRESSED_HERE',
  'UNKNOWN_TYPE',
  'SCHEMA_INVALID',
  'PERSONAL_DATA_UNSEALED',
  'HANDLER_FAILED',
];

export class DeadLetterQueryDto {
  @ApiPropertyOptional({ enum: REASONS }) @IsOptional() @IsIn(REASONS) reasonCode?: string;
  @ApiPropertyOptional({ description: 'true: only those not replayed yet' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  pending?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

@ApiTags('admin')
@Controller('admin/dead-letters')
export class DeadLetterController {
  constructor(private readonly deadLetters: DeadLetterService) {}

  @Get()
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Events this city rejected, newest first, with the reason (cursor pagination)' })
  @ApiOkResponse({ description: '{ items, nextCursor }' })
  list(@Query() q: DeadLetterQueryDto): Promise<{ items: DeadLetterView[]; nextCursor: string | null }> {
    return this.deadLetters.list({ ...q, limit: q.limit ?? 50 });
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Access({ roles: ['admin'] })
  @ApiOperation({ summary: 'Re-run a dead letter through signature, schema and handlers (after its cause is fixed)' })
  replay(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<DeadLetterView & { outcome: string }> {
    return this.deadLetters.replay(id, actorOf(p));
  }
}
