import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { CityRegistry, NODE_CONFIG, type NodeConfig, platformError } from '@guangfo/platform';
import { authenticateInterchangeRequest } from './interchange-signature.js';
import { DbNonceStore } from './interchange-nonce.store.js';

export type InterchangeRequest = Request & { interchangeCity?: string };

/**
 * Authenticates node-to-node routes (which are `@Public()` for the JWT/API-key guard) by the
 * requesting city's SM2 request signature. Sets `req.interchangeCity`. Failures are logged
 * (not audited: unauthenticated traffic must not grow the audit chain).
 */
@Injectable()
export class InterchangeSignatureGuard implements CanActivate {
  private readonly logger = new Logger('InterchangeSignatureGuard');

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
    private readonly nonces: DbNonceStore,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<InterchangeRequest>();
    const verdict = await authenticateInterchangeRequest(
      { method: req.method, path: req.originalUrl, header: (n) => req.header(n) },
      { toCity: this.config.cityCode, registry: this.registry, nonces: this.nonces },
    );
    if (!verdict.ok) {
      this.logger.warn(
        { code: verdict.code, claimedCity: verdict.claimedCity, path: req.originalUrl, ip: req.ip },
        `interchange request refused: ${verdict.reason}`,
      );
      throw platformError(verdict.code, { detail: verdict.reason });
    }
    req.interchangeCity = verdict.city;
    return true;
  }
}
