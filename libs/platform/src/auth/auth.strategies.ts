import { createPublicKey } from 'node:crypto';
import { Injectable, type Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { ExtractJwt, Strategy as JwtStrategyBase } from 'passport-jwt';
import { Strategy as CustomStrategy } from 'passport-custom';
import { z } from 'zod';
import { normalizeResidentId } from '@guangfo/kernel';
import { ApiKeyService } from './api-key.service.js';
import { USER_ROLES, type PartnerPrincipal, type UserPrincipal } from './principal.js';
import { VerifiedTokens } from './verified-tokens.js';

export const JWT_AUDIENCE = 'guangfo-api';

const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(USER_ROLES as [string, ...string[]]),
  city: z.string().regex(/^\d{6}$/),
  hall: z.string().optional(),
  name: z.string().optional(),
  /** The provider's real-name verification of a resident (实名认证): ID number and name. */
  idv: z
    .object({
      idNumber: z.string().max(20),
      name: z.string().min(1).max(100),
      assurance: z.enum(['real-name', 'face']),
    })
    .optional(),
});

/** The bearer token of a request (`Authorization: Bearer …`), as the JWT strategy and the access guard read it. */
export const bearerToken: (req: Request) => string | null = ExtractJwt.fromAuthHeaderAsBearerToken();

export const strategyNames = (cityCode: string) => ({ jwt: `jwt-${cityCode}`, apiKey: `api-key-${cityCode}` });

/**
 * Tokens come from the provincial identity provider (统一身份认证), shared by the cities:
 * the `city` claim says which city a user belongs to; the guard compares it with the node.
 * Passport keeps strategies in one process-wide registry, and the sandbox runs several city
 * nodes in one process: each node gets strategies named after its city.
 */
export const createAuthStrategies = (cityCode: string, identity: { issuer: string; publicKeyPem: string }): Type<unknown>[] => {
  const names = strategyNames(cityCode);

  @Injectable()
  class JwtStrategy extends PassportStrategy(JwtStrategyBase, names.jwt) {
    constructor(private readonly verified: VerifiedTokens) {
      super({
        jwtFromRequest: bearerToken,
        passReqToCallback: true,
        // A KeyObject, parsed once: given the PEM, jsonwebtoken parses it again for every request
        // (jsonwebtoken takes a KeyObject; passport-jwt passes it through, its types say string | Buffer).
        secretOrKey: createPublicKey(identity.publicKeyPem) as unknown as string,
        algorithms: ['ES256'],
        issuer: identity.issuer,
        audience: JWT_AUDIENCE,
      });
    }

    /** Runs after passport-jwt verified the token (signature, issuer, audience, expiry); the access guard skips both next time. */
    validate(req: Request, payload: unknown): UserPrincipal | false {
      const principal = this.principalOf(payload);
      const token = bearerToken(req);
      if (principal && token) this.verified.remember(token, principal, (payload as { exp?: unknown }).exp);
      return principal;
    }

    private principalOf(payload: unknown): UserPrincipal | false {
      const c = claimsSchema.safeParse(payload);
      if (!c.success) return false;
      const { idv, ...claims } = c.data;
      const principal: UserPrincipal = { kind: 'user', ...(claims as Omit<UserPrincipal, 'kind' | 'identity'>) };
      if (idv !== undefined) {
        // Only residents carry an identity, and only a valid GB 11643 number is believed.
        const idNumber = normalizeResidentId(idv.idNumber);
        if (principal.role !== 'resident' || !idNumber) return false;
        principal.identity = { idNumber, name: idv.name.trim(), assurance: idv.assurance };
      }
      return principal;
    }
  }

  @Injectable()
  class ApiKeyStrategy extends PassportStrategy(CustomStrategy, names.apiKey) {
    constructor(private readonly apiKeys: ApiKeyService) {
      super();
    }

    async validate(req: Request): Promise<PartnerPrincipal | false> {
      const key = req.header('x-api-key');
      if (!key || key.length > 256) return false;
      return (await this.apiKeys.partnerFor(key)) ?? false;
    }
  }

  return [JwtStrategy, ApiKeyStrategy];
};
