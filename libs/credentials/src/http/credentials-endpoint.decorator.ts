import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiProperty, ApiResponse } from '@nestjs/swagger';
import { CREDENTIALS_ERRORS, type CredentialsErrorCode } from '../credentials.errors.js';

/** RFC 9457 problem details as this domain returns them. */
export class CredentialsProblemDto {
  @ApiProperty({ example: 'https://guangfo.gov.cn/problems/credential-not-found' }) type: string;
  @ApiProperty({ example: '电子证照不存在 / No such credential' }) title: string;
  @ApiProperty({ example: 404 }) status: number;
  @ApiProperty({
    enum: [...CREDENTIALS_ERRORS.codes, 'VALIDATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN_ROLE', 'FORBIDDEN_SCOPE', 'FORBIDDEN_CITY'],
    example: 'CREDENTIAL_NOT_FOUND',
  })
  code: string;
  @ApiProperty({ example: 'no credential 0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a issued by 440100' }) detail: string;
  @ApiProperty({ example: '电子证照不存在' }) titleZh: string;
  @ApiProperty({ example: 'No such credential' }) titleEn: string;
}

/** OpenAPI metadata of one endpoint: summary, success type and the domain errors it may answer (grouped by status). */
export function CredentialsEndpoint(
  summary: string,
  ok: { status: number; type?: Type<unknown> | [Type<unknown>]; description?: string },
  errors: CredentialsErrorCode[] = [],
  description?: string,
): MethodDecorator {
  const byStatus = new Map<number, CredentialsErrorCode[]>();
  for (const code of errors) {
    const status = CREDENTIALS_ERRORS.describe(code).status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ApiExtraModels(CredentialsProblemDto),
    ApiOperation({ summary, description }),
    ApiResponse({ status: ok.status, type: ok.type, description: ok.description ?? 'OK' }),
    ApiResponse({
      status: 400,
      type: CredentialsProblemDto,
      description: 'VALIDATION_FAILED (field errors)' + (byStatus.has(400) ? `, ${byStatus.get(400)!.join(', ')}` : ''),
    }),
    ...[...byStatus.entries()]
      .filter(([status]) => status !== 400)
      .map(([status, codes]) => ApiResponse({ status, type: CredentialsProblemDto, description: codes.join(', ') })),
  );
}
