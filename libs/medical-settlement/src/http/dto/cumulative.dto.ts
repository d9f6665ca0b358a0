import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export class CumulativeQueryDto {
  @ApiPropertyOptional({ example: 2026, description: 'Calendar year (default: this year)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export class CumulativeInsuredPartDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 60000000,
    description: 'The fund’s annual cap of the insured city’s policy; null for the account',
  })
  capFen: number | null;
  @ApiProperty({ example: 5000000, description: 'Allowance the insured city granted this city (cumulative), fen' }) grantedFen: number;
}

export class CumulativeTreatingPartDto {
  @ApiProperty({ example: 8100, description: 'Consumed by this city’s settlements, fen' }) consumedFen: number;
  @ApiProperty({ example: 0, description: 'Given back to the insured city unused (cumulative), fen' }) returnedFen: number;
  @ApiProperty({ example: 4991900, description: 'Left of the grant here, fen' }) availableFen: number;
  @ApiProperty({ example: false, description: 'A top-up is asked for and not yet granted' }) topUpRequested: boolean;
}

export class CumulativePotDto {
  @ApiProperty({ enum: ['hifp', 'acct'], example: 'hifp' }) pot: string;
  @ApiProperty({ type: CumulativeInsuredPartDto, description: 'Known from the insured city (its policy and its grant)' })
  insuredCity: CumulativeInsuredPartDto;
  @ApiProperty({ type: CumulativeTreatingPartDto, description: 'This city’s own knowledge' }) treatingCity: CumulativeTreatingPartDto;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 55000000,
    description: 'Not known here: what the person used in the insured city or elsewhere is at most cap − granted here (null without a cap)',
  })
  elsewhereAtMostFen: number | null;
}

export class SettledHereDto {
  @ApiProperty({ example: 1 }) count: number;
  @ApiProperty({ example: 77000 }) medfeeFen: number;
  @ApiProperty({ example: 8100 }) fundFen: number;
  @ApiProperty({ example: 5000 }) acctFen: number;
  @ApiProperty({ example: 63900 }) cashFen: number;
}

export class CumulativeViewDto {
  @ApiProperty({ example: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d', description: 'psn_no' }) personId: string;
  @ApiProperty({ example: '440100' }) insuredCity: string;
  @ApiProperty({ example: 2026 }) year: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'gz-demo-2026',
    description: 'The insured city’s policy version the cap comes from',
  })
  policyVersion: string | null;
  @ApiProperty({ type: [CumulativePotDto] }) pots: CumulativePotDto[];
  @ApiProperty({ type: SettledHereDto, description: 'This city’s hospitals’ live settlements of the person in the year' })
  settledHere: SettledHereDto;
}
