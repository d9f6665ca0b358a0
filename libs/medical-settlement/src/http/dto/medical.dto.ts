import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
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
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { FILING_KINDS, type FilingKind, VISIT_TYPES, type VisitType } from '@guangfo/contracts';
import type { RegisterFilingCommand } from '../../application/filing.service.js';
import type { FeeLineInput } from '../../application/settlement.service.js';
import { IsCivilDate } from '@guangfo/platform';

const CITY = /^\d{6}$/;
export const EXAMPLE_MSGID = 'H44060400001202603050930150001';

export class PersonDto {
  @ApiProperty({ example: '440106195501010011', description: '公民身份号码 (GB 11643)' })
  @IsString()
  @Length(18, 18)
  idNumber: string;

  @ApiProperty({ example: '陈老伯' })
  @IsString()
  @Length(1, 100)
  name: string;
}

export class RegisterFilingDto implements RegisterFilingCommand {
  @ApiProperty({
    enum: FILING_KINDS,
    example: 'resettled-retiree',
    description: '备案 kind (医保发〔2022〕22号): three long-term, three temporary',
  })
  @IsIn(FILING_KINDS)
  kind: FilingKind;

  @ApiProperty({ example: '440600', description: 'Treating city (就医地), another city than this one' })
  @Matches(CITY)
  treatingCity: string;

  @ApiPropertyOptional({
    example: '2026-03-02',
    description: 'Default today; earlier = late registration (补办备案), within the policy limit',
  })
  @IsOptional()
  @IsCivilDate()
  validFrom?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: null,
    description: 'Temporary kinds: ≥ 6 months (default validFrom + 183 days); long-term: none',
  })
  @IsOptional()
  @IsCivilDate()
  validTo?: string | null;

  @ApiPropertyOptional({ type: PersonDto, description: 'Clerks and agency systems: the insured person (residents register themselves)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PersonDto)
  person?: PersonDto;

  @ApiPropertyOptional({ example: 300000, description: 'Personal-account balance the treating city may debit, fen (agency only)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  accountBalanceFen?: number;
}

export class CancelFilingDto {
  @ApiPropertyOptional({ example: '2026-09-01', description: 'Default today' })
  @IsOptional()
  @IsCivilDate()
  cancelledOn?: string;
}

export class MaskedPersonDto {
  @ApiProperty({ example: '陈*伯' }) name: string;
  @ApiProperty({ example: '440***********0011' }) idNumber: string;
}

export class FilingViewDto {
  @ApiProperty({ example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }) id: string;
  @ApiProperty({ example: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' }) personId: string;
  @ApiProperty({ example: '440100' }) insuredCity: string;
  @ApiProperty({ example: '440600' }) treatingCity: string;
  @ApiProperty({ enum: FILING_KINDS, example: 'resettled-retiree' }) kind: string;
  @ApiProperty({ example: '2026-03-02' }) validFrom: string;
  @ApiProperty({ type: String, nullable: true, example: null }) validTo: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) cancelledOn: string | null;
  @ApiProperty({ example: false }) late: boolean;
  @ApiProperty({ example: '2026-03-02T01:00:00.000Z' }) recordedAt: string;
  @ApiProperty({ type: MaskedPersonDto }) person: MaskedPersonDto;
}

export class PersonQueryDto {
  @ApiProperty({ example: '440106195501010011', description: '公民身份号码 (mdtrt_cert_no)' })
  @IsString()
  @Length(18, 18)
  idNumber: string;
}

export class PersonFilingDto {
  @ApiProperty({ example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }) id: string;
  @ApiProperty({ example: 'resettled-retiree' }) kind: string;
  @ApiProperty({ example: '2026-03-02' }) validFrom: string;
  @ApiProperty({ type: String, nullable: true, example: null }) validTo: string | null;
  @ApiProperty({ type: String, nullable: true, example: null }) cancelledOn: string | null;
  @ApiProperty({ example: true }) coversToday: boolean;
}

export class AllowanceDto {
  @ApiProperty({ example: 2026 }) year: number;
  @ApiProperty({ example: 5000000 }) fundAvailableFen: number;
  @ApiProperty({ example: 300000 }) accountAvailableFen: number;
}

export class PersonInfoDto {
  @ApiProperty({ example: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' }) personId: string;
  @ApiProperty({ example: '440100' }) insuredCity: string;
  @ApiProperty({ example: '陈*伯' }) name: string;
  @ApiProperty({ example: '440***********0011' }) idNumber: string;
  @ApiProperty({ type: [PersonFilingDto] }) filings: PersonFilingDto[];
  @ApiProperty({ type: AllowanceDto }) allowance: AllowanceDto;
}

export class RegisterVisitDto {
  @ApiProperty({ example: '440106195501010011' })
  @IsString()
  @Length(18, 18)
  idNumber: string;

  @ApiProperty({ enum: VISIT_TYPES, example: 'outpatient' })
  @IsIn(VISIT_TYPES)
  visitType: VisitType;

  @ApiPropertyOptional({ example: '2026-03-05', description: 'Default today' })
  @IsOptional()
  @IsCivilDate()
  begunOn?: string;

  @ApiProperty({ example: EXAMPLE_MSGID, description: 'msgid: institution code + yyyyMMddHHmmss + 4-digit sequence (idempotency key)' })
  @IsString()
  @Length(30, 30)
  msgid: string;

  @ApiPropertyOptional({ example: '440100', description: 'insuplc_admdvs, checked when given' })
  @IsOptional()
  @Matches(CITY)
  insuredCity?: string;
}

export class FeeLineDto implements FeeLineInput {
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(99_999) lineNo: number;
  @ApiProperty({ example: 'A-001', description: 'Treating city catalogue code (med_list_codg)' }) @IsString() @Length(1, 50) code: string;
  @ApiProperty({ example: '阿莫西林胶囊' }) @IsString() @Length(1, 200) name: string;
  @ApiProperty({ example: 2 }) @IsInt() @Min(1) @Max(100_000) quantity: number;
  @ApiProperty({ example: 1500, description: 'Unit price, fen' }) @IsInt() @Min(0) @Max(10_000_000_000) unitPriceFen: number;
}

export class FeeLinesDto {
  @ApiProperty({ type: [FeeLineDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2_000)
  @ValidateNested({ each: true })
  @Type(() => FeeLineDto)
  lines: FeeLineDto[];
}

export class WithdrawLinesDto {
  @ApiPropertyOptional({ type: [Number], example: [2], description: 'Line numbers; all lines when absent' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2_000)
  @IsInt({ each: true })
  lineNos?: number[];
}

export class VisitViewDto {
  @ApiProperty({ example: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f' }) id: string;
  @ApiProperty({ example: 'H44060400001' }) hospitalCode: string;
  @ApiProperty({ example: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' }) personId: string;
  @ApiProperty({ example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' }) filingId: string;
  @ApiProperty({ example: '440100' }) insuredCity: string;
  @ApiProperty({ enum: VISIT_TYPES, example: 'outpatient' }) visitType: string;
  @ApiProperty({ example: '2026-03-05' }) begunOn: string;
  @ApiProperty({ enum: ['open', 'settled', 'cancelled'], example: 'open' }) state: string;
  @ApiProperty({ example: EXAMPLE_MSGID }) msgid: string;
  @ApiProperty({ type: [FeeLineDto] }) lines: FeeLineDto[];
}

export class SettleDto {
  @ApiProperty({
    example: EXAMPLE_MSGID,
    description: 'msgid of this settlement (idempotency key: the same msgid answers the same settlement)',
  })
  @IsString()
  @Length(30, 30)
  msgid: string;

  @ApiPropertyOptional({ example: true, description: 'acct_used_flag: debit the personal account (default true)' })
  @IsOptional()
  @IsBoolean()
  useAccount?: boolean;
}

export class PreSettleDto {
  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  useAccount?: boolean;
}

export class ReverseDto {
  @ApiProperty({ example: 'H44060400001202603051000000002' })
  @IsString()
  @Length(30, 30)
  msgid: string;
}

export class SettlementTotalsDto {
  @ApiProperty({ example: 77000, description: '医疗费总额, fen' }) medfee_sumamt: number;
  @ApiProperty({ example: 51000, description: '全自费金额' }) fulamt_ownpay_amt: number;
  @ApiProperty({ example: 500, description: '超限价自费' }) overlmt_selfpay: number;
  @ApiProperty({ example: 2000, description: '先行自付金额' }) preselfpay_amt: number;
  @ApiProperty({ example: 23500, description: '符合政策范围金额' }) inscp_scp_amt: number;
  @ApiProperty({ example: 10000, description: '实际支付起付线' }) act_pay_dedc: number;
  @ApiProperty({ example: 8100, description: '基本医疗保险统筹基金支出' }) hifp_pay: number;
  @ApiProperty({ example: 8100, description: '基金支付总额' }) fund_pay_sumamt: number;
  @ApiProperty({ example: 5000, description: '个人账户支出' }) acct_pay: number;
  @ApiProperty({ example: 63900, description: '个人现金支出' }) psn_cash_pay: number;
}

export class SettlementLineDto {
  @ApiProperty({ example: 3 }) lineNo: number;
  @ApiProperty({ example: 'B-001' }) code: string;
  @ApiProperty({ enum: ['A', 'B', 'C', 'unlisted'], example: 'B' }) class: string;
  @ApiProperty({ example: 20000 }) amountFen: number;
  @ApiProperty({ example: 0 }) fullOwnPayFen: number;
  @ApiProperty({ example: 0 }) overLimitFen: number;
  @ApiProperty({ example: 2000 }) preSelfPayFen: number;
  @ApiProperty({ example: 18000 }) inScopeFen: number;
  @ApiProperty({ example: 4500 }) deductibleFen: number;
  @ApiProperty({ example: 8100 }) fundFen: number;
  @ApiProperty({ example: 0 }) accountFen: number;
  @ApiProperty({ example: 11900 }) cashFen: number;
  @ApiProperty({ type: [String], example: ['CLASS_B_SELF_PAY_SHARE', 'DEDUCTIBLE', 'CO_PAYMENT'] }) reasons: string[];
  @ApiProperty({ type: [String], example: ['乙类, 先行自付 10% = 20.00 元 (四舍五入到分)', '乙类, 符合范围 180.00 元'] }) explain: string[];
}

export class ShortfallDto {
  @ApiProperty({ example: 3100 }) fen: number;
  @ApiProperty({ example: 'FUND_ALLOWANCE_EXHAUSTED' }) reason: string;
  @ApiProperty({ example: '本人在就医地的统筹基金额度不足, 3100 分转由个人负担' }) explain: string;
}

export class SettlementViewDto {
  @ApiProperty({ type: String, nullable: true, example: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', description: 'null on a pre-settlement' })
  id: string | null;
  @ApiProperty({ example: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f' }) visitId: string;
  @ApiProperty({ enum: ['pre-settlement', 'settled', 'reversed'], example: 'settled' }) state: string;
  @ApiProperty({ example: '440100' }) insuredCity: string;
  @ApiProperty({ example: '440600' }) treatingCity: string;
  @ApiProperty({ example: 'H44060400001' }) hospitalCode: string;
  @ApiProperty({ example: 'tertiary' }) hospitalLevel: string;
  @ApiProperty({ example: 'outpatient' }) visitType: string;
  @ApiProperty({ example: 'resettled-retiree' }) standing: string;
  @ApiProperty({ example: 6000, description: 'Fund ratio applied, basis points' }) ratioBp: number;
  @ApiProperty({ example: '2026-03-05' }) settledOn: string;
  @ApiProperty({ type: String, nullable: true, example: null }) reversedOn: string | null;
  @ApiProperty({ type: SettlementTotalsDto }) totals: SettlementTotalsDto;
  @ApiProperty({ type: ShortfallDto, nullable: true }) shortfall: ShortfallDto | null;
  @ApiProperty({ type: [SettlementLineDto] }) lines: SettlementLineDto[];
  @ApiProperty({ example: 'demo-2026.1' }) policyVersion: string;
  @ApiProperty({ example: 'demo-2026.1' }) catalogueVersion: string;
  @ApiProperty({ type: String, nullable: true, example: EXAMPLE_MSGID }) msgid: string | null;
}

export class NationalEnvelopeDto {
  @ApiProperty({
    example: '2207',
    description: '交易编号: 1101 2201 2202 2204 2205 2206 2207 2208 2301 2302 2303 2304 2305 2401 2404 2601 5206',
  })
  @Matches(/^\d{4}$/)
  infno: string;

  @ApiProperty({ example: EXAMPLE_MSGID, description: '报文ID (30): institution code + yyyyMMddHHmmss + 4-digit sequence' })
  @IsString()
  @Length(30, 30)
  msgid: string;

  @ApiProperty({ example: '440600', description: '就医地医保区划' })
  @Matches(CITY)
  mdtrtarea_admvs: string;

  @ApiProperty({ example: '440100', description: '参保地医保区划' })
  @Matches(CITY)
  insuplc_admdvs: string;

  @ApiPropertyOptional({ example: 'SM2', description: '签名类型 (the API key authenticates here; recorded only)' })
  @IsOptional()
  @IsString()
  @Length(0, 10)
  signtype?: string;

  @ApiProperty({
    example: { data: { mdtrt_id: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f', acct_used_flag: '1' } },
    description: 'The transaction input (input.data / input.feedetail)',
  })
  @IsObject()
  input: Record<string, unknown>;
}

export class NationalReplyDto {
  @ApiProperty({ example: 0, description: '0 success' }) infcode: number;
  @ApiProperty({ example: 'a8b9c0d1-e2f3-4a5b-8c6d-7e8f9a0b1c2d' }) inf_refmsgid: string;
  @ApiProperty({ example: '20260305093016123' }) refmsg_time: string;
  @ApiProperty({ example: '' }) err_msg: string;
  @ApiProperty({
    example: {
      setlinfo: {
        setl_id: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
        medfee_sumamt: 770.0,
        hifp_pay: 81.0,
        acct_pay: 50.0,
        psn_cash_pay: 639.0,
      },
    },
  })
  output: Record<string, unknown>;
}

export class PresentTestResultDto {
  @ApiProperty({
    description: 'The signed MEDICAL_TEST_REPORT credential document as the person shows it (电子证照, @guangfo/credentials format)',
    example: {
      id: '0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a',
      type: { code: 'MEDICAL_TEST_REPORT' },
      proof: { keyId: '440100-0123456789abcdef' },
    },
  })
  @IsObject()
  credential: Record<string, unknown>;
}

export class RecognisedCredentialDto {
  @ApiProperty({ example: '0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a' }) id: string;
  @ApiProperty({ example: '44010026MEDICAL_TEST_REPORT0000001' }) number: string;
  @ApiProperty({ example: 'MEDICAL_TEST_REPORT' }) type: string;
  @ApiProperty({ example: '440100' }) issuerCity: string;
  @ApiProperty({ example: '广州示范检验中心' }) issuerName: string;
  @ApiProperty({ example: '2026-03-01' }) issuedOn: string;
}

export class TestResultViewDto {
  @ApiProperty({ example: 'd1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6' }) id: string;
  @ApiProperty({ example: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f' }) visitId: string;
  @ApiProperty({ example: true }) recognised: boolean;
  @ApiProperty({ type: [String], example: [] }) reasons: string[];
  @ApiProperty({ type: [String], example: [] }) warnings: string[];
  @ApiProperty({ example: '2026-03-05T01:30:00.000Z' }) checkedAt: string;
  @ApiProperty({ type: RecognisedCredentialDto, nullable: true }) credential: RecognisedCredentialDto | null;
}

/** Page size and cursor of a list. */
export class MedicalPageQueryDto {
  @ApiPropertyOptional({ example: 20, description: 'Page size, 1–100 (default 20)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
  @ApiPropertyOptional({ description: 'nextCursor of the previous page, unchanged' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export class FilingListQueryDto extends MedicalPageQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'cancelled'], description: 'Only 备案 not cancelled, or cancelled ones' })
  @IsOptional()
  @IsIn(['active', 'cancelled'])
  status?: 'active' | 'cancelled';
  @ApiPropertyOptional({
    enum: ['own', 'replica'],
    description: 'Clerks: registered here (own) or received from the insured city (replica); residents see their own only',
  })
  @IsOptional()
  @IsIn(['own', 'replica'])
  origin?: 'own' | 'replica';
}

export class FilingPageDto {
  @ApiProperty({ type: [FilingViewDto] }) items: FilingViewDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor: string | null;
}

export class SettlementPageDto {
  @ApiProperty({ type: [SettlementViewDto] }) items: SettlementViewDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Cursor of the next page; null on the last' }) nextCursor: string | null;
}
