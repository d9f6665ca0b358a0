import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsObject,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { EXAMPLE } from './examples.js';

export class PresentationVerifierDto {
  @ApiProperty({
    enum: ['partner', 'hall'],
    example: 'partner',
    description: 'partner: one partner system (X-API-Key); hall: the clerks of one service hall',
  })
  @IsIn(['partner', 'hall'])
  kind: 'partner' | 'hall';

  @ApiProperty({ example: '440600', description: "The verifier's city (GB/T 2260)" })
  @Matches(/^\d{6}$/)
  city: string;

  @ApiPropertyOptional({ example: 'demo-bank-fs', description: 'Partner id (kind = partner)' })
  @ValidateIf((o: PresentationVerifierDto) => o.kind === 'partner')
  @IsString()
  @Length(1, 64)
  id?: string;

  @ApiPropertyOptional({ example: 'FS-CC-01', description: 'Service hall (kind = hall)' })
  @ValidateIf((o: PresentationVerifierDto) => o.kind === 'hall')
  @IsString()
  @Length(1, 64)
  hall?: string;
}

export class CreatePresentationDto {
  @ApiProperty({ example: EXAMPLE.credentialId })
  @IsUUID()
  credentialId: string;

  @ApiProperty({ type: PresentationVerifierDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PresentationVerifierDto)
  verifier: PresentationVerifierDto;

  @ApiProperty({ example: '开立账户核验居住证', description: 'What the verifier may use it for (shown in your access log)' })
  @IsString()
  @Length(1, 200)
  purpose: string;

  @ApiPropertyOptional({
    example: 600,
    description: 'Lifetime in seconds (default CREDENTIAL_PRESENTATION_TTL_SECONDS, at most CREDENTIAL_PRESENTATION_MAX_TTL_SECONDS)',
  })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(7 * 86400)
  ttlSeconds?: number;

  @ApiPropertyOptional({ example: true, description: 'Default true: usable once. false: any number of times until it expires' })
  @IsOptional()
  @IsBoolean()
  singleUse?: boolean;
}

export class PresentationDto {
  @ApiProperty({ example: '7e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0' }) presentationId: string;
  @ApiProperty({ example: EXAMPLE.credentialId }) credentialId: string;
  @ApiProperty({ example: { kind: 'partner', city: '440600', id: 'demo-bank-fs' } }) verifier: Record<string, string>;
  @ApiProperty({ example: '开立账户核验居住证' }) purpose: string;
  @ApiProperty({ example: true }) singleUse: boolean;
  @ApiProperty({ example: '2026-11-27T09:00:00.000Z' }) createdAt: string;
  @ApiProperty({ example: '2026-11-27T09:10:00.000Z' }) expiresAt: string;
  @ApiProperty({
    example: 'eyJmb3JtYXQiOiJndWFuZ2ZvLnByZXNlbnRhdGlvbi52MSIs…',
    description: 'Give it to the verifier: POST /api/v1/verifications { presentationToken }',
  })
  token: string;
  @ApiProperty({ example: 'GFTB-VP1:eyJmb3JtYXQiOiJndWFuZ2ZvLnByZXNlbnRhdGlvbi52MSIs…', description: 'The token as a QR code payload' })
  qrPayload: string;
}

class AccessCredentialDto {
  @ApiProperty({ example: EXAMPLE.credentialId }) id: string;
  @ApiProperty({ example: 'RESIDENCE_PERMIT' }) type: string;
  @ApiProperty({ example: EXAMPLE.number }) number: string;
}
export class AccessLogEntryDto {
  @ApiProperty({ example: '5d0c2a8e-1f4b-4e7a-8c3d-9b6a5e4f3d21' }) verificationId: string;
  @ApiProperty({ example: '2026-11-27T09:02:11.000Z' }) verifiedAt: string;
  @ApiProperty({
    example: { kind: 'partner', city: '440600', id: 'demo-bank-fs', name: '佛山示范银行' },
    description: 'A partner system, or a clerk role with city and hall (never a person)',
  })
  verifier: Record<string, string>;
  @ApiProperty({ type: AccessCredentialDto }) credential: AccessCredentialDto;
  @ApiProperty({ type: String, nullable: true, example: '7e1f2d3c-4b5a-4968-8776-a5b4c3d2e1f0' }) presentationId: string | null;
  @ApiProperty({ type: String, nullable: true, example: '开立账户核验居住证' }) purpose: string | null;
  @ApiProperty({ example: true }) valid: boolean;
  @ApiProperty({ type: [String], example: [] }) reasons: string[];
}
export class AccessLogDto {
  @ApiProperty({ type: [AccessLogEntryDto] }) items: AccessLogEntryDto[];
}
