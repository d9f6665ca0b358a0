import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';

export class BookingPersonDto {
  @ApiProperty({ example: '440106195501010011' }) @IsString() @Length(15, 18) idNumber: string;
  @ApiProperty({ example: '陈老伯' }) @IsString() @Length(1, 100) name: string;
}

export class BookDto {
  @ApiProperty({ example: '440600', description: 'The hospital’s city (another city)' }) @Matches(/^\d{6}$/) hospitalCity: string;
  @ApiProperty({ example: 'H44060400001' }) @Matches(/^[A-Z0-9]{1,30}$/, { message: 'must be an institution code' }) hospitalCode: string;
  @ApiProperty({ example: '1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f', description: 'The slot (GET /medical/slots lists the other city’s)' })
  @IsUUID()
  slotId: string;
  @ApiPropertyOptional({ type: BookingPersonDto, description: 'Clerks: the person; residents book for themselves' })
  @IsOptional()
  @ValidateNested()
  @Type(() => BookingPersonDto)
  person?: BookingPersonDto;
}

export class BookingSlotDto {
  @ApiProperty({ example: '心血管内科' }) department: string;
  @ApiProperty({ example: '2027-01-11T01:00:00.000Z' }) startsAt: string;
}
export class LateAnswerDto {
  @ApiProperty({ enum: ['confirmed', 'refused'], example: 'confirmed' }) outcome: string;
  @ApiProperty({ example: '2026-03-05T01:02:00.000Z' }) at: string;
}

export class BookingViewDto {
  @ApiProperty({ example: '5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d' }) id: string;
  @ApiProperty({ example: '440600' }) hospitalCity: string;
  @ApiProperty({ example: 'H44060400001' }) hospitalCode: string;
  @ApiProperty({ example: '1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f' }) slotId: string;
  @ApiProperty({ enum: ['pending', 'confirmed', 'refused', 'timed-out', 'cancelled', 'withdrawn'], example: 'confirmed' }) state: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      'MEDICAL_SLOT_FULL, MEDICAL_SLOT_NOT_FOUND, MEDICAL_BOOKING_EXPIRED (the hospital), MEDICAL_BOOKING_TIMED_OUT, or MEDICAL_SLOT_WITHDRAWN (停诊)',
  })
  refusal: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'Why, in words (timed-out; withdrawn: the hospital’s reason)' })
  reason: string | null;
  @ApiProperty({ type: BookingSlotDto, nullable: true }) slot: BookingSlotDto | null;
  @ApiProperty({ example: '2026-03-05T01:00:00.000Z' }) requestedAt: string;
  @ApiProperty({ example: '2026-03-05T01:01:00.000Z' }) deadlineAt: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-03-05T01:00:01.000Z' }) answeredAt: string | null;
  @ApiProperty({ type: LateAnswerDto, nullable: true, description: 'An answer after the timeout: recorded, the booking stays timed-out' })
  lateAnswer: LateAnswerDto | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'When the booking was cancelled (its place is released)' })
  cancelledAt: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: '停诊: when the hospital withdrew the slot (its place is released)',
  })
  withdrawnAt: string | null;
}

export class BookingPageDto {
  @ApiProperty({ type: [BookingViewDto] }) items: BookingViewDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor: string | null;
}
