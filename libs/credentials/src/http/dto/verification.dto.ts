import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { VERIFICATION_REASONS, VERIFICATION_WARNINGS } from '../../domain/credential-verification.js';
import { EXAMPLE, EXAMPLE_DOCUMENT } from './examples.js';

export class VerifyCredentialDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: EXAMPLE_DOCUMENT,
    description: 'The full signed credential document (as GET /credentials/{id} returns in `document`)',
  })
  @IsOptional()
  @IsObject()
  credential?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: 'GFTB-VP1:eyJmb3JtYXQiOiJndWFuZ2ZvLnByZXNlbnRhdGlvbi52MSIs…',
    description: 'A presentation token or QR payload the holder made for you (instead of `credential`)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(16384)
  presentationToken?: string;

  @ApiPropertyOptional({ example: 'RESIDENCE_PERMIT', description: 'Reject with TYPE_MISMATCH unless the credential is of this type' })
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{1,39}$/)
  expectedType?: string;

  @ApiPropertyOptional({
    example: '440106199001010013',
    description: 'Reject with HOLDER_MISMATCH unless the credential is held by this code',
  })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  expectedHolderCode?: string;

  @ApiPropertyOptional({ example: '居住证积分入学核验', description: "Why you verify (shown in the holder's access log)" })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  purpose?: string;
}

class SummaryTypeDto {
  @ApiProperty({ example: 'RESIDENCE_PERMIT' }) code: string;
  @ApiProperty({ example: '居住证' }) name: string;
}
class SummaryHolderDto {
  @ApiProperty({ example: EXAMPLE.holderMasked.name }) name: string;
  @ApiProperty({ example: EXAMPLE.holderMasked.code }) code: string;
  @ApiProperty({ example: '111' }) codeType: string;
}
class SummaryIssuerDto {
  @ApiProperty({ example: EXAMPLE.issuer.name }) name: string;
  @ApiProperty({ example: EXAMPLE.issuer.code }) code: string;
  @ApiProperty({ example: '440100' }) city: string;
}
export class CredentialSummaryDto {
  @ApiProperty({ example: EXAMPLE.credentialId }) id: string;
  @ApiProperty({ example: EXAMPLE.number }) number: string;
  @ApiProperty({ type: SummaryTypeDto }) type: SummaryTypeDto;
  @ApiProperty({ type: SummaryHolderDto, description: 'Masked when the holder is a natural person' }) holder: SummaryHolderDto;
  @ApiProperty({ type: SummaryIssuerDto }) issuer: SummaryIssuerDto;
  @ApiProperty({ example: '2026-11-27' }) issueDate: string;
  @ApiProperty({ example: '2026-11-27' }) validFrom: string;
  @ApiProperty({ type: String, example: '2027-11-26', nullable: true }) validTo: string | null;
  @ApiProperty({ example: EXAMPLE.keyId }) keyId: string;
}
class StatusViewDto {
  @ApiProperty({ enum: ['valid', 'suspended', 'revoked'], example: 'valid' }) value: string;
  @ApiProperty({ nullable: true, example: null }) reasonCode: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2026-11-27T08:55:00.000Z',
    description: "Issuer time the verifying city's copy of the status is known as of",
  })
  asOf: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 300 }) ageSeconds: number | null;
  @ApiProperty({ example: true, description: 'Within CREDENTIAL_STATUS_MAX_AGE_SECONDS' }) fresh: boolean;
}
class PresentationRefDto {
  @ApiProperty({ example: '7e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0' }) id: string;
  @ApiProperty({ example: '开立账户核验居住证' }) purpose: string;
  @ApiProperty({ example: '2026-11-27T09:10:00.000Z' }) expiresAt: string;
  @ApiProperty({ example: true }) singleUse: boolean;
}

export class VerificationResultDto {
  @ApiProperty({ example: '5d0c2a8e-1f4b-4e7a-8c3d-9b6a5e4f3d21' }) verificationId: string;
  @ApiProperty({ example: true }) valid: boolean;
  @ApiProperty({ enum: VERIFICATION_REASONS, isArray: true, example: [], description: 'Why it is not valid (empty when valid)' })
  reasons: string[];
  @ApiProperty({ enum: VERIFICATION_WARNINGS, isArray: true, example: [] }) warnings: string[];
  @ApiProperty({ example: '2026-11-27T09:00:00.000Z' }) checkedAt: string;
  @ApiPropertyOptional({ type: CredentialSummaryDto }) credential?: CredentialSummaryDto;
  @ApiPropertyOptional({ type: StatusViewDto }) status?: StatusViewDto;
  @ApiPropertyOptional({ type: [String], example: ['holder.code: is not a valid code of type 111'], description: 'MALFORMED only' })
  errors?: string[];
  @ApiPropertyOptional({ type: PresentationRefDto }) presentation?: PresentationRefDto;
}
