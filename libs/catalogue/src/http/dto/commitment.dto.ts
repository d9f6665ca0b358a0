import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CommitmentView } from '../../application/catalogue.views.js';

export class CommitmentDto implements CommitmentView {
  @ApiProperty({ example: 'P8-2-04' }) id: string;
  @ApiProperty({ example: 8 }) chapter: number;
  @ApiProperty({ example: 2 }) section: number;
  @ApiProperty({ example: '第八章 第二节' }) location: string;
  @ApiProperty({ example: '共享优质均衡普惠的公共服务' }) chapterTitle: string;
  @ApiProperty({ example: '强化医疗卫生合作' }) sectionTitle: string;
  @ApiProperty({ example: '深化医疗服务政策对接' }) topic: string;
  @ApiProperty({ example: '同级医疗机构检查检验结果互认' }) quote: string;
  @ApiProperty({ enum: ['item', 'out-of-scope'], example: 'item' }) scope: 'item' | 'out-of-scope';
  @ApiPropertyOptional({ example: 'Government-internal cooperation; no application by a resident' }) reason?: string;
  @ApiProperty({ description: 'Codes of the items implementing it', example: ['GG00105000'] }) items: string[];
}
