import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { DeadlineBasis, DeadlineView } from '../../application/catalogue.views.js';

export class PauseDto {
  @ApiProperty({ description: 'First paused day (inclusive), YYYY-MM-DD or ISO date-time', example: '2025-09-29' })
  @IsString()
  @MaxLength(40)
  from: string;

  @ApiProperty({ description: 'Last paused day (inclusive)', example: '2025-09-30' })
  @IsString()
  @MaxLength(40)
  to: string;
}

export class DeadlineRequestDto {
  @ApiProperty({
    description: 'Start: a date (Asia/Shanghai) or an ISO date-time; the start day itself is not counted',
    example: '2025-09-26',
  })
  @IsString()
  @MaxLength(40)
  start: string;

  @ApiPropertyOptional({ enum: ['legal', 'committed'], default: 'committed', example: 'legal' })
  @IsOptional()
  @IsIn(['legal', 'committed'])
  basis?: DeadlineBasis;

  @ApiPropertyOptional({ type: [PauseDto], description: 'Intervals when the clock stops (补正, 听证, 检验检测…)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PauseDto)
  pauses?: PauseDto[];
}

export class DeadlineDto implements DeadlineView {
  @ApiProperty({ example: '2026.1' }) version: string;
  @ApiProperty({ example: 'XK00101000' }) itemCode: string;
  @ApiProperty({ enum: ['legal', 'committed'], example: 'legal' }) basis: DeadlineBasis;
  @ApiProperty({ example: 3 }) workingDays: number;
  @ApiProperty({ example: '2025-09-26' }) start: string;
  @ApiProperty({ example: '2025-09-30' }) deadline: string;
  @ApiProperty({ example: 0 }) pausedWorkingDays: number;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone: string;
  @ApiProperty({
    example: false,
    description:
      'True when the count crosses a year without a State Council notice: counted on the statutory holidays of the 放假办法 only, recomputed once the notice is loaded',
  })
  provisional: boolean;
  @ApiProperty({ type: [Number], example: [] }) provisionalYears: number[];
}
