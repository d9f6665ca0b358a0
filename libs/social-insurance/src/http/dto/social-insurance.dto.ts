import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { SOCIAL_INSURANCE_SCHEMES, type SocialInsuranceScheme } from '@guangfo/contracts';
import type {
  ContributionReportCommand,
  ContributionReportLine,
  EligibilityConfirmationCommand,
  PensionClaimCommand,
  RecordRequestCommand,
  RetireeRegistrationCommand,
  StopNoticeCommand,
  TransferApplicationCommand,
} from '../../application/social-insurance.commands.js';
import { IsCivilDate } from '@guangfo/platform';

const MAX_FEN = 1_000_000_000; // 1 000 万元 a month: far above any contribution base
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const CITY = /^\d{6}$/;
const PROVINCE = /^\d{2}0000$/;

export class ContributionReportLineDto implements ContributionReportLine {
  @ApiProperty({ example: '440106199001010013', description: '公民身份号码 of the insured person' })
  @IsString()
  @MinLength(15)
  @MaxLength(18)
  idNumber!: string;

  @ApiProperty({ example: '陈小明' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name!: string;

  @ApiProperty({ enum: SOCIAL_INSURANCE_SCHEMES, example: 'employee-pension' })
  @IsIn(SOCIAL_INSURANCE_SCHEMES)
  scheme!: SocialInsuranceScheme;

  @ApiProperty({ example: '2026-11', description: 'The contribution month (YYYY-MM), not in the future' })
  @Matches(MONTH)
  month!: string;

  @ApiProperty({ example: '91440101MA5CXXXX0Q', description: "The employer's 统一社会信用代码: the one the API key is bound to" })
  @IsString()
  @MaxLength(18)
  employerUscc!: string;

  @ApiProperty({ example: 800000, description: '缴费基数 in fen' })
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  baseFen!: number;

  @ApiProperty({ example: 128000, description: '单位缴费 in fen' })
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  employerFen!: number;

  @ApiProperty({ example: 64000, description: '个人缴费 in fen' })
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  personalFen!: number;

  @ApiProperty({ example: 64000, description: 'Credited to the personal account, in fen (employee pension only; else 0)' })
  @IsInt()
  @Min(0)
  @Max(MAX_FEN)
  personalAccountFen!: number;
}

export class ContributionReportDto implements ContributionReportCommand {
  @ApiProperty({ type: [ContributionReportLineDto], description: 'One line per person, scheme and month (at most 500)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ContributionReportLineDto)
  reports!: ContributionReportLineDto[];
}

export class ContributionReportResultDto {
  @ApiProperty() accepted!: number;
  @ApiProperty() inserted!: number;
  @ApiProperty() replaced!: number;
}

export class RecordRequestDto implements RecordRequestCommand {
  @ApiProperty({ example: true, description: 'The resident agrees that every city of the registry is asked for their record' })
  @IsBoolean()
  consent!: boolean;

  @ApiPropertyOptional({ example: '本人查询跨城市社会保险缴费记录' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  scope?: string;
}

export class PensionClaimDto implements PensionClaimCommand {
  @ApiPropertyOptional({ description: 'Clerks only: the claimant (residents claim for themselves)' })
  @IsOptional()
  @IsString()
  @MaxLength(18)
  idNumber?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(50)
  name?: string;

  @ApiProperty({ example: '440000', description: 'Province code of the hukou (户籍所在地)' })
  @Matches(PROVINCE)
  hukouRegion!: string;
}

export class TransferApplicationDto implements TransferApplicationCommand {
  @ApiProperty({ example: '440106199001010013' })
  @IsString()
  @MaxLength(18)
  idNumber!: string;

  @ApiProperty({ example: '陈小明' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name!: string;

  @ApiProperty({ example: '440100', description: 'The old place (转出地), a city of the registry in another province' })
  @Matches(CITY)
  fromCity!: string;

  @ApiProperty({ example: 'PZ-440100-2026-000123', description: 'Number of the 参保缴费凭证 issued by the old place' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  certificateNo!: string;

  @ApiProperty({ example: '440000' })
  @Matches(PROVINCE)
  hukouRegion!: string;

  @ApiPropertyOptional({ description: "The resident's account (token sub), so they can follow the transfer" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  residentSub?: string;
}

export class StepDto {
  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class RetireeRegistrationDto implements RetireeRegistrationCommand {
  @ApiProperty() @IsString() @MaxLength(18) idNumber!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(50) name!: string;
  @ApiProperty({ example: '440600', description: 'Where the retiree lives (another city of the registry)' })
  @Matches(CITY)
  residenceCity!: string;
  @ApiProperty({ example: 420000 }) @IsInt() @Min(0) @Max(MAX_FEN) monthlyPensionFen!: number;
  @ApiProperty({ example: '2025-09' }) @Matches(MONTH) firstMonth!: string;
  @ApiProperty({ example: '2025-10-20' }) @IsCivilDate() lastConfirmedOn!: string;
}

export class PaymentRunDto {
  @ApiProperty({ example: '2026-12', description: 'The month paid (the current month or an earlier one)' })
  @Matches(MONTH)
  month!: string;
}

export class EligibilityConfirmationDto implements EligibilityConfirmationCommand {
  @ApiPropertyOptional({ description: 'Clerks: the retiree (residents confirm themselves)' })
  @IsOptional()
  @IsString()
  @MaxLength(18)
  idNumber?: string;

  @ApiProperty({ example: '440100', description: 'The city that pays the pension' })
  @Matches(CITY)
  payingCity!: string;

  @ApiProperty({ enum: ['face-recognition', 'in-person', 'data-comparison'] })
  @IsIn(['face-recognition', 'in-person', 'data-comparison'])
  method!: 'face-recognition' | 'in-person' | 'data-comparison';
}

export class StopNoticeDto implements StopNoticeCommand {
  @ApiProperty() @IsString() @MaxLength(18) idNumber!: string;
  @ApiProperty({ example: '440100' }) @Matches(CITY) payingCity!: string;
  @ApiProperty({ enum: ['death', 'imprisonment'] }) @IsIn(['death', 'imprisonment']) kind!: 'death' | 'imprisonment';
  @ApiProperty({ example: '2026-10-15' }) @IsCivilDate() eventDate!: string;
}

export class CivilRecordDto {
  @ApiProperty({ example: '440106195201010019' }) @IsString() @MaxLength(18) idNumber!: string;
  @ApiProperty({ enum: ['death-records', 'prison-records'], example: 'death-records' })
  @IsIn(['death-records', 'prison-records'])
  source!: 'death-records' | 'prison-records';
  @ApiProperty({ example: '2026-10-15', description: 'Date of death, or start of the prison term' }) @IsCivilDate() eventDate!: string;
}

export class CrossCheckDto {
  @ApiProperty({ example: '440600', description: "The city whose death and prison records this city's benefit roll is matched against" })
  @Matches(CITY)
  city!: string;
}

export class WorkInjuryCaseDto {
  @ApiProperty({ example: '440106199001010013' }) @IsString() @MaxLength(18) idNumber!: string;
  @ApiProperty({ example: '陈小明' }) @IsString() @MinLength(1) @MaxLength(50) name!: string;
  @ApiProperty({
    example: '91440101MA5C12345E',
    description: "The employer's 统一社会信用代码 (insured the worker against work injury in this city)",
  })
  @IsString()
  @MaxLength(18)
  employerUscc!: string;
  @ApiProperty({ example: '2026-11-20' }) @IsCivilDate() injuryDate!: string;
  @ApiProperty({ enum: ['employer', 'worker'], description: 'Employer: within 30 days; worker: within 1 year (工伤保险条例 art. 17)' })
  @IsIn(['employer', 'worker'])
  applicant!: 'employer' | 'worker';
  @ApiProperty({ example: true, description: 'Facts clear, rights and obligations clear: decided within 15 days instead of 60 (art. 20)' })
  @IsBoolean()
  clearFacts!: boolean;
}

export class WorkInjuryDecisionDto {
  @ApiProperty({ enum: ['recognised', 'not-recognised'] })
  @IsIn(['recognised', 'not-recognised'])
  outcome!: 'recognised' | 'not-recognised';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { format: 'guangfo-credential/1' },
    description: 'Recognised: the signed WORK_INJURY_DETERMINATION document this city issued to the worker (POST /api/v1/credentials)',
  })
  @IsOptional()
  @IsObject()
  credential?: Record<string, unknown>;
}

export class PresentedCredentialDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { format: 'guangfo-credential/1' },
    description: 'The signed credential document as presented',
  })
  @IsObject()
  credential!: Record<string, unknown>;
}

export class MedicalTransferDto {
  @ApiProperty({ example: '440106199001010013' }) @IsString() @MaxLength(18) idNumber!: string;
  @ApiProperty({ example: '陈小明' }) @IsString() @MinLength(1) @MaxLength(50) name!: string;
  @ApiProperty({ example: '440100', description: 'The old place (any other city of the registry: medical insurance is pooled per city)' })
  @Matches(CITY)
  fromCity!: string;
}

export class SocialInsurancePageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page, unchanged' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export class ClaimListQueryDto extends SocialInsurancePageQueryDto {
  @ApiPropertyOptional({ enum: ['assembling', 'aggregated'] })
  @IsOptional()
  @IsIn(['assembling', 'aggregated'])
  state?: 'assembling' | 'aggregated';
}

export class RetireeListQueryDto extends SocialInsurancePageQueryDto {
  @ApiPropertyOptional({ example: '440600', description: 'Where the retiree lives' })
  @IsOptional()
  @Matches(CITY)
  residenceCity?: string;

  @ApiPropertyOptional({ description: 'true: payment stopped (death or imprisonment); false: not stopped' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  stopped?: boolean;
}

export class InvestigationListQueryDto extends SocialInsurancePageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'closed'] })
  @IsOptional()
  @IsIn(['open', 'closed'])
  state?: 'open' | 'closed';

  @ApiPropertyOptional({
    enum: ['paying', 'registry'],
    description: 'paying: this city pays the person; registry: this city holds the record',
  })
  @IsOptional()
  @IsIn(['paying', 'registry'])
  side?: 'paying' | 'registry';
}

export class WorkInjuryListQueryDto extends SocialInsurancePageQueryDto {
  @ApiPropertyOptional({ enum: ['accepted', 'decided'] })
  @IsOptional()
  @IsIn(['accepted', 'decided'])
  state?: 'accepted' | 'decided';
}

export class MedicalTransferListQueryDto extends SocialInsurancePageQueryDto {
  @ApiPropertyOptional({ enum: ['applied', 'released', 'continued'], description: 'The last step taken' })
  @IsOptional()
  @IsIn(['applied', 'released', 'continued'])
  state?: 'applied' | 'released' | 'continued';

  @ApiPropertyOptional({ enum: ['in', 'out'], description: 'in: this city is the new place; out: the old place' })
  @IsOptional()
  @IsIn(['in', 'out'])
  direction?: 'in' | 'out';
}

export class CloseInvestigationDto {
  @ApiProperty({ enum: ['confirmed', 'unfounded'], description: "confirmed: the record is the person's; unfounded: it is not" })
  @IsIn(['confirmed', 'unfounded'])
  outcome!: 'confirmed' | 'unfounded';

  @ApiProperty({ example: '死亡登记核实无误，已停发', description: 'Sent to the other city: no ID numbers' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class EmployerBindingDto {
  @ApiProperty({ example: 'demo-employer-gz', description: 'A partner API key of this city' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  partnerId!: string;
  @ApiProperty({ example: '91440101MA5C12345E' }) @IsString() @MaxLength(18) employerUscc!: string;
  @ApiProperty({ example: '广州示范制造有限公司' }) @IsString() @MinLength(1) @MaxLength(100) name!: string;
}
