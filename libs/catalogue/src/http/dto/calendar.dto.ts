import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shapes of the calendar views (see calendar.controller.ts). */
export class CalendarIdentityDto {
  @ApiProperty({ example: '2025+2026', description: 'The official years' }) version: string;
  @ApiProperty({ example: 'a3f…', description: 'SHA-256 of the canonical JSON of the official years' }) hash: string;
}

export class CalendarYearDto {
  @ApiProperty({ example: 2026 }) year: number;
  @ApiProperty({ nullable: true, example: { title: '国务院办公厅关于2026年部分节假日安排的通知', date: '2025-11-04' } }) notice: {
    title: string;
    number?: string;
    date: string;
  } | null;
  @ApiProperty({ example: 33 }) holidays: number;
  @ApiProperty({ example: 6 }) workdays: number;
}

export class CalendarDto {
  @ApiProperty({ type: CalendarIdentityDto }) identity: CalendarIdentityDto;
  @ApiProperty({ type: [CalendarYearDto] }) official: CalendarYearDto[];
  @ApiProperty({ enum: ['statutory-holidays'], description: 'How a year without a notice is counted (marked provisional)' })
  provisional: string;
}
