import { ApiProperty } from '@nestjs/swagger';
import { MATERIAL_FORMS, type MaterialForm } from '../../domain/item.schema.js';
import type { ItemMaterials, MaterialView } from '../../application/catalogue.views.js';
import type { CredentialType } from '../../domain/catalogue.schema.js';
import { LocalizedNameDto } from './item.dto.js';

export class CredentialTypeDto implements CredentialType {
  @ApiProperty({ example: 'RESIDENCE_PERMIT' }) code: string;
  @ApiProperty({ type: LocalizedNameDto, example: { zh: '居住证', en: 'Residence permit' } }) name: LocalizedNameDto;
  @ApiProperty({ example: '公安机关' }) issuer: string;
}

export class MaterialViewDto implements MaterialView {
  @ApiProperty({ example: 'residence-proof' }) id: string;
  @ApiProperty({ type: LocalizedNameDto, example: { zh: '在居住地居住的证明材料', en: 'Proof of residence in the other city' } })
  name: LocalizedNameDto;
  @ApiProperty({ example: true }) required: boolean;
  @ApiProperty({ enum: MATERIAL_FORMS, example: 'original' }) form: MaterialForm;
  @ApiProperty({ type: [CredentialTypeDto], description: 'Credential types that may replace this material' })
  replaceableBy: CredentialTypeDto[];
}

export class ItemMaterialsDto implements ItemMaterials {
  @ApiProperty({ example: '2026.1' }) version: string;
  @ApiProperty({ example: 'GG00101001' }) itemCode: string;
  @ApiProperty({ type: [MaterialViewDto] }) materials: MaterialViewDto[];
}
