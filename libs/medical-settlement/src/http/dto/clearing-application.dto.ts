import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';
import { CLEARING_APPLICATION_STATES } from '../../domain/clearing-application.js';
import { MedicalPageQueryDto } from './medical.dto.js';
import { IsCivilDate } from '@guangfo/platform';

const MSGID = { example: 'H44060000001202604010900000001', description: 'Idempotency key: institution code + yyyyMMddHHmmss + 4 digits' };

/** The hospital's own sums of the period (optional): when given, each must equal the agency's. */
export class DeclaredClearingTotalsDto {
  @ApiPropertyOptional({ example: 2, description: 'Settlements less reversals (fixmedins_setl_cnt)' })
  @IsOptional()
  @IsInt()
  @Min(-1_000_000)
  @Max(1_000_000)
  count?: number;
  @ApiPropertyOptional({ example: 1937000, description: 'medfee_sumamt, fen' })
  @IsOptional()
  @IsInt()
  @Min(-1e13)
  @Max(1e13)
  medfeeFen?: number;
  @ApiPropertyOptional({ example: 1198100, description: 'fund_pay_sumamt, fen' })
  @IsOptional()
  @IsInt()
  @Min(-1e13)
  @Max(1e13)
  fundFen?: number;
  @ApiPropertyOptional({ example: 5000, description: 'acct_pay, fen' }) @IsOptional() @IsInt() @Min(-1e13) @Max(1e13) acctFen?: number;
  @ApiPropertyOptional({ example: 733900, description: 'psn_cash_pay, fen' })
  @IsOptional()
  @IsInt()
  @Min(-1e13)
  @Max(1e13)
  cashFen?: number;
}

export class ApplyClearingDto {
  @ApiProperty({ example: '2026-03-01', description: 'First day of the period (begndate)' })
  @IsCivilDate()
  beginOn: string;
  @ApiProperty({ example: '2026-03-31', description: 'Last day (enddate): before today, at most 31 days after beginOn' })
  @IsCivilDate()
  endOn: string;
  @ApiProperty(MSGID) @IsString() @Length(30, 30) msgid: string;
  @ApiPropertyOptional({ type: DeclaredClearingTotalsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DeclaredClearingTotalsDto)
  declared?: DeclaredClearingTotalsDto;
}

export class ReverseClearingApplicationDto {
  @ApiProperty(MSGID) @IsString() @Length(30, 30) msgid: string;
}

export class ClearingApplicationTotalsDto {
  @ApiProperty({ example: 2, description: 'Settlements less reversals in the period' }) count: number;
  @ApiProperty({ example: 1937000, description: 'medfee_sumamt, fen' }) medfeeFen: number;
  @ApiProperty({ example: 1198100, description: 'fund_pay_sumamt, fen' }) fundFen: number;
  @ApiProperty({ example: 5000, description: 'acct_pay, fen' }) acctFen: number;
  @ApiProperty({ example: 733900, description: 'psn_cash_pay, fen (paid by the patient at the counter)' }) cashFen: number;
  @ApiProperty({ example: 1203100, description: 'What the agency owes the hospital: fund + account, fen' }) claimFen: number;
}

export class ClearingApplicationViewDto {
  @ApiProperty({ example: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', description: 'clr_appy_evt_id' }) id: string;
  @ApiProperty({ example: 'H44060000001' }) hospitalCode: string;
  @ApiProperty({ example: '2026-03-01' }) beginOn: string;
  @ApiProperty({ example: '2026-03-31' }) endOn: string;
  @ApiProperty({ enum: CLEARING_APPLICATION_STATES, example: 'applied' }) state: string;
  @ApiProperty({ type: ClearingApplicationTotalsDto, description: 'The agency’s sums from its settlements of the period' })
  totals: ClearingApplicationTotalsDto;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ClearingApplicationTotalsDto' },
    description: 'The same sums per insured city',
    example: { '440100': { count: 2, medfeeFen: 1937000, fundFen: 1198100, acctFen: 5000, cashFen: 733900, claimFen: 1203100 } },
  })
  byInsuredCity: Record<string, ClearingApplicationTotalsDto>;
  @ApiProperty({ example: 'H44060000001202604010900000001' }) msgid: string;
  @ApiProperty({ example: '2026-04-01T01:00:00.000Z' }) appliedAt: string;
  @ApiProperty({ type: String, nullable: true, example: null }) processedAt: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) reversedAt: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) reversalMsgid: string | null;
}

export class ClearingApplicationListQueryDto extends MedicalPageQueryDto {
  @ApiPropertyOptional({ enum: CLEARING_APPLICATION_STATES, description: 'Only applications in this state (applied: to process)' })
  @IsOptional()
  @IsIn(CLEARING_APPLICATION_STATES)
  state?: (typeof CLEARING_APPLICATION_STATES)[number];
}

export class ClearingApplicationPageDto {
  @ApiProperty({ type: [ClearingApplicationViewDto] }) items: ClearingApplicationViewDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor: string | null;
}
