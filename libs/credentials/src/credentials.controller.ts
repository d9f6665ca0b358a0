import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiHeader, ApiParam, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@guangfo/platform';
import { CredentialsEndpoint } from './credentials-endpoint.decorator.js';
import { CredentialsService, type CredentialView } from './credentials.service.js';
import { CredentialDto, CredentialListDto, IssueCredentialDto, ReinstateCredentialDto, RevokeCredentialDto, SuspendCredentialDto } from './dto/credential.dto.js';

const ISSUERS = { roles: ['clerk', 'supervisor'] as const, scopes: ['credentials:issue'] };
const idParam = ApiParam({ name: 'id', format: 'uuid', example: '0b7f3c52-8d1e-4c8a-9a55-2f1e0c3d4b6a' });

/** Issuing and managing credentials (the issuing city), and the holder's wallet. */
@ApiTags('credentials')
@Controller('credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post()
  @HttpCode(201)
  @Access({ roles: [...ISSUERS.roles], scopes: ISSUERS.scopes })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeat a POST with the same key (and body) to get the same credential back, not a second one' })
  @CredentialsEndpoint('Issue a credential, signed with this city\'s SM2 issuer key', { status: 201, type: CredentialDto }, ['CREDENTIAL_INVALID', 'CREDENTIAL_TYPE_UNKNOWN', 'CREDENTIAL_NO_KEY_FOR_TYPE', 'CREDENTIAL_IDEMPOTENCY_CONFLICT'],
    'Clerks of this city, or partner systems with scope credentials:issue. Holder codes are checked (GB 11643 / GB 32100 check characters); the number is generated (GB/T 36904 style).')
  async issue(@CurrentPrincipal() p: Principal, @Body() body: IssueCredentialDto, @Headers('idempotency-key') idempotencyKey?: string): Promise<CredentialView> {
    return (await this.credentials.issue(p, body, idempotencyKey?.slice(0, 200))).credential;
  }

  @Get()
  @Access({ roles: ['resident'], sameCity: false })
  @CredentialsEndpoint("The caller's own credentials (wallet), newest first", { status: 200, type: CredentialListDto })
  listOwn(@CurrentPrincipal() p: Principal): Promise<{ items: CredentialView[] }> {
    return this.credentials.listOwn(p);
  }

  @Get(':id')
  @idParam
  @Access({ roles: ['resident', 'clerk', 'supervisor', 'admin'], scopes: ISSUERS.scopes, sameCity: false })
  @CredentialsEndpoint('One credential with its signed document (its holder, this city\'s clerks, or the partner that issued it)', { status: 200, type: CredentialDto }, ['CREDENTIAL_NOT_FOUND', 'CREDENTIAL_NOT_ISSUED_BY_CALLER'])
  get(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<CredentialView> {
    return this.credentials.get(p, id);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @idParam
  @Access({ roles: [...ISSUERS.roles], scopes: ISSUERS.scopes })
  @CredentialsEndpoint('Suspend a valid credential (broadcast to every city)', { status: 200, type: CredentialDto }, ['CREDENTIAL_NOT_FOUND', 'CREDENTIAL_NOT_ISSUED_BY_CALLER', 'CREDENTIAL_TRANSITION_NOT_ALLOWED'])
  suspend(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: SuspendCredentialDto): Promise<CredentialView> {
    return this.credentials.transition(p, id, 'suspend', body.reasonCode, body.reason);
  }

  @Post(':id/reinstate')
  @HttpCode(200)
  @idParam
  @Access({ roles: [...ISSUERS.roles], scopes: ISSUERS.scopes })
  @CredentialsEndpoint('Reinstate a suspended credential (broadcast to every city)', { status: 200, type: CredentialDto }, ['CREDENTIAL_NOT_FOUND', 'CREDENTIAL_NOT_ISSUED_BY_CALLER', 'CREDENTIAL_TRANSITION_NOT_ALLOWED'])
  reinstate(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: ReinstateCredentialDto): Promise<CredentialView> {
    return this.credentials.transition(p, id, 'reinstate', 'REINSTATED', body.reason);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @idParam
  @Access({ roles: [...ISSUERS.roles], scopes: ISSUERS.scopes })
  @CredentialsEndpoint('Revoke a credential for good (broadcast to every city; the reason code goes out, the free text stays here)', { status: 200, type: CredentialDto }, ['CREDENTIAL_NOT_FOUND', 'CREDENTIAL_NOT_ISSUED_BY_CALLER', 'CREDENTIAL_TRANSITION_NOT_ALLOWED'])
  revoke(@CurrentPrincipal() p: Principal, @Param('id', new ParseUUIDPipe()) id: string, @Body() body: RevokeCredentialDto): Promise<CredentialView> {
    return this.credentials.transition(p, id, 'revoke', body.reasonCode, body.reason);
  }
}
