import { ApiProperty } from '@nestjs/swagger';

export class HospitalFileViewDto {
  @ApiProperty({ example: '0f1e2d3c-4b5a-4697-8877-665544332211', description: 'file_qury_no: name it in 3202 (fileId)' }) fileId: string;
  @ApiProperty({ example: '3202-detail.csv' }) fileName: string;
  @ApiProperty({ example: 160 }) sizeBytes: number;
  @ApiProperty({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) sha256: string;
  @ApiProperty({ example: 'text/csv' }) mediaType: string;
  @ApiProperty({
    enum: ['upload', 'result'],
    example: 'upload',
    description: 'The hospital’s 3202 detail file, or the agency’s 3202 result',
  })
  purpose: string;
  @ApiProperty({ type: Number, nullable: true, example: 2, description: 'Detail lines of an upload' }) lines: number | null;
  @ApiProperty({ example: '2026-03-06T01:00:00.000Z' }) createdAt: string;
}
