import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CHANNELS,
  DOMAINS,
  HANDLING_MODES,
  ITEM_KINDS,
  MATERIAL_FORMS,
  type Channel,
  type Domain,
  type HandlingMode,
  type ItemKind,
  type MaterialForm,
} from '../../domain/item.schema.js';
import type { ItemPage, ItemView, PlanReference } from '../../application/catalogue.views.js';

export class LocalizedNameDto {
  @ApiProperty({ example: '异地长期居住人员就医备案' }) zh: string;
  @ApiProperty({ example: 'Registration for medical treatment while living in the other city' }) en: string;
}

export class ImplementationDto {
  @ApiProperty({ example: '440100' }) city: string;
  @ApiProperty({ description: '实施编码: base code + city code + 3-digit number', example: 'GG00101001440100001' }) code: string;
  @ApiProperty({ example: '广州市医疗保障局' }) body: string;
  @ApiPropertyOptional({ example: '广州市人才绿卡申领' }) localName?: string;
}

export class ItemRouteDto {
  @ApiProperty({ description: "Applicant's own city", example: '440100' }) from: string;
  @ApiProperty({ description: 'The other city', example: '440600' }) to: string;
  @ApiProperty({ description: '收件地', example: '440600' }) receivedBy: string;
  @ApiProperty({ description: '办理地', example: '440100' }) administeredBy: string;
  @ApiProperty({ enum: HANDLING_MODES, isArray: true, example: ['proxy'] }) modes: HandlingMode[];
  @ApiProperty({ enum: CHANNELS, isArray: true, example: ['window', 'self-service'] }) channels: Channel[];
}

export class MaterialDto {
  @ApiProperty({ example: 'residence-proof' }) id: string;
  @ApiProperty({ type: LocalizedNameDto }) name: LocalizedNameDto;
  @ApiProperty({ example: true }) required: boolean;
  @ApiProperty({ enum: MATERIAL_FORMS, example: 'original' }) form: MaterialForm;
  @ApiProperty({ description: 'Credential type codes whose electronic credential replaces this material', example: ['RESIDENCE_PERMIT'] })
  replaceableBy: string[];
}

export class TimeLimitsDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Statutory limit, working days; null when no law sets one', example: 20 })
  legal: number | null;
  @ApiProperty({ description: 'Committed limit (承诺时限), working days; 0 = on the spot', example: 5 }) committed: number;
}

export class PlanReferenceDto implements PlanReference {
  @ApiProperty({ example: 'P8-2-01' }) commitment: string;
  @ApiProperty({ example: '第八章 第二节' }) location: string;
  @ApiProperty({ example: '强化医疗卫生合作' }) sectionTitle: string;
  @ApiProperty({ example: '深化医疗服务政策对接' }) topic: string;
  @ApiProperty({ example: '扩大广佛间异地就医直接结算联网定点医疗机构数量' }) quote: string;
}

export class ItemDto implements ItemView {
  @ApiProperty({ description: '基本编码 (GB/T 39554.1 style)', example: 'GG00101001' }) code: string;
  @ApiProperty({ type: LocalizedNameDto }) name: LocalizedNameDto;
  @ApiProperty({ enum: ITEM_KINDS, example: '公共服务' }) kind: ItemKind;
  @ApiProperty({ enum: DOMAINS, example: 'medical-settlement' }) domain: Domain;
  @ApiProperty({ example: ['异地就医备案', 'medical registration'] }) keywords: string[];
  @ApiProperty({ description: 'Plan commitment ids', example: ['P8-2-01', 'P5-2-05'] }) implements: string[];
  @ApiProperty({ type: [ImplementationDto] }) implementations: ImplementationDto[];
  @ApiProperty({ type: [ItemRouteDto] }) routes: ItemRouteDto[];
  @ApiProperty({ type: [MaterialDto] }) materials: MaterialDto[];
  @ApiProperty({ type: TimeLimitsDto }) timeLimits: TimeLimitsDto;
  @ApiProperty({ description: 'Fee in integer fen', example: 0 }) feeFen: number;
  @ApiProperty({ example: 2 }) version: number;
  @ApiProperty({ example: '2026-01-01' }) effectiveFrom: string;
  @ApiPropertyOptional({ example: '2027-12-31' }) effectiveTo?: string;
  @ApiProperty({ type: [PlanReferenceDto] }) plan: PlanReferenceDto[];
}

export class ItemPageDto implements ItemPage {
  @ApiProperty({ example: '2026.1' }) version: string;
  @ApiProperty({ type: [ItemDto] }) items: ItemDto[];
  @ApiProperty({ type: String, nullable: true, example: 'eyJ2IjoiMjAyNi4xIiwiYSI6IkdHMDAxMDEwMDEifQ' }) nextCursor: string | null;
}
