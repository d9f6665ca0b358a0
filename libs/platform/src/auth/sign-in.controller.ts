import { Controller, Get, Header, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { NodeConfig } from '../config/node-config.js';
import { NODE_CONFIG } from '../config/node-config.token.js';
import { DEMO_IDENTITY } from './auth.tokens.js';
import type { DemoIdentity } from './demo-identity.js';
import { Public } from './public.decorator.js';

export class OidcSignInDto {
  @ApiProperty({
    example: 'https://idp.example.gov.cn',
    description: "The provider's issuer URL (discovery: /.well-known/openid-configuration)",
  })
  issuer: string;
  @ApiProperty({
    example: 'guangfo-console',
    description: "The console's client id at the provider (a public client: PKCE S256, no secret)",
  })
  clientId: string;
  @ApiProperty({ example: 'openid', description: 'Space-separated scopes to ask for' })
  scopes: string;
  @ApiPropertyOptional({
    example: 'urn:guangfo:api',
    description: 'RFC 8707 resource indicator of this API, sent with the authorization request',
  })
  resource?: string;
  @ApiProperty({ example: '广东省统一身份认证平台', description: "The provider's name for the sign-in button" })
  displayName: string;
}

export class SignInOptionsDto {
  @ApiProperty({ description: 'Demo users can get a token from POST /api/v1/auth/token (the sandbox only)' })
  demoUsers: boolean;
  @ApiPropertyOptional({ type: OidcSignInDto, description: 'The identity provider to sign in with (absent: none configured)' })
  oidc?: OidcSignInDto;
}

/** How the web console signs in at this node: public facts only (no secret, no key; the console is a public client). */
@ApiTags('auth')
@Controller('auth')
export class SignInController {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Optional() @Inject(DEMO_IDENTITY) private readonly demo?: DemoIdentity,
  ) {}

  @Get('sign-in')
  @Public()
  @Header('Cache-Control', 'no-cache')
  @ApiOperation({ summary: "How to sign in at this node: the sandbox's demo users and/or the identity provider (OIDC, PKCE)" })
  @ApiOkResponse({ type: SignInOptionsDto })
  options(): SignInOptionsDto {
    const o = this.config.consoleOidc;
    return {
      demoUsers: this.demo !== undefined,
      ...(o
        ? {
            oidc: {
              issuer: o.issuer,
              clientId: o.clientId,
              scopes: o.scopes,
              ...(o.resource !== undefined ? { resource: o.resource } : {}),
              displayName: o.displayName,
            },
          }
        : {}),
    };
  }
}
