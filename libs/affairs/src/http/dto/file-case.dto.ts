import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CASE_CHANNELS, CASE_MODES, type CaseChannel, type CaseMode } from '@guangfo/contracts';
import {
  type ApplicantInput,
  type FileCaseCommand,
  IDENTITY_CHECK_METHODS,
  type IdentityCheckMethod,
} from '../../application/case.commands.js';
import { MaterialSubmissionDto } from './material.dto.js';

export { IDENTITY_CHECK_METHODS, type IdentityCheckMethod } from '../../application/case.commands.js';

/**
 * The applicant. Residents filing online do not send it: the applicant is the real-name-verified
 * identity in their token. Clerks filing at a window send it, with how identity was checked in person.
 */
export class ApplicantDto implements ApplicantInput {
  @ApiProperty({ example: '李小红', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiProperty({
    example: '44060419920505002X',
    description: '公民身份号码 (GB 11643, checked). Stored encrypted; shown in full only to its owner.',
  })
  @IsString()
  @MinLength(15)
  @MaxLength(20)
  idNumber: string;

  @ApiPropertyOptional({
    enum: IDENTITY_CHECK_METHODS,
    example: 'id-card-reader',
    description:
      "Clerks (required): how the applicant's identity was checked in person — id-card-reader 二代证读卡, id-card-inspection 证件原件核验, face-match 人证比对",
  })
  @IsOptional()
  @IsIn(IDENTITY_CHECK_METHODS)
  identityCheck?: IdentityCheckMethod;

  @ApiPropertyOptional({
    example: 'fs-resident',
    description:
      "Clerks: the applicant's resident account, so they can follow the case online. The link takes effect only for an account whose verified identity (实名认证) is this applicant's.",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  sub?: string;
}

/** POST /api/v1/cases — file a case for a catalogue item (申请). */
export class FileCaseDto implements FileCaseCommand {
  @ApiProperty({ example: 'XK00201000', description: 'Catalogue item: base code (基本编码) or implementation code (实施编码)' })
  @IsString()
  @Matches(/^[A-Za-z]{2}\d{8}(\d{9})?$/, { message: 'itemCode must be a base or implementation code' })
  itemCode: string;

  @ApiProperty({
    enum: CASE_MODES,
    example: 'proxy',
    description: "online 全程网办 | proxy 异地代收代办 | joint 多地联办; must be allowed by the item's route",
  })
  @IsIn(CASE_MODES)
  mode: CaseMode;

  @ApiProperty({ example: '440100', description: '办理地: the city whose authority decides' })
  @IsString()
  @Matches(/^\d{6}$/)
  administeringCity: string;

  @ApiPropertyOptional({
    example: '440600',
    description:
      "The applicant's own city (户籍/参保/持证地, the route's `from`). Residents: always their city. Clerks: default this city.",
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/)
  applicantCity?: string;

  @ApiPropertyOptional({ enum: CASE_CHANNELS, example: 'window', description: 'Default: window for clerks, online for residents' })
  @IsOptional()
  @IsIn(CASE_CHANNELS)
  channel?: CaseChannel;

  @ApiPropertyOptional({
    type: ApplicantDto,
    description:
      'Clerks at a window: required. Residents: leave out (the applicant is the verified identity of the token); if sent it must be that identity.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ApplicantDto)
  applicant?: ApplicantDto;

  @ApiProperty({
    type: [MaterialSubmissionDto],
    description: 'Every required material of the item, provided or explicitly `missing: true`; optional ones may be left out',
    example: [
      {
        materialId: 'household-register',
        file: {
          fileName: 'hukou.pdf',
          mediaType: 'application/pdf',
          sizeBytes: 92311,
          sha256: '3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d',
        },
      },
      {
        materialId: 'id-card',
        file: {
          fileName: 'id-card.jpg',
          mediaType: 'image/jpeg',
          sizeBytes: 183220,
          sha256: '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae',
        },
      },
      { materialId: 'residence-permit', fileId: '5b0f6c1e-2d7a-4c1b-9e0f-3a2b1c0d9e8f' },
      {
        materialId: 'home',
        file: {
          fileName: 'lease.pdf',
          mediaType: 'application/pdf',
          sizeBytes: 482113,
          sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        },
      },
      { materialId: 'contributions', missing: true },
    ],
  })
  @IsArray()
  @ArrayMaxSize(50)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => MaterialSubmissionDto)
  materials: MaterialSubmissionDto[];

  @ApiPropertyOptional({ example: '申请人现场出示身份证原件', description: 'Internal note of the filing clerk; stays in this city' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note?: string;
}
