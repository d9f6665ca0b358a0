import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import type { CredentialRef, FileMetadata, MaterialSubmission, SupplementResponse } from '../../application/case.commands.js';
import { Equals, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';

/** Metadata of a file the applicant hands in; the bytes travel through the platform file store. */
export class FileMetadataDto implements FileMetadata {
  @ApiProperty({ example: 'household-register.pdf', maxLength: 255 })
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  fileName: string;

  @ApiProperty({ example: 'application/pdf' })
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'mediaType must look like type/subtype' })
  @MaxLength(127)
  mediaType: string;

  @ApiProperty({ example: 482113, minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(10_000_000_000)
  sizeBytes: number;

  @ApiProperty({
    example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    description: 'SHA-256 of the bytes, lower-case hex',
  })
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'sha256 must be 64 lower-case hex digits' })
  sha256: string;
}

/** An electronic credential that replaces a material (免提交); verified by the credentials domain. */
export class CredentialRefDto implements CredentialRef {
  @ApiProperty({ example: 'HOUSEHOLD_REGISTER', description: 'Credential type code; must be one the catalogue lets replace this material' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9_]{0,63}$/)
  type: string;

  @ApiProperty({ example: 'HOUSEHOLD_REGISTER-440600-000123', description: 'The credential id or number (证照编号)' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  id: string;

  @ApiProperty({
    description:
      "The signed credential as the holder presents it (from their wallet: GET /api/v1/credentials). Verified at filing against this city's replicated issuer keys and status, whichever city issued it.",
    type: 'object',
    additionalProperties: true,
    example: {
      format: 'guangfo.credential.v1',
      id: '0b9c…',
      number: '…',
      type: { code: 'RESIDENCE_PERMIT', name: '居住证' },
      holder: { name: '李小红', code: '44060419920505002X', codeType: '111' },
      issuer: { name: '佛山市公安局', code: '…', city: '440600' },
      proof: { type: 'SM2-SM3', keyId: '440600-…', signature: '…' },
    },
  })
  @IsObject()
  document: Record<string, unknown>;
}

/**
 * One material: exactly one of `file` (metadata), `fileId` (a file already uploaded to the platform
 * file store), `credential`, or `missing: true` (to be asked for in the one 补正 notice).
 */
export class MaterialSubmissionDto implements MaterialSubmission {
  @ApiProperty({ example: 'household-register', description: 'Material id from the catalogue item' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  materialId: string;

  @ApiPropertyOptional({ type: FileMetadataDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FileMetadataDto)
  file?: FileMetadataDto;

  @ApiPropertyOptional({ example: '5b0f6c1e-2d7a-4c1b-9e0f-3a2b1c0d9e8f', description: 'Id of a file in the platform file store' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  fileId?: string;

  @ApiPropertyOptional({
    description: 'SHA-256 of the stored file (with fileId)',
    example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{64}$/)
  sha256?: string;

  @ApiPropertyOptional({ type: CredentialRefDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CredentialRefDto)
  credential?: CredentialRefDto;

  @ApiPropertyOptional({ example: true, description: 'Explicitly missing: the administering city asks for it in one 补正 notice' })
  @IsOptional()
  @Equals(true)
  missing?: true;
}

/** One answer to a 补正 item: a material (same shapes as at filing) and/or a written answer. */
export class SupplementResponseDto implements SupplementResponse {
  @ApiProperty({ example: 's1', description: 'Item id from the supplement notice' })
  @IsString()
  @Matches(/^s\d{1,3}$/)
  itemId: string;

  @ApiPropertyOptional({ type: FileMetadataDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FileMetadataDto)
  file?: FileMetadataDto;

  @ApiPropertyOptional({ example: '5b0f6c1e-2d7a-4c1b-9e0f-3a2b1c0d9e8f' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  fileId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{64}$/)
  sha256?: string;

  @ApiPropertyOptional({ type: CredentialRefDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CredentialRefDto)
  credential?: CredentialRefDto;

  @ApiPropertyOptional({ example: '已补充近 12 个月的缴费证明', maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  text?: string;
}
