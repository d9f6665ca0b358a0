import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CLEARING_CONTEST_REASONS } from '@guangfo/contracts';
import { MedicalPageQueryDto } from './medical.dto.js';
import { IsCivilDate } from '@guangfo/platform';

export class DayTotalsDto {
  @ApiProperty({ example: 1, description: 'Settlements less reversals of the day (fixmedins_setl_cnt)' })
  @IsInt()
  @Min(-1_000_000)
  @Max(1_000_000)
  count: number;
  @ApiProperty({ example: 1860000, description: 'medfee_sumamt, fen' }) @IsInt() @Min(-1e13) @Max(1e13) medfeeFen: number;
  @ApiProperty({ example: 1190000, description: 'fund_pay_sumamt, fen' }) @IsInt() @Min(-1e13) @Max(1e13) fundFen: number;
  @ApiProperty({ example: 0, description: 'acct_pay, fen' }) @IsInt() @Min(-1e13) @Max(1e13) acctFen: number;
  @ApiProperty({ example: 670000, description: 'psn_cash_pay, fen' }) @IsInt() @Min(-1e13) @Max(1e13) cashFen: number;
}

export class TotalsReconciliationDto {
  @ApiProperty({ example: '2026-03-05' }) @IsCivilDate() day: string;
  @ApiProperty({ type: DayTotalsDto }) @ValidateNested() @Type(() => DayTotalsDto) totals: DayTotalsDto;
}

export class DetailReconciliationDto {
  @ApiProperty({ example: '2026-03-05' }) @IsCivilDate() day: string;
  @ApiProperty({
    example:
      'setl_id,kind,medfee_sumamt,fund_pay_sumamt,acct_pay,psn_cash_pay\n9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a,settlement,18600.00,11900.00,0.00,6700.00\n',
    required: false,
    description:
      '3202 detail file inline: CSV, header line, amounts in yuan; kind settlement | reversal (the request body is at most 1 MB: larger files go through 9101, then fileId)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1_000_000)
  file?: string;
  @ApiProperty({
    required: false,
    example: '0f1e2d3c-4b5a-4697-8877-665544332211',
    description: 'The file id (file_qury_no) of the detail file uploaded with 9101 (POST /medical/files); instead of file',
  })
  @IsOptional()
  @IsUUID()
  fileId?: string;
}

export class TotalsMismatchDto {
  @ApiProperty({ example: 'fundFen' }) field: string;
  @ApiProperty({ example: 1190000 }) hospital: number;
  @ApiProperty({ example: 1198100 }) agency: number;
}

export class DetailMismatchDto {
  @ApiProperty({ example: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' }) settlementId: string;
  @ApiProperty({ enum: ['settlement', 'reversal'], example: 'reversal' }) kind: string;
  @ApiProperty({ enum: ['MISSING_AT_AGENCY', 'MISSING_AT_HOSPITAL', 'AMOUNT_MISMATCH'], example: 'MISSING_AT_HOSPITAL' }) reason: string;
  @ApiProperty({ type: [String], required: false, example: ['fundFen'] }) fields?: string[];
}

export class ReconciliationViewDto {
  @ApiProperty({ example: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f' }) id: string;
  @ApiProperty({ enum: ['3201', '3202'], example: '3201' }) infno: string;
  @ApiProperty({ example: '2026-03-05' }) day: string;
  @ApiProperty({ example: true }) matched: boolean;
  @ApiProperty({ type: DayTotalsDto }) agency: DayTotalsDto;
  @ApiProperty({ type: [TotalsMismatchDto] }) totalsMismatches: TotalsMismatchDto[];
  @ApiProperty({ type: [DetailMismatchDto] }) detailMismatches: DetailMismatchDto[];
  @ApiProperty({ type: String, nullable: true, description: '3202: the 9101 file id the details were read from (null: inline; 3201)' })
  detailFileId: string | null;
  @ApiProperty({ type: String, nullable: true, description: '3202: the agency’s result file (CSV), downloaded with 9102; null for 3201' })
  resultFileId: string | null;
}

export class IssueStatementDto {
  @ApiProperty({ example: '440100', description: 'The insured city the statement is for' }) @Matches(/^\d{6}$/) insuredCity: string;
  @ApiProperty({ example: '2026-03' }) @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a month written YYYY-MM' }) period: string;
  @ApiProperty({ example: 0, description: '预付金 the insured city advanced for the period, fen' })
  @IsInt()
  @Min(0)
  @Max(1e13)
  advanceFen: number;
}

export class ContestItemDto {
  @ApiProperty({ example: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' }) @IsUUID() settlementId: string;
  @ApiProperty({ enum: ['claim', 'reversal'], example: 'claim' }) @IsIn(['claim', 'reversal']) kind: 'claim' | 'reversal';
  @ApiProperty({ enum: CLEARING_CONTEST_REASONS, example: 'AMOUNT_MISMATCH' })
  @IsIn(CLEARING_CONTEST_REASONS)
  reason: (typeof CLEARING_CONTEST_REASONS)[number];
  @ApiProperty({ example: '与参保地记录不符' }) @IsString() @Length(0, 500) note: string;
}

export class AnswerItemDto {
  @ApiProperty({ example: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' }) @IsUUID() settlementId: string;
  @ApiProperty({ enum: ['claim', 'reversal'], example: 'claim' }) @IsIn(['claim', 'reversal']) kind: 'claim' | 'reversal';
  @ApiProperty({ enum: ['upheld', 'withdrawn'], example: 'upheld' }) @IsIn(['upheld', 'withdrawn']) outcome: 'upheld' | 'withdrawn';
  @ApiProperty({ example: '已核对费用明细, 金额无误' }) @IsString() @Length(0, 500) note: string;
}

export class AnswerDto {
  @ApiProperty({ enum: ['upheld', 'withdrawn'], example: 'upheld' }) outcome: string;
  @ApiProperty({ example: '已核对费用明细, 金额无误' }) note: string;
}

export class ContestDto {
  @ApiProperty({ enum: CLEARING_CONTEST_REASONS, example: 'AMOUNT_MISMATCH' }) reason: string;
  @ApiProperty({ example: '与参保地记录不符' }) note: string;
  @ApiProperty({ type: AnswerDto, nullable: true }) answer: AnswerDto | null;
}

export class StatementItemDto {
  @ApiProperty({ example: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' }) settlementId: string;
  @ApiProperty({ enum: ['claim', 'reversal'], example: 'claim' }) kind: string;
  @ApiProperty({ example: 1190000 }) fundFen: number;
  @ApiProperty({ example: 0 }) accountFen: number;
  @ApiProperty({ example: 1860000 }) totalFen: number;
  @ApiProperty({ type: ContestDto, nullable: true }) contest: ContestDto | null;
}

export class StatementTotalsDto {
  @ApiProperty({ example: 2 }) items: number;
  @ApiProperty({ example: 1198100 }) claimedFundFen: number;
  @ApiProperty({ example: 5000 }) claimedAccountFen: number;
  @ApiProperty({ example: 1937000 }) claimedTotalFen: number;
  @ApiProperty({ example: 0 }) withdrawnFundFen: number;
  @ApiProperty({ example: 0 }) withdrawnAccountFen: number;
  @ApiProperty({ example: 1198100 }) payableFundFen: number;
  @ApiProperty({ example: 5000 }) payableAccountFen: number;
  @ApiProperty({ example: 0 }) advanceFen: number;
  @ApiProperty({ example: 1203100 }) netFen: number;
}

export class StatementProofDto {
  @ApiProperty({ example: true }) ok: boolean;
  @ApiProperty({ type: [String], example: [] }) problems: string[];
}

export class StatementViewDto {
  @ApiProperty({ example: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901' }) id: string;
  @ApiProperty({ example: '440600' }) treatingCity: string;
  @ApiProperty({ example: '440100' }) insuredCity: string;
  @ApiProperty({ example: '2026-03' }) period: string;
  @ApiProperty({ enum: ['treating', 'insured'], example: 'treating' }) role: string;
  @ApiProperty({ enum: ['issued', 'contested', 'answered', 'confirmed'], example: 'issued' }) state: string;
  @ApiProperty({ type: StatementTotalsDto }) totals: StatementTotalsDto;
  @ApiProperty({ type: StatementProofDto }) proof: StatementProofDto;
  @ApiProperty({ type: String, nullable: true, example: null }) confirmedAt: string | null;
  @ApiProperty({
    example: 1,
    description: 'This city’s version of the statement, also the ETag: send it as If-Match on contest, answer, confirm',
  })
  version: number;
  @ApiProperty({ type: [StatementItemDto] }) items: StatementItemDto[];
}

export class StatementListQueryDto {
  @ApiProperty({ required: false, example: '2026-03', description: 'Only statements of this period (YYYY-MM)' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'must be a period written YYYY-MM' })
  period?: string;
  @ApiProperty({ required: false, enum: ['issued', 'contested', 'answered', 'confirmed'], description: 'Only statements in this state' })
  @IsOptional()
  @IsIn(['issued', 'contested', 'answered', 'confirmed'])
  state?: 'issued' | 'contested' | 'answered' | 'confirmed';
  @ApiProperty({ required: false, example: 20, description: 'Page size, 1–100 (default 20)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiProperty({ required: false, description: 'nextCursor of the previous page, unchanged' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export class StatementSummaryDto {
  @ApiProperty({ example: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901' }) id: string;
  @ApiProperty({ example: '440600' }) treatingCity: string;
  @ApiProperty({ example: '440100' }) insuredCity: string;
  @ApiProperty({ example: '2026-03' }) period: string;
  @ApiProperty({ enum: ['treating', 'insured'], example: 'treating' }) role: string;
  @ApiProperty({ enum: ['issued', 'contested', 'answered', 'confirmed'], example: 'issued' }) state: string;
  @ApiProperty({ type: StatementTotalsDto }) totals: StatementTotalsDto;
  @ApiProperty({ example: true, description: 'The verifier proved it from this city’s own records' }) proofOk: boolean;
  @ApiProperty({ type: String, nullable: true, example: null }) confirmedAt: string | null;
  @ApiProperty({ example: 1, description: 'This city’s version of the statement (its ETag)' }) version: number;
  @ApiProperty({ example: 1 }) itemCount: number;
  @ApiProperty({ example: 0 }) contests: number;
  @ApiProperty({ example: 0 }) openContests: number;
}

export class StatementPageDto {
  @ApiProperty({ type: [StatementSummaryDto] }) items: StatementSummaryDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor: string | null;
}

export class ArrivingQueryDto extends MedicalPageQueryDto {}

export class ArrivingStatementDto {
  @ApiProperty({ example: '7f8091a2-b3c4-45d6-a7e8-f90a1b2c3d4e' }) statementId: string;
  @ApiProperty({ example: '440600' }) treatingCity: string;
  @ApiProperty({ type: String, nullable: true, example: '2026-11', description: 'From the header; null until it has arrived' })
  period: string | null;
  @ApiProperty({ example: true }) headerArrived: boolean;
  @ApiProperty({ example: 412 }) chunksArrived: number;
  @ApiProperty({ type: Number, nullable: true, example: 491, description: 'Chunks the header announces; null until it has arrived' })
  chunkCount: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 981_935 }) itemCount: number | null;
  @ApiProperty({ example: 0, description: 'What staging found wrong so far (part of the proof)' }) problems: number;
  @ApiProperty({ example: '2026-12-01T16:00:02.000Z' }) firstAt: string;
  @ApiProperty({ example: '2026-12-01T16:00:31.000Z', description: 'When the last piece arrived (an old one: the statement is stuck)' })
  lastAt: string;
}

export class ArrivingPageDto {
  @ApiProperty({ type: [ArrivingStatementDto] }) items: ArrivingStatementDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor: string | null;
}
