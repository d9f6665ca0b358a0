import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Public } from '@guangfo/platform';
import { CatalogueErrorDto } from './dto/catalogue-error.dto.js';

/** A public, read-only catalogue endpoint: auth + OpenAPI metadata in one place. */
export function PublicRead(summary: string, type: Type<unknown> | [Type<unknown>], description?: string): MethodDecorator {
  return applyDecorators(
    Public(),
    ApiOperation({ summary, description }),
    ApiOkResponse({ type }),
    ApiBadRequestResponse({ type: CatalogueErrorDto, description: 'Invalid query (code CATALOGUE_INVALID_QUERY, CATALOGUE_INVALID_CURSOR, …)' }),
    ApiNotFoundResponse({ type: CatalogueErrorDto, description: 'Unknown item or catalogue version' }),
  );
}
