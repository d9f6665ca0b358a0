import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BufferReplyExpressAdapter } from '@guangfo/platform';
import type { Request, Response } from 'express';
import { map, type Observable, of } from 'rxjs';
import { CatalogueService } from '../application/catalogue.service.js';

/** One cached response: the JSON body exactly as sent (its UTF-8 bytes) and its strong ETag. */
export interface CachedBody {
  body: Buffer;
  etag: string;
}

/** Bounded LRU (a Map keeps insertion order: a hit moves the entry to the end, the oldest goes first). */
export class BodyCache {
  private readonly entries = new Map<string, CachedBody>();
  constructor(readonly maxEntries = 500) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedBody | undefined {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: CachedBody): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

export const CATALOGUE_CACHE_CONTROL = 'public, max-age=60';
export const CATALOGUE_CACHE_ENTRIES = 500;

/** Strong ETag: sha256 of the exact bytes sent. */
export const strongEtag = (body: string | Buffer): string => `"${createHash('sha256').update(body).digest('base64url')}"`;

/**
 * Read-only catalogue GETs: a catalogue version never changes once loaded, so each response is
 * serialised once per (resolved catalogue version, path, normalised query) and kept — body and a
 * strong ETag — in a bounded LRU. The key holds the version the request resolves to (the explicit
 * `version`, else the current one at the time of the request), so when the current version changes
 * nothing cached for the old one is served. `If-None-Match` with the same ETag answers 304 with no
 * body. Errors pass through and are never cached; a request whose version is not loaded is never
 * looked up (the handler answers it). A hit skips the validation pipe and the handler: only a
 * query that was accepted before can hit, and the same query is accepted again.
 */
@Injectable()
export class CatalogueCacheInterceptor implements NestInterceptor {
  readonly cache = new BodyCache(CATALOGUE_CACHE_ENTRIES);

  /** Whether the app sends a Buffer as its bytes (a city node's adapter); elsewhere (a test module's default adapter) the text is sent. */
  private readonly sendsBuffers: boolean;

  constructor(
    private readonly catalogue: CatalogueService,
    adapterHost: HttpAdapterHost,
  ) {
    this.sendsBuffers = adapterHost.httpAdapter instanceof BufferReplyExpressAdapter;
  }

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const key = req.method === 'GET' || req.method === 'HEAD' ? this.key(req) : undefined;
    if (key === undefined) return next.handle();
    const hit = this.cache.get(key);
    if (hit) return of(this.send(req, res, hit));
    return next.handle().pipe(
      map((value: unknown) => {
        // Only a 200 with a JSON value is kept (errors never reach here: they are thrown).
        if (res.statusCode !== 200 || value === undefined) return value;
        const body = Buffer.from(JSON.stringify(value), 'utf8');
        const entry = { body, etag: strongEtag(body) };
        this.cache.set(key, entry);
        return this.send(req, res, entry);
      }),
    );
  }

  /** Cache key, or undefined when the request must not use the cache. */
  private key(req: Request): string | undefined {
    const query = req.query as Record<string, unknown>;
    const version = query.version;
    let resolved: string;
    if (version === undefined) {
      const current = this.catalogue.catalogue();
      resolved = `${current.version}#${current.hash}`;
    } else if (typeof version === 'string') {
      const c = this.catalogue.loaded(version);
      if (!c) return undefined;
      resolved = `${c.version}#${c.hash}`;
    } else {
      return undefined;
    }
    const names = Object.keys(query)
      .filter((k) => k !== 'version')
      .sort();
    let key = `${resolved} ${req.path}`;
    for (const k of names) key += `\u0000${k}=${JSON.stringify(query[k])}`;
    return key;
  }

  /**
   * Headers of a cached body; the body itself, or undefined for a 304. The body is a Buffer, sent as
   * it is by the node's BufferReplyExpressAdapter (not encoded again for each request); under another
   * adapter, its text.
   */
  private send(req: Request, res: Response, entry: CachedBody): Buffer | string | undefined {
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('ETag', entry.etag);
    res.setHeader('Cache-Control', CATALOGUE_CACHE_CONTROL);
    // Express compares If-None-Match with the ETag just set; on a match it answers 304 with no body.
    if (!req.fresh) return this.sendsBuffers ? entry.body : entry.body.toString('utf8');
    res.status(304);
    return undefined;
  }
}
