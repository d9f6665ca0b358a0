import { ApiProperty } from '@nestjs/swagger';
import { CATALOGUE_ERRORS, type CatalogueErrorCode } from '../../catalogue.errors.js';

export class CatalogueErrorDto {
  @ApiProperty({ example: 404 }) statusCode: number;
  @ApiProperty({ enum: [...CATALOGUE_ERRORS.codes], example: 'CATALOGUE_ITEM_NOT_FOUND' }) code: CatalogueErrorCode;
  @ApiProperty({ example: 'No item GG99999000 in catalogue version 2026.1' }) message: string;
}
