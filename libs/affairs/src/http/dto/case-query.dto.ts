import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { CaseQuery } from '../../application/case.commands.js';

/** GET /api/v1/cases — the clerk's queue (by deadline) or a resident's own cases. */
export class CaseQueryDto implements CaseQuery {
  @ApiPropertyOptional({ example: 'forwarded,accepted', description: 'One state or several, comma-separated' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z-]+(,[a-z-]+)*$/)
  @MaxLength(300)
  state?: string;

  @ApiPropertyOptional({ example: 'XK00201000', description: 'Catalogue item base code' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{2}\d{8}$/)
  item?: string;

  @ApiPropertyOptional({
    example: 'near',
    description:
      '`overdue`, `near` (≤ 3 working days left), `provisional` (due date counted across a year without an official holiday notice), or a date YYYY-MM-DD (due on or before)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^(overdue|near|provisional|\d{4}-\d{2}-\d{2})$/, { message: 'due must be overdue, near, provisional or YYYY-MM-DD' })
  due?: string;

  @ApiPropertyOptional({ example: true, description: "Only cases whose next step is this city's (the actionable queue)" })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  held?: boolean;

  @ApiPropertyOptional({ example: 'FS-CC-01', description: 'Only cases of this hall (or not yet assigned to one)' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  hall?: string;

  @ApiPropertyOptional({ description: 'Opaque cursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class RemediationQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'closed'], example: 'open' })
  @IsOptional()
  @IsIn(['open', 'closed'])
  status?: 'open' | 'closed';

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
