import { applyDecorators, type Type } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { MEDICAL_ERRORS, type MedicalErrorCode } from '../medical.errors.js';

/** OpenAPI metadata of one endpoint: summary, success type and the domain errors it may answer (grouped by status). */
export function MedicalEndpoint(
  summary: string,
  ok: { status: number; type?: Type<unknown>; description?: string },
  errors: MedicalErrorCode[] = [],
  description?: string,
): MethodDecorator {
  const byStatus = new Map<number, string[]>([[400, ['VALIDATION_FAILED']]]);
  for (const code of errors) {
    const status = MEDICAL_ERRORS.describe(code).status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ApiOperation({ summary, description }),
    ApiResponse({ status: ok.status, type: ok.type, description: ok.description ?? 'OK' }),
    ...[...byStatus.entries()].map(([status, codes]) => ApiResponse({ status, description: codes.join(', ') })),
  );
}
