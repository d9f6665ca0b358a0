import { ApiProperty } from '@nestjs/swagger';
import {
  CHANNELS,
  DOMAINS,
  HANDLING_MODES,
  ITEM_KINDS,
  type Channel,
  type Domain,
  type HandlingMode,
  type ItemKind,
} from '../../domain/item.schema.js';
import type { RouteList, RouteView } from '../../application/catalogue.views.js';
import { LocalizedNameDto } from './item.dto.js';

export class RouteViewDto implements RouteView {
  @ApiProperty({ example: 'GG01003000' }) itemCode: string;
  @ApiProperty({
    type: LocalizedNameDto,
    example: { zh: '异地居住退休人员养老待遇领取资格认证', en: 'Pension eligibility confirmation for retirees living in the other city' },
  })
  itemName: LocalizedNameDto;
  @ApiProperty({ enum: ITEM_KINDS, example: '公共服务' }) kind: ItemKind;
  @ApiProperty({ enum: DOMAINS, example: 'social-insurance' }) domain: Domain;
  @ApiProperty({ description: "Applicant's own city", example: '440100' }) from: string;
  @ApiProperty({ description: 'The other city', example: '440600' }) to: string;
  @ApiProperty({ description: '收件地', example: '440600' }) receivedBy: string;
  @ApiProperty({ description: '办理地', example: '440100' }) administeredBy: string;
  @ApiProperty({ enum: HANDLING_MODES, isArray: true, example: ['proxy'] }) modes: HandlingMode[];
  @ApiProperty({ enum: CHANNELS, isArray: true, example: ['window', 'self-service'] }) channels: Channel[];
  @ApiProperty({ example: 'GG01003000440600001' }) receivingImplementation: string;
  @ApiProperty({ example: 'GG01003000440100001' }) administeringImplementation: string;
}

export class RouteListDto implements RouteList {
  @ApiProperty({ example: '2026.1' }) version: string;
  @ApiProperty({ type: [RouteViewDto] }) routes: RouteViewDto[];
}
