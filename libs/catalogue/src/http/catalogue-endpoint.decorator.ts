import { applyDecorators, type Type, UseInterceptors } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Public } from '@guangfo/platform';
import { CATALOGUE_CACHE_CONTROL, CatalogueCacheInterceptor } from './catalogue-cache.interceptor.js';
import { CatalogueErrorDto } from './dto/catalogue-error.dto.js';

const cacheHeaders = {
  ETag: {
    description: 'Strong validator of this exact body (per catalogue version and query); send it back as If-None-Match',
    schema: { type: 'string', example: '"3q2-7w…"' },
  },
  'Cache-Control': {
    description: 'A catalogue version never changes once loaded',
    schema: { type: 'string', example: CATALOGUE_CACHE_CONTROL },
  },
};

/** A public, read-only catalogue endpoint: auth + OpenAPI metadata in one place. */
export function PublicRead(summary: string, type: Type<unknown> | [Type<unknown>], description?: string): MethodDecorator {
  return applyDecorators(
    Public(),
    ApiOperation({ summary, description }),
    ApiOkResponse({ type }),
    ApiBadRequestResponse({
      type: CatalogueErrorDto,
      description: 'Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …)',
    }),
    ApiNotFoundResponse({ type: CatalogueErrorDto, description: 'Unknown item or catalogue version' }),
  );
}

/**
 * A public, read-only GET whose answer depends only on the catalogue version and the query: served
 * from CatalogueCacheInterceptor (serialised once, strong ETag, `If-None-Match` → 304).
 */
export function CachedRead(summary: string, type: Type<unknown> | [Type<unknown>], description?: string): MethodDecorator {
  return applyDecorators(
    Public(),
    UseInterceptors(CatalogueCacheInterceptor),
    ApiOperation({ summary, description }),
    ApiOkResponse({ type, headers: cacheHeaders }),
    ApiResponse({
      status: 304,
      description: "Not modified: the request's If-None-Match header matched the ETag of the current answer (no body)",
      headers: cacheHeaders,
    }),
    ApiBadRequestResponse({
      type: CatalogueErrorDto,
      description: 'Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …)',
    }),
    ApiNotFoundResponse({ type: CatalogueErrorDto, description: 'Unknown item or catalogue version' }),
  );
}
