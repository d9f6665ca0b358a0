import { applyDecorators, createParamDecorator, type ExecutionContext, HttpCode, Post, type Type } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access, prefersMinimal, type UserRole } from '@guangfo/platform';
import type { Request } from 'express';
import { CaseDetailDto } from './dto/case-view.dto.js';

export const CASE_ID_PARAM = ApiParam({ name: 'id', description: 'Case id (UUID)', example: '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c' });

/**
 * One step of a case: POST /cases/{id}/{action}. Auth, the If-Match header, and the responses
 * in one place. Clerk steps require If-Match (the case version, returned as ETag).
 */
export function CaseStep(
  action: string,
  o: { summary: string; description?: string; roles: UserRole[]; body?: Type<unknown>; ifMatch: 'required' | 'optional' | 'none' },
): MethodDecorator {
  return applyDecorators(
    Post(`:id/${action}`),
    HttpCode(200),
    Access({ roles: o.roles }),
    CASE_ID_PARAM,
    ApiOperation({ summary: o.summary, description: o.description }),
    ...(o.body ? [ApiBody({ type: o.body })] : []),
    ...(o.ifMatch === 'none'
      ? []
      : [
          ApiHeader({
            name: 'If-Match',
            required: o.ifMatch === 'required',
            description: 'The case version you acted on, as returned in ETag, e.g. "4"',
            example: '"4"',
          }),
          ApiResponse({ status: 428, description: 'If-Match missing (PRECONDITION_REQUIRED)' }),
          ApiPreconditionFailedResponse({ description: 'The case changed since you read it (PRECONDITION_FAILED); reload and act again' }),
        ]),
    ApiHeader({
      name: 'Prefer',
      required: false,
      description: '`return=minimal`: answer 204 with the new version in ETag and no body (saves reading the case back)',
      example: 'return=minimal',
    }),
    ApiOkResponse({ type: CaseDetailDto, description: 'The case after the step; ETag = its version' }),
    ApiResponse({ status: 204, description: 'Done, with `Prefer: return=minimal`: no body; ETag = the new version' }),
    ApiNotFoundResponse({ description: 'No such case, or not yours (CASE_NOT_FOUND)' }),
    ApiConflictResponse({
      description:
        'Not allowed in the current state (CASE_ILLEGAL_TRANSITION), held by the other city (CASE_NOT_HELD_HERE), claimed by another clerk (CASE_CLAIMED_BY_OTHER)…',
    }),
    ApiUnprocessableEntityResponse({
      description: 'Invalid content for the step (CASE_REASON_REQUIRED, CASE_SUPPLEMENT_INVALID, CASE_MATERIALS_INCOMPLETE…)',
    }),
  );
}

/** What a step's request says about how to act and answer: If-Match, and `Prefer: return=minimal` (RFC 7240). */
export interface StepPreferences {
  ifMatch?: string;
  minimal: boolean;
}

export const StepPreferences = createParamDecorator((_data: unknown, ctx: ExecutionContext): StepPreferences => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return { ifMatch: req.header('if-match'), minimal: prefersMinimal(req.header('prefer')) };
});
