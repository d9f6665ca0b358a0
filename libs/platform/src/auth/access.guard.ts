import { type CanActivate, type ExecutionContext, Inject, Injectable, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import { NODE_CONFIG } from '../config/node-config.token.js';
import type { NodeConfig } from '../config/node-config.js';
import { platformError } from '../errors/platform-errors.js';
import { ACCESS_KEY, type AccessRule } from './access.decorator.js';
import type { Request } from 'express';
import { bearerToken, strategyNames } from './auth.strategies.js';
import type { Principal } from './principal.js';
import { IS_PUBLIC_KEY } from './public.decorator.js';
import { VerifiedTokens } from './verified-tokens.js';

/** Deny by default: a route is public, or it names who may call it with `@Access`. */
export const createAccessGuard = (cityCode: string): Type<CanActivate> => {
  const names = strategyNames(cityCode);
  const Authenticate = AuthGuard([names.jwt, names.apiKey]) as Type<IAuthGuard>;
  // A request without a bearer token cannot pass the JWT strategy: a partner's request goes to the API-key strategy alone
  // (the same outcome, without the failed JWT attempt and the error it builds on every partner request).
  const AuthenticateKey = AuthGuard(names.apiKey) as Type<IAuthGuard>;

  @Injectable()
  class AccessGuard implements CanActivate {
    private readonly authenticate: IAuthGuard = new Authenticate();
    private readonly authenticateKey: IAuthGuard = new AuthenticateKey();

    constructor(
      private readonly reflector: Reflector,
      @Inject(NODE_CONFIG) private readonly config: NodeConfig,
      private readonly verified: VerifiedTokens,
    ) {
      const handleRequest = (err: unknown, user: Principal | false) => {
        if (err || !user)
          throw platformError('UNAUTHENTICATED', { detail: 'Send a Bearer token (residents, clerks) or an X-API-Key (partner systems).' });
        return user;
      };
      for (const guard of [this.authenticate, this.authenticateKey])
        (guard as unknown as { handleRequest: unknown }).handleRequest = handleRequest;
    }

    async canActivate(ctx: ExecutionContext): Promise<boolean> {
      if (ctx.getType() !== 'http') return true;
      const targets = [ctx.getHandler(), ctx.getClass()];
      if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
      const req = ctx.switchToHttp().getRequest<Request & { user?: Principal }>();
      // A bearer token verified before (and not expired) gives its principal again without passport (VerifiedTokens).
      const token = req.headers.authorization === undefined ? null : bearerToken(req);
      const known = token === null ? undefined : this.verified.principalOf(token);
      if (known) req.user = known;
      else
        await (
          req.headers.authorization === undefined && req.headers['x-api-key'] !== undefined ? this.authenticateKey : this.authenticate
        ).canActivate(ctx);
      const principal = req.user!;
      const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, targets);
      if (!rule) throw platformError('FORBIDDEN_ROLE', { detail: 'This route grants access to nobody (deny by default).' });
      if (principal.kind === 'user') {
        if (!rule.roles?.includes(principal.role))
          throw platformError('FORBIDDEN_ROLE', { detail: `role ${principal.role} may not call this route` });
      } else if (!rule.scopes?.some((s) => principal.scopes.includes(s))) {
        throw platformError('FORBIDDEN_SCOPE', {
          detail: `requires one of the scopes: ${(rule.scopes ?? []).join(', ') || '(none: users only)'}`,
        });
      }
      if (rule.sameCity !== false && principal.city !== this.config.cityCode) {
        throw platformError('FORBIDDEN_CITY', { detail: `caller belongs to ${principal.city}; this is the ${this.config.cityCode} node` });
      }
      return true;
    }
  }
  return AccessGuard;
};
