import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { HEALTH_SUMMARY_REFUSALS } from '@guangfo/contracts';
import { IsCivilDate } from '@guangfo/platform';

const PURPOSE = /^[a-z][a-z-]{1,39}$/;
const PURPOSE_DOC = { example: 'treatment', description: 'Purpose of use, a short code (e.g. treatment, referral, emergency)' };

export class HealthSummaryDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'A+' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  bloodType: string | null;
  @ApiProperty({ type: [String], example: ['青霉素'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  allergies: string[];
  @ApiProperty({ type: [String], example: ['高血压'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  conditions: string[];
  @ApiProperty({ type: [String], example: ['氨氯地平 5mg qd'] })
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  medications: string[];
  @ApiProperty({ example: '2026-02-20' })
  @IsCivilDate()
  updatedOn: string;
}

export class PutHealthSummaryDto {
  @ApiProperty({ example: '440106195501010011' }) @IsString() @Length(15, 18) idNumber: string;
  @ApiProperty({ example: '陈老伯' }) @IsString() @Length(1, 100) name: string;
  @ApiProperty({ type: HealthSummaryDto }) @ValidateNested() @Type(() => HealthSummaryDto) summary: HealthSummaryDto;
}

export class PersonRefDto {
  @ApiProperty({ example: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' }) personId: string;
}

export class GrantConsentDto {
  @ApiProperty({ example: '440600', description: 'The hospital’s city (another city)' }) @Matches(/^\d{6}$/) hospitalCity: string;
  @ApiProperty({ example: 'H440600000001', description: 'The hospital’s institution code' })
  @Matches(/^[A-Z0-9]{1,30}$/, { message: 'must be an institution code' })
  hospitalCode: string;
  @ApiProperty(PURPOSE_DOC) @Matches(PURPOSE, { message: 'must be a purpose code' }) purpose: string;
  @ApiProperty({ example: '2026-06-30T16:00:00.000Z', description: 'The consent ends at this instant' }) @IsISO8601() expiresAt: string;
}

export class ConsentViewDto {
  @ApiProperty({ example: '4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c' }) id: string;
  @ApiProperty({ example: '440600' }) hospitalCity: string;
  @ApiProperty({ example: 'H440600000001' }) hospitalCode: string;
  @ApiProperty({ example: 'treatment' }) purpose: string;
  @ApiProperty({ example: '2026-06-30T16:00:00.000Z' }) expiresAt: string;
  @ApiProperty({ example: '2026-03-05T01:00:00.000Z' }) grantedAt: string;
  @ApiProperty({ type: String, nullable: true, example: null }) revokedAt: string | null;
  @ApiProperty({ enum: ['valid', 'expired', 'revoked'], example: 'valid' }) state: string;
}

export class HealthRecordAccessEntryDto {
  @ApiProperty({ example: '3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b' }) requestId: string;
  @ApiProperty({ example: '2026-03-05T01:30:00.000Z' }) at: string;
  @ApiProperty({ example: '440600' }) hospitalCity: string;
  @ApiProperty({ example: 'H440600000001' }) hospitalCode: string;
  @ApiProperty({ example: '佛山示范医院' }) hospitalName: string;
  @ApiProperty({ example: 'treatment' }) purpose: string;
  @ApiProperty({ enum: ['shared', 'refused'], example: 'shared' }) outcome: string;
  @ApiProperty({ type: String, nullable: true, enum: HEALTH_SUMMARY_REFUSALS, example: null }) refusal: string | null;
  @ApiProperty({ type: String, nullable: true, example: '4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c' }) consentId: string | null;
}

export class HealthRecordAccessPageDto {
  @ApiProperty({ type: [HealthRecordAccessEntryDto] }) items: HealthRecordAccessEntryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor: string | null;
}

export class RequestHealthSummaryDto {
  @ApiProperty({ example: '440100', description: 'The patient’s city (holds the record and the consents)' })
  @Matches(/^\d{6}$/)
  patientCity: string;
  @ApiProperty({ example: '440106195501010011' }) @IsString() @Length(15, 18) idNumber: string;
  @ApiProperty(PURPOSE_DOC) @Matches(PURPOSE, { message: 'must be a purpose code' }) purpose: string;
}

export class HealthRequestViewDto {
  @ApiProperty({ example: '3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b' }) id: string;
  @ApiProperty({ example: '440100' }) patientCity: string;
  @ApiProperty({ example: 'treatment' }) purpose: string;
  @ApiProperty({ enum: ['pending', 'shared', 'refused'], example: 'shared' }) state: string;
  @ApiProperty({ type: String, nullable: true, enum: HEALTH_SUMMARY_REFUSALS, example: null }) refusal: string | null;
  @ApiProperty({ example: '2026-03-05T01:30:00.000Z' }) requestedAt: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-03-05T01:30:01.000Z' }) answeredAt: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-06-30T16:00:00.000Z' }) consentExpiresAt: string | null;
  @ApiProperty({ type: HealthSummaryDto, nullable: true, description: 'While the consent it was shared under lasts' })
  summary: HealthSummaryDto | null;
}
