import { ApiProperty } from '@nestjs/swagger';
import type { VersionView } from '../../application/catalogue.views.js';

export class VersionDto implements VersionView {
  @ApiProperty({ example: '2026.1' }) version: string;
  @ApiProperty({ description: 'sha256 of the canonical JSON of the loaded catalogue', example: '3f1c…' }) hash: string;
  @ApiProperty({ example: '2026-01-01' }) effectiveFrom: string;
}
