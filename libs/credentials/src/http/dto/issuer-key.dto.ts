import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsOptional, Matches } from 'class-validator';
import { EXAMPLE } from './examples.js';

export class RotateIssuerKeyDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['RESIDENCE_PERMIT', 'BUSINESS_LICENSE'],
    description: 'Types the new key may sign (default: every catalogue credential type)',
  })
  @IsOptional()
  @IsArray()
  @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { each: true })
  credentialTypes?: string[];
}

export class RegistryKeyDto {
  @ApiProperty({ example: '440100' }) issuerCity: string;
  @ApiProperty({ example: EXAMPLE.keyId }) keyId: string;
  @ApiProperty({ example: 'SM2-SM3' }) algorithm: string;
  @ApiProperty({ enum: ['active', 'rotated', 'retired'], example: 'active' }) status: string;
  @ApiProperty({ type: [String], example: ['RESIDENCE_PERMIT', 'BUSINESS_LICENSE'] }) credentialTypes: string[];
  @ApiProperty({ example: `04${'a1'.repeat(64)}`, description: 'Uncompressed SM2 public key, hex' }) publicKey: string;
  @ApiProperty({
    example: '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoEcz1UBgi0DQgAE…\n-----END PUBLIC KEY-----\n',
    description: 'SubjectPublicKeyInfo (id-ecPublicKey + SM2 curve), for OpenSSL',
  })
  publicKeyPem: string;
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) publishedAt: string;
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) statusChangedAt: string;
}
export class RegistryStreamDto {
  @ApiProperty({ example: '440100' }) issuerCity: string;
  @ApiProperty({ example: false, description: 'This node is the issuer (authoritative)' }) own: boolean;
  @ApiProperty({ example: 12, description: 'Registry changes applied in order' }) sequence: number;
  @ApiProperty({ example: 12 }) highestSeen: number;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-27T08:55:00.000Z' }) asOf: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2026-11-27T08:55:00.000Z' }) lastCheckpointAt: string | null;
  @ApiProperty({ example: false, description: 'A gap: announced changes not applied yet (status freshness held back)' }) behind: boolean;
}
export class IssuingAuthorityDto {
  @ApiProperty({ example: '440100' }) issuerCity: string;
  @ApiProperty({ example: '114401000075020016', description: '统一社会信用代码 of the body' }) code: string;
  @ApiProperty({ example: '广州市公安局' }) name: string;
  @ApiProperty({ type: [String], example: ['HOUSEHOLD_REGISTER', 'RESIDENCE_PERMIT'], description: 'Credential types the body may issue' })
  credentialTypes: string[];
}
export class IssuerKeyRegistryDto {
  @ApiProperty({ example: '440600', description: 'The node answering' }) city: string;
  @ApiProperty({ type: [RegistryKeyDto] }) keys: RegistryKeyDto[];
  @ApiProperty({ type: [RegistryStreamDto] }) streams: RegistryStreamDto[];
  @ApiProperty({
    type: [IssuingAuthorityDto],
    description: "Each city's published issuing-authority list as this node holds it (ISSUER_NOT_AUTHORISED otherwise)",
  })
  authorities: IssuingAuthorityDto[];
  @ApiProperty({ example: 3600 }) statusMaxAgeSeconds: number;
  @ApiProperty({ enum: ['fail-closed', 'accept-with-warning'], example: 'fail-closed' }) staleStatusPolicy: string;
}

export class OwnIssuerKeyDto {
  @ApiProperty({ example: EXAMPLE.keyId }) keyId: string;
  @ApiProperty({ enum: ['active', 'rotated', 'retired'], example: 'active' }) status: string;
  @ApiProperty({ type: [String], example: ['RESIDENCE_PERMIT'] }) credentialTypes: string[];
  @ApiProperty({ example: '2026-11-27T08:00:00.000Z' }) createdAt: string;
  @ApiProperty({ nullable: true, example: null }) rotatedAt: string | null;
  @ApiProperty({ nullable: true, example: null }) retiredAt: string | null;
}
export class RotationResultDto {
  @ApiProperty({ type: OwnIssuerKeyDto }) active: OwnIssuerKeyDto;
  @ApiProperty({ type: OwnIssuerKeyDto, nullable: true }) rotated: OwnIssuerKeyDto | null;
}
export class CheckpointResultDto {
  @ApiProperty({ example: 12 }) sequence: number;
  @ApiProperty({ example: '2026-11-27T09:00:00.000Z' }) occurredAt: string;
}
