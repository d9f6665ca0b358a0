import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { CREDENTIAL_STATUS_REASON_CODES } from '@guangfo/contracts';
import { HOLDER_CODE_TYPE_VALUES } from '../../domain/holder-code.js';
import {
  FULL_READ_PURPOSE_CODES,
  FULL_READ_PURPOSES,
  type FullReadPurpose,
  REVOKE_REASON_CODES,
  SUSPEND_REASON_CODES,
} from '../../application/credentials.service.js';
import { EXAMPLE, EXAMPLE_DOCUMENT } from './examples.js';
import { IsCivilDate } from '@guangfo/platform';

export class HolderDto {
  @ApiProperty({ example: '陈小明', description: '持证主体 (holder name)' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({
    example: '440106199001010013',
    description: '持证主体代码: ID number or unified social credit code (check character verified)',
  })
  @IsString()
  @Length(1, 40)
  code: string;

  @ApiProperty({
    enum: HOLDER_CODE_TYPE_VALUES,
    example: '111',
    description: '持证主体代码类型: 111 居民身份证, 001 统一社会信用代码, 414 护照, 511 台胞证, 516 港澳通行证',
  })
  @IsIn(HOLDER_CODE_TYPE_VALUES)
  codeType: string;
}

export class IssuingBodyDto {
  @ApiProperty({
    example: '广州市公安局',
    description: '颁发机构 (ignored: the name on the credential is the one in the issuing-authority list)',
  })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: '114401000075020016', description: '颁发机构代码 (统一社会信用代码)' })
  @IsString()
  @Length(18, 18)
  code: string;
}

export class IssueCredentialDto {
  @ApiProperty({
    example: 'RESIDENCE_PERMIT',
    description: 'Credential type code from the catalogue (GET /api/v1/catalogue/credential-types)',
  })
  @Matches(/^[A-Z][A-Z0-9_]{1,39}$/)
  typeCode: string;

  @ApiProperty({ type: HolderDto })
  @IsObject()
  @ValidateNested()
  @Type(() => HolderDto)
  holder: HolderDto;

  @ApiPropertyOptional({
    example: 'gz-resident',
    description: "The holder's account (统一身份认证 subject): the credential appears in their wallet and they may present it",
  })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  holderAccount?: string;

  @ApiPropertyOptional({
    type: IssuingBodyDto,
    description:
      'Optional. The issuer is always the body the caller acts for (a clerk: the body of their hall; a partner: the body its API key is bound to). If given, its code must be that body (else 403 CREDENTIAL_ISSUER_MISMATCH).',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => IssuingBodyDto)
  issuer?: IssuingBodyDto;

  @ApiPropertyOptional({ example: '2026-11-27', description: '颁发日期 (default: today, Asia/Shanghai)' })
  @IsOptional()
  @IsCivilDate()
  issueDate?: string;

  @ApiProperty({ example: '2026-11-27', description: '有效期起始 (inclusive)' })
  @IsCivilDate()
  validFrom: string;

  @ApiPropertyOptional({
    type: String,
    example: '2027-11-26',
    nullable: true,
    description: '有效期截止 (inclusive); omit or null for 长期有效',
  })
  @IsOptional()
  @ValidateIf((o: IssueCredentialDto) => o.validTo !== null)
  @IsCivilDate()
  validTo?: string | null;

  @ApiPropertyOptional({
    example: { residenceAddressDistrict: '天河区' },
    description: 'Type-specific data items (照面信息): lowerCamelCase names, string / integer / boolean values, at most 20',
  })
  @IsOptional()
  @IsObject()
  attributes?: Record<string, string | number | boolean>;
}

export class ReadCredentialQueryDto {
  @ApiPropertyOptional({
    enum: FULL_READ_PURPOSE_CODES,
    example: 'IDENTITY_CHECK',
    description: `Why the full ID number is needed (staff only; audited). Without it the holder's ID number is masked. ${FULL_READ_PURPOSE_CODES.map((c) => `${c} ${FULL_READ_PURPOSES[c].zh} (${FULL_READ_PURPOSES[c].roles.join(', ')})`).join('; ')}`,
  })
  @IsOptional()
  @IsIn(FULL_READ_PURPOSE_CODES)
  purpose?: FullReadPurpose;
}

export class RevokeCredentialDto {
  @ApiProperty({ enum: REVOKE_REASON_CODES, example: 'WITHDRAWN', description: 'Broadcast to every city' })
  @IsIn(REVOKE_REASON_CODES)
  reasonCode: (typeof REVOKE_REASON_CODES)[number];

  @ApiPropertyOptional({ example: '持证人已迁出，依申请注销', description: 'Kept in the issuing city only (never broadcast)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class SuspendCredentialDto {
  @ApiProperty({ enum: SUSPEND_REASON_CODES, example: 'UNDER_REVIEW' })
  @IsIn(SUSPEND_REASON_CODES)
  reasonCode: (typeof SUSPEND_REASON_CODES)[number];

  @ApiPropertyOptional({ example: '核查居住信息期间暂停使用' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ReinstateCredentialDto {
  @ApiPropertyOptional({ example: '核查完毕，恢复使用' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

class TypeRefDto {
  @ApiProperty({ example: 'RESIDENCE_PERMIT' }) code: string;
  @ApiProperty({ example: '居住证' }) name: string;
}
class IssuerRefDto {
  @ApiProperty({ example: EXAMPLE.issuer.name }) name: string;
  @ApiProperty({ example: EXAMPLE.issuer.code }) code: string;
  @ApiProperty({ example: '440100' }) city: string;
}
class HolderViewDto {
  @ApiProperty({ example: EXAMPLE.holder.name }) name: string;
  @ApiProperty({ example: EXAMPLE.holder.code }) code: string;
  @ApiProperty({ example: '111' }) codeType: string;
}

export class CredentialDto {
  @ApiProperty({ example: EXAMPLE.credentialId }) id: string;
  @ApiProperty({
    example: EXAMPLE.number,
    description: '证照编号: issuing body USCC + year + 8-digit sequence + ISO 7064 MOD 37,36 check character',
  })
  number: string;
  @ApiProperty({ type: TypeRefDto }) type: TypeRefDto;
  @ApiProperty({
    type: HolderViewDto,
    description:
      "A natural person's ID number is masked (110***********002X) except for the holder, the issue response, and staff reading with a stated purpose",
  })
  holder: HolderViewDto;
  @ApiProperty({ type: String, example: 'gz-resident', nullable: true }) holderAccount: string | null;
  @ApiProperty({ type: IssuerRefDto }) issuer: IssuerRefDto;
  @ApiProperty({ example: '2026-11-27' }) issueDate: string;
  @ApiProperty({ example: '2026-11-27' }) validFrom: string;
  @ApiProperty({ type: String, example: '2027-11-26', nullable: true }) validTo: string | null;
  @ApiProperty({ enum: ['valid', 'suspended', 'revoked', 'expired'], example: 'valid' }) status: string;
  @ApiProperty({ enum: CREDENTIAL_STATUS_REASON_CODES, nullable: true, example: null }) statusReasonCode: string | null;
  @ApiProperty({ nullable: true, example: null }) statusChangedAt: string | null;
  @ApiProperty({ example: EXAMPLE.keyId }) keyId: string;
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) issuedAt: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: EXAMPLE_DOCUMENT,
    description:
      'The signed document to present: fields + proof { type: SM2-SM3, keyId, signature (DER, base64) }. Only in a full view (it holds the full ID number).',
  })
  document?: Record<string, unknown>;
}

export class CredentialListDto {
  @ApiProperty({ type: [CredentialDto] }) items: CredentialDto[];
}
