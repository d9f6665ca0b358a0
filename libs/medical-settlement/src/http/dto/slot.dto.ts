import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsISO8601, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MedicalPageQueryDto } from './medical.dto.js';

export class SlotHoldQueryDto extends MedicalPageQueryDto {}

/** A date-time with its offset (RFC 3339): a slot starts at an instant, not on a day. */
const RFC3339_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class OfferSlotDto {
  @ApiProperty({ example: '心血管内科', description: 'Department (科室)' }) @IsString() @Length(1, 100) department: string;
  @ApiProperty({ example: '2027-01-11T01:00:00.000Z', description: 'When the slot starts: in the future, at most 180 days ahead' })
  @IsISO8601({ strict: true })
  @Matches(RFC3339_DATE_TIME, { message: 'must be a date-time with its offset (e.g. 2027-01-11T09:00:00+08:00)' })
  startsAt: string;
  @ApiProperty({ example: 20, description: 'Places, 1–10000' }) @IsInt() @Min(1) @Max(10_000) capacity: number;
}

export class WithdrawSlotDto {
  @ApiProperty({ example: '专家停诊', description: 'Why (shown to the patients whose bookings it ends), 1–200 characters' })
  @IsString()
  @Length(1, 200)
  reason: string;
}

export class SlotListQueryDto extends MedicalPageQueryDto {
  @ApiProperty({ example: '440600', description: 'The hospitals’ city (another city)' }) @Matches(/^\d{6}$/) hospitalCity: string;
  @ApiPropertyOptional({ example: '心血管内科' }) @IsOptional() @IsString() @Length(1, 100) department?: string;
  @ApiPropertyOptional({ example: 'H44060400001' })
  @IsOptional()
  @Matches(/^[A-Z0-9]{1,30}$/, { message: 'must be an institution code' })
  hospitalCode?: string;
  @ApiPropertyOptional({ example: '2027-01-01T00:00:00.000Z', description: 'Slots starting at or after this instant (default now)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(RFC3339_DATE_TIME, { message: 'must be a date-time with its offset' })
  from?: string;
}

export class SlotWithdrawnDto {
  @ApiProperty({ example: '2027-01-08T02:00:00.000Z' }) at: string;
  @ApiProperty({ example: '专家停诊' }) reason: string;
}

export class SlotViewDto {
  @ApiProperty({ example: '1d2e3f4a-5b6c-4d7e-8f80-9a0b1c2d3e4f' }) slotId: string;
  @ApiProperty({ example: '440600' }) hospitalCity: string;
  @ApiProperty({ example: 'H44060400001' }) hospitalCode: string;
  @ApiProperty({ example: '佛山示范医院' }) hospitalName: string;
  @ApiProperty({ enum: ['primary', 'secondary', 'tertiary'], example: 'tertiary' }) hospitalLevel: string;
  @ApiProperty({ example: '心血管内科' }) department: string;
  @ApiProperty({ example: '2027-01-11T01:00:00.000Z' }) startsAt: string;
  @ApiProperty({ example: 20 }) capacity: number;
  @ApiProperty({ example: 17, description: 'Places left as the hospital’s city last announced them' }) remaining: number;
  @ApiProperty({
    type: SlotWithdrawnDto,
    nullable: true,
    description: '停诊: when and why the hospital withdrew it (in the hospital’s own answers; a withdrawn slot is not listed)',
  })
  withdrawn: SlotWithdrawnDto | null;
}

export class SlotPageDto {
  @ApiProperty({ type: [SlotViewDto] }) items: SlotViewDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor: string | null;
}

export class SlotHoldPatientDto {
  @ApiProperty({ example: '陈*伯' }) name: string;
  @ApiProperty({ example: '440***********0011' }) idNumber: string;
}

export class SlotHoldDto {
  @ApiProperty({ example: '5e6f7081-92a3-44b5-86c7-e8f90a1b2c3d' }) bookingId: string;
  @ApiProperty({ example: '440100', description: "The patient's city (where they booked)" }) patientCity: string;
  @ApiProperty({ type: SlotHoldPatientDto, description: 'Masked: enough to match the patient at the counter' })
  patient: SlotHoldPatientDto;
  @ApiProperty({ example: '2027-01-05T01:00:01.000Z' }) confirmedAt: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description: 'When the place went back (cancelled by the patient, a late confirmation released, or the slot withdrawn)',
  })
  releasedAt: string | null;
}

export class SlotHoldPageDto {
  @ApiProperty({ type: [SlotHoldDto] }) items: SlotHoldDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor: string | null;
}
