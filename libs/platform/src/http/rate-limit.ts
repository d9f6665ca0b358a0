import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { TokenController } from '../auth/token.controller.js';
import { actorOf, type Principal } from '../auth/principal.js';
import type { NodeConfig, RateLimitConfig } from '../config/node-config.js';
import { NODE_CONFIG } from '../config/node-config.token.js';
import { platformError } from '../errors/platform-errors.js';

/** Production defaults (the env schema's); the sandbox raises them so demos and test suites never meet them. */
export const DEFAULT_RATE_LIMIT: RateLimitConfig = { windowSeconds: 60, perIp: 600, perPrincipal: 300, tokenPerIp: 30 };

/** Probes and scrapes are never limited. */
const UNLIMITED_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/**
 * Fixed-window counters in memory, per node (one process per node in production). A window
 * starts at the first hit of a key and lasts `windowMs`; expired windows are swept as time passes.
 */
export class FixedWindowCounter {
  private readonly windows = new Map<string, { hits: number; resetAt: number }>();
  private nextSweep = 0;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one hit; returns the seconds to wait when the limit is exceeded, else undefined. */
  hit(key: string, limit: number): number | undefined {
    const now = this.now();
    if (now >= this.nextSweep) {
      for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
      this.nextSweep = now + this.windowMs;
    }
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { hits: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.hits++;
    return w.hits > limit ? Math.max(1, Math.ceil((w.resetAt - now) / 1000)) : undefined;
  }
}

const tooMany = (ctx: ExecutionContext, retryAfter: number, limit: number, windowSeconds: number, what: string): never => {
  ctx.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
  throw platformError('TOO_MANY_REQUESTS', {
    detail: `At most ${limit} requests per ${windowSeconds} s ${what}; retry after ${retryAfter} s.`,
    extra: { retryAfterSeconds: retryAfter },
  });
};

const limited = (ctx: ExecutionContext): Request | undefined => {
  if (ctx.getType() !== 'http') return undefined;
  const req = ctx.switchToHttp().getRequest<Request>();
  return UNLIMITED_PATHS.has(req.path) ? undefined : req;
};

const ipOf = (req: Request): string => req.ip ?? req.socket?.remoteAddress ?? 'unknown';

/**
 * Before authentication, so failed logins count: every request per client IP, and
 * `POST /auth/token` per client IP (tighter). Answers 429 problem+json with Retry-After.
 */
@Injectable()
export class IpRateLimitGuard implements CanActivate {
  private readonly limits: RateLimitConfig;
  private readonly counter: FixedWindowCounter;

  constructor(@Inject(NODE_CONFIG) config: NodeConfig) {
    this.limits = config.rateLimit ?? DEFAULT_RATE_LIMIT;
    this.counter = new FixedWindowCounter(this.limits.windowSeconds * 1000);
  }

  canActivate(ctx: ExecutionContext): boolean {
    const req = limited(ctx);
    if (!req) return true;
    const ip = ipOf(req);
    const { perIp, tokenPerIp, windowSeconds } = this.limits;
    const wait = this.counter.hit(`ip:${ip}`, perIp);
    if (wait !== undefined) tooMany(ctx, wait, perIp, windowSeconds, 'from one IP');
    if (ctx.getClass() === TokenController) {
      const tokenWait = this.counter.hit(`token:${ip}`, tokenPerIp);
      if (tokenWait !== undefined) tooMany(ctx, tokenWait, tokenPerIp, windowSeconds, 'for tokens from one IP');
    }
    return true;
  }
}

/** After authentication: every request of one principal (user or partner system), from whatever IP. */
@Injectable()
export class PrincipalRateLimitGuard implements CanActivate {
  private readonly limits: RateLimitConfig;
  private readonly counter: FixedWindowCounter;

  constructor(@Inject(NODE_CONFIG) config: NodeConfig) {
    this.limits = config.rateLimit ?? DEFAULT_RATE_LIMIT;
    this.counter = new FixedWindowCounter(this.limits.windowSeconds * 1000);
  }

  canActivate(ctx: ExecutionContext): boolean {
    const req = limited(ctx) as (Request & { user?: Principal }) | undefined;
    if (!req?.user) return true;
    const { perPrincipal, windowSeconds } = this.limits;
    const wait = this.counter.hit(`principal:${req.user.city}:${actorOf(req.user)}`, perPrincipal);
    if (wait !== undefined) tooMany(ctx, wait, perPrincipal, windowSeconds, 'for one caller');
    return true;
  }
}
