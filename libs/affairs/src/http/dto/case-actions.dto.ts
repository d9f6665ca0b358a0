import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsObject,
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  DECISION_OUTCOMES,
  type DecisionOutcome,
  DELIVERY_METHODS,
  type DeliveryMethod,
  SPECIAL_PROCEDURES,
  type SpecialProcedure,
} from '@guangfo/contracts';
import {
  DENY_REASONS,
  type DenyReason,
  REJECT_REASONS,
  type RejectReason,
  RETURN_REASON_BASIS,
  RETURN_REASONS,
  type ReturnReason,
} from '../../domain/case.aggregate.js';
import { SupplementResponseDto } from './material.dto.js';
import type { SupplementCommand } from '../../application/case.commands.js';
import { IsCivilDate } from '@guangfo/platform';

/** Every clerk step may carry an internal note: it stays in the clerk's city, never in an event. */
export class ClerkStepDto {
  @ApiPropertyOptional({ example: '已核验身份证原件与申请人一致', maxLength: 2000, description: 'Internal note (this city only)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note?: string;
}

export class ReturnDto extends ClerkStepDto {
  @ApiProperty({
    enum: RETURN_REASONS,
    example: 'IDENTITY_NOT_VERIFIED',
    description: `退件 reason code, each with its basis: ${RETURN_REASONS.map((r) => `${r} (${RETURN_REASON_BASIS[r]})`).join('; ')}. Incomplete materials are not a 退件: request-supplement (行政许可法 art. 32(4)).`,
  })
  @IsIn(RETURN_REASONS)
  reasonCode: ReturnReason;

  @ApiPropertyOptional({ example: '申请人未能出示身份证原件', description: 'Shown to the applicant; required with OTHER' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason?: string;
}

export class RejectDto extends ClerkStepDto {
  @ApiProperty({ enum: REJECT_REASONS, example: 'NOT_ELIGIBLE', description: '不予受理 reason code' })
  @IsIn(REJECT_REASONS)
  reasonCode: RejectReason;

  @ApiPropertyOptional({ example: '申请人不符合以经常居住地登记户口的条件', description: 'Shown to the applicant; required with OTHER' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason?: string;
}

export class SupplementItemRequestDto {
  @ApiPropertyOptional({ example: 'contributions', description: 'A material of the item, or omit for a free-form item' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  materialId?: string;

  @ApiProperty({ example: '请补充近 12 个月的社会保险缴费证明（加盖公章）' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  description: string;
}

export class RequestSupplementDto extends ClerkStepDto {
  @ApiProperty({
    type: [SupplementItemRequestDto],
    description: 'One notice (一次性告知): every material still marked missing is added automatically',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SupplementItemRequestDto)
  items: SupplementItemRequestDto[];
}

export class SupplementDto implements SupplementCommand {
  @ApiProperty({
    type: [SupplementResponseDto],
    description: 'An answer to every item of the notice',
    example: [
      {
        itemId: 's1',
        file: {
          fileName: 'contributions.pdf',
          mediaType: 'application/pdf',
          sizeBytes: 48213,
          sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        },
      },
    ],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SupplementResponseDto)
  responses: SupplementResponseDto[];
}

export class SpecialProcedureDto extends ClerkStepDto {
  @ApiProperty({
    enum: SPECIAL_PROCEDURES,
    example: 'HEARING',
    description: '行政许可法 art. 45: 听证 / 招标 / 拍卖 / 检验 / 检测 / 检疫 / 鉴定 / 专家评审 only; the clock stops',
  })
  @IsIn(SPECIAL_PROCEDURES)
  procedure: SpecialProcedure;

  @ApiProperty({
    example: '2026-10-16',
    description: 'Art. 45: the expected end, told to the applicant in writing (required, not before today)',
  })
  @IsString()
  @IsCivilDate()
  expectedEnd: string;
}

export class ResumeDto extends ClerkStepDto {
  @ApiPropertyOptional({ example: '听证结束，申请人陈述已记录' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  result?: string;
}

export class DecideDto extends ClerkStepDto {
  @ApiProperty({ enum: DECISION_OUTCOMES, example: 'approved', description: '准予 (approved) / 不予 (denied)' })
  @IsIn(DECISION_OUTCOMES)
  outcome: DecisionOutcome;

  @ApiPropertyOptional({ enum: DENY_REASONS, example: 'REQUIREMENTS_NOT_MET', description: 'Required for a denial' })
  @IsOptional()
  @IsIn(DENY_REASONS)
  reasonCode?: DenyReason;

  @ApiPropertyOptional({ example: '住所证明与实际居住地不符' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason?: string;

  @ApiPropertyOptional({ example: 'GZ-HK-2026-000123', description: 'Certificate or decision number' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  certificateNo?: string;
}

export class DeliverDto extends ClerkStepDto {
  @ApiProperty({ enum: DELIVERY_METHODS, example: 'mail', description: 'window-pickup 窗口领取 | mail 邮寄 | electronic 电子送达' })
  @IsIn(DELIVERY_METHODS)
  method: DeliveryMethod;

  @ApiPropertyOptional({ example: 'EMS1234567890CN', description: 'Required for mail' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  trackingNumber?: string;

  @ApiPropertyOptional({ example: 'EMS' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  carrier?: string;
}

export class WithdrawDto {
  @ApiPropertyOptional({ example: '已在本市办理，不再需要', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason?: string;
}

export class EvaluateDto {
  @ApiProperty({
    minimum: 1,
    maximum: 5,
    example: 5,
    description: '好差评: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意 (1–2 open a remediation)',
  })
  @IsInt()
  @Min(1)
  @Max(5)
  rating: number;

  @ApiPropertyOptional({ example: '窗口服务热情，办理很快', maxLength: 500 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  comment?: string;
}

export class ClaimDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 480, default: 30, example: 30, description: 'How long the claim holds' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(480)
  ttlMinutes?: number;

  @ApiPropertyOptional({ example: false, description: 'true: give the claim up' })
  @IsOptional()
  @IsBoolean()
  release?: boolean;
}

export class ResolveRemediationDto {
  @ApiProperty({ example: '已回访申请人并说明延误原因，优化预约流程', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  resolution: string;
}

/** 行政许可法 art. 42: the extension's reasons, shown to the applicant in the timeline. */
export class ExtendDto extends ClerkStepDto {
  @ApiProperty({ example: '需现场核实多处住所信息，经本机关负责人批准延长十个工作日', minLength: 1, maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}
