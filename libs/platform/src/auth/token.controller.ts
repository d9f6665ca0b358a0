import { Body, Controller, HttpCode, Inject, Optional, Post } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { DEMO_IDENTITY } from './auth.tokens.js';
import type { DemoIdentity } from './demo-identity.js';
import { issueDemoToken } from './demo-token.js';
import { Public } from './public.decorator.js';

export class DemoTokenRequestDto {
  @ApiProperty({ example: 'fs-resident', description: 'A demo user of the sandbox (see README)' })
  @IsString()
  @Length(1, 64)
  username: string;
}

export class TokenResponseDto {
  @ApiProperty({ example: 'eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmcy1yZXNpZGVudCJ9.c2lnbmF0dXJl' }) accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: string;
  @ApiProperty({ example: 3600 }) expiresIn: number;
  @ApiProperty({ example: { sub: 'fs-resident', role: 'resident', city: '440600' } }) claims: Record<string, unknown>;
}

/** Demo tokens: only the embedded sandbox has a demo identity provider; every other node refuses. */
@ApiTags('auth')
@Controller('auth')
export class TokenController {
  constructor(
    private readonly jwt: JwtService,
    @Optional() @Inject(DEMO_IDENTITY) private readonly demo?: DemoIdentity,
  ) {}

  @Post('token')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Issue a token for a demo user (embedded sandbox only; 403 TOKEN_ISSUING_DISABLED elsewhere)' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiNotFoundResponse({ description: 'No such demo user (UNKNOWN_DEMO_USER)' })
  @ApiForbiddenResponse({ description: 'Not the sandbox (TOKEN_ISSUING_DISABLED)' })
  issue(@Body() body: DemoTokenRequestDto): Promise<TokenResponseDto> {
    return issueDemoToken(this.jwt, this.demo, body.username);
  }
}
