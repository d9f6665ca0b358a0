import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentPrincipal, type Principal } from '@guangfo/platform';
import { CredentialsEndpoint } from './credentials-endpoint.decorator.js';
import { CredentialsService, type CredentialView } from '../application/credentials.service.js';
import {
  CredentialDto,
  CredentialListDto,
  IssueCredentialDto,
  ReadCredentialQueryDto,
  ReinstateCredentialDto,
  RevokeCredentialDto,
  SuspendCredentialDto,
} from './dto/credential.dto.js';

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
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Repeat a POST with the same key (and body) to get the same credential back, not a second one (per caller; 1–128 characters of A–Z a–z 0–9 _ . : -)',
    example: 'gz-police-20260930-0001',
  })
  @ApiOkResponse({ type: CredentialDto, description: 'A replay of an earlier issue with the same Idempotency-Key and body' })
  @CredentialsEndpoint(
    "Issue a credential, signed with this city's SM2 issuer key",
    { status: 201, type: CredentialDto },
    [
      'CREDENTIAL_INVALID',
      'CREDENTIAL_TYPE_UNKNOWN',
      'CREDENTIAL_ISSUER_UNBOUND',
      'CREDENTIAL_ISSUER_MISMATCH',
      'CREDENTIAL_ISSUER_NOT_AUTHORISED',
      'CREDENTIAL_NO_KEY_FOR_TYPE',
      'CREDENTIAL_IDEMPOTENCY_CONFLICT',
      'CREDENTIAL_IDEMPOTENCY_KEY_INVALID',
    ],
    "Clerks and supervisors of this city issue for the body of their hall, partner systems (scope credentials:issue) for the body their API key is bound to; that body must be authorised for the type in this city's issuing-authority list. Holder codes are checked (GB 11643 / GB 32100 check characters); the number is generated (GB/T 36904 style).",
  )
  async issue(
    @CurrentPrincipal() p: Principal,
    @Body() body: IssueCredentialDto,
    @Res({ passthrough: true }) res: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<CredentialView> {
    const { credential, status } = await this.credentials.issue(p, body, idempotencyKey);
    res.status(status);
    return credential;
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
  @CredentialsEndpoint(
    "One credential (its holder, this city's staff, or the partner that issued it)",
    { status: 200, type: CredentialDto },
    ['CREDENTIAL_NOT_FOUND', 'CREDENTIAL_NOT_ISSUED_BY_CALLER', 'CREDENTIAL_PURPOSE_NOT_PERMITTED'],
    "The holder sees it in full with its signed document. Staff and partners see the holder's ID number masked and no document, unless a clerk or supervisor states a `purpose` their role may use; that read is audited with its purpose.",
  )
  get(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ReadCredentialQueryDto,
  ): Promise<CredentialView> {
    return this.credentials.get(p, id, query.purpose);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @idParam
  @Access({ roles: [...ISSUERS.roles], scopes: ISSUERS.scopes })
  @CredentialsEndpoint('Suspend a valid credential (broadcast to every city)', { status: 200, type: CredentialDto }, [
    'CREDENTIAL_NOT_FOUND',
    'CREDENTIAL_NOT_ISSUED_BY_CALLER',
    'CREDENTIAL_TRANSITION_NOT_ALLOWED',
  ])
  suspend(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SuspendCredentialDto,
  ): Promise<CredentialView> {
    return this.credentials.transition(p, id, 'suspend', body.reasonCode, body.reason);
  }

  @Post(':id/reinstate')
  @HttpCode(200)
  @idParam
  @Access({ roles: [...ISSUERS.roles], scopes: ISSUERS.scopes })
  @CredentialsEndpoint('Reinstate a suspended credential (broadcast to every city)', { status: 200, type: CredentialDto }, [
    'CREDENTIAL_NOT_FOUND',
    'CREDENTIAL_NOT_ISSUED_BY_CALLER',
    'CREDENTIAL_TRANSITION_NOT_ALLOWED',
  ])
  reinstate(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReinstateCredentialDto,
  ): Promise<CredentialView> {
    return this.credentials.transition(p, id, 'reinstate', 'REINSTATED', body.reason);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @idParam
  @Access({ roles: [...ISSUERS.roles], scopes: ISSUERS.scopes })
  @CredentialsEndpoint(
    'Revoke a credential for good (broadcast to every city; the reason code goes out, the free text stays here)',
    { status: 200, type: CredentialDto },
    ['CREDENTIAL_NOT_FOUND', 'CREDENTIAL_NOT_ISSUED_BY_CALLER', 'CREDENTIAL_TRANSITION_NOT_ALLOWED'],
  )
  revoke(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: RevokeCredentialDto,
  ): Promise<CredentialView> {
    return this.credentials.transition(p, id, 'revoke', body.reasonCode, body.reason);
  }
}
