import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Principal, UserRole } from './principal.js';

export const ACCESS_KEY = 'guangfo:access';

export interface AccessRule {
  /** User roles allowed. Omit to allow no user (partners only). */
  roles?: UserRole[];
  /** Partner API-key scopes, any one of which allows the call. Omit to allow no partner. */
  scopes?: string[];
  /** The caller must belong to this node's city (default true). Object-level checks come on top. */
  sameCity?: boolean;
}

/**
 * Who may call a route: roles for users (JWT), scopes for partners (API key), and the city
 * check. Routes without `@Access` or `@Public` are denied. Also documents the route's security.
 */
export const Access = (rule: AccessRule) =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { sameCity: true, ...rule }),
    ...(rule.roles?.length ? [ApiBearerAuth('jwt')] : []),
    ...(rule.scopes?.length ? [ApiSecurity('api-key')] : []),
    ApiUnauthorizedResponse({ description: 'No or invalid credentials (problem+json, code UNAUTHENTICATED)' }),
    ApiForbiddenResponse({ description: 'Wrong role, scope or city (problem+json, FORBIDDEN_ROLE / FORBIDDEN_SCOPE / FORBIDDEN_CITY)' }),
  );

/** The authenticated caller. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => ctx.switchToHttp().getRequest<{ user: Principal }>().user,
);
