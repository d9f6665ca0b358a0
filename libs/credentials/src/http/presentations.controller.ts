import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@guangfo/platform';
import { CredentialsEndpoint } from './credentials-endpoint.decorator.js';
import { AccessLogDto, CreatePresentationDto, PresentationDto } from './dto/presentation.dto.js';
import type { PresentationVerifier } from '../domain/presentation.token.js';
import { type AccessLogEntry, type PresentationView, PresentationsService } from '../application/presentations.service.js';

const verifierOf = (v: CreatePresentationDto['verifier']): PresentationVerifier =>
  v.kind === 'partner' ? { kind: 'partner', city: v.city, id: v.id ?? '' } : { kind: 'hall', city: v.city, hall: v.hall ?? '' };

/** The holder's consent: present a credential to one named verifier, and see who verified what. Served by the node of the city that issued the credential. */
@ApiTags('credentials')
@Controller('presentations')
export class PresentationsController {
  constructor(private readonly presentations: PresentationsService) {}

  @Post()
  @HttpCode(201)
  @Access({ roles: ['resident'], sameCity: false })
  @CredentialsEndpoint(
    'Present one of your credentials to a named verifier, for a purpose, for a short time',
    { status: 201, type: PresentationDto },
    ['CREDENTIAL_NOT_FOUND', 'CREDENTIAL_NOT_PRESENTABLE', 'PRESENTATION_TTL_TOO_LONG', 'PRESENTATION_VERIFIER_UNKNOWN'],
    'Only that verifier can use the token (POST /api/v1/verifications), once (or until expiry when singleUse is false). The token carries the signed credential and is signed by the issuing city, so any city verifies it offline.',
  )
  create(@CurrentPrincipal() p: Principal, @Body() body: CreatePresentationDto): Promise<PresentationView> {
    return this.presentations.create(p, { ...body, verifier: verifierOf(body.verifier) });
  }

  @Get('access-log')
  @Access({ roles: ['resident'], sameCity: false })
  @CredentialsEndpoint('Who verified your credentials, when, for what and with which outcome', { status: 200, type: AccessLogDto })
  accessLog(@CurrentPrincipal() p: Principal): Promise<{ items: AccessLogEntry[] }> {
    return this.presentations.accessLog(p);
  }
}
