import { Body, Controller, HttpCode, Inject, Optional, Post } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { platformError } from '../errors/platform-errors.js';
import { maskResidentId } from '../identifiers/resident-id.js';
import { JWT_AUDIENCE } from './auth.strategies.js';
import { DEMO_IDENTITY } from './auth.tokens.js';
import type { DemoIdentity } from './demo-identity.js';
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
  async issue(@Body() body: DemoTokenRequestDto): Promise<TokenResponseDto> {
    if (!this.demo) throw platformError('TOKEN_ISSUING_DISABLED', { detail: 'Tokens come from the identity provider; this node has no demo users.' });
    const user = this.demo.directory.users.find((u) => u.username === body.username);
    if (!user) throw platformError('UNKNOWN_DEMO_USER', { detail: `no demo user ${body.username}` });
    // Demo residents are "real-name verified" by the demo provider: their token carries the identity.
    const idv = user.role === 'resident' && user.residentId ? { idNumber: user.residentId, name: user.name, assurance: 'real-name' } : undefined;
    const claims = { sub: user.username, role: user.role, city: user.city, ...(user.hall ? { hall: user.hall } : {}), name: user.name, ...(idv ? { idv } : {}) };
    const accessToken = await this.jwt.signAsync(claims, {
      algorithm: 'ES256',
      privateKey: this.demo.privateKeyPem,
      issuer: this.demo.issuer,
      audience: JWT_AUDIENCE,
      expiresIn: 3600,
    });
    // The identity travels inside the token only; the echoed claims show the ID number masked.
    const shown = idv ? { ...claims, idv: { ...idv, idNumber: maskResidentId(idv.idNumber) } } : claims;
    return { accessToken, tokenType: 'Bearer', expiresIn: 3600, claims: shown };
  }
}
