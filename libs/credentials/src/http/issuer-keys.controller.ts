import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Access, actorOf, CurrentPrincipal, type Principal, Public } from '@guangfo/platform';
import { CredentialsEndpoint } from './credentials-endpoint.decorator.js';
import { IssuerKeyRegistryDto, RotateIssuerKeyDto, RotationResultDto, OwnIssuerKeyDto, CheckpointResultDto } from './dto/issuer-key.dto.js';
import { IssuerKeyService, type IssuerKeyView } from '../application/issuer-keys.service.js';
import { IssuerRegistryView, type IssuerKeyRegistryView } from '../application/issuer-registry.view.js';
import { CredentialRegistryService } from '../application/registry.service.js';

/** The issuer-key registry (public) and this city's key management (admins). */
@ApiTags('credentials')
@Controller('credentials')
export class IssuerKeysController {
  constructor(
    private readonly keys: IssuerKeyService,
    private readonly registry: CredentialRegistryService,
    private readonly registryView: IssuerRegistryView,
  ) {}

  @Get('issuer-keys')
  @Public()
  @ApiQuery({ name: 'city', required: false, example: '440100', description: 'Only this issuing city' })
  @CredentialsEndpoint(
    "Issuer public keys of every city as this node knows them (own and replicated), with each registry stream's freshness",
    { status: 200, type: IssuerKeyRegistryDto },
  )
  list(@Query('city') city?: string): Promise<IssuerKeyRegistryView> {
    return this.registryView.view(city && /^\d{6}$/.test(city) ? city : undefined);
  }

  @Post('issuer-keys/rotate')
  @HttpCode(201)
  @Access({ roles: ['admin'] })
  @CredentialsEndpoint(
    'Rotate: a new active key signs from now on; the previous one keeps verifying what it signed',
    { status: 201, type: RotationResultDto },
    ['CREDENTIAL_TYPE_UNKNOWN'],
  )
  rotate(
    @CurrentPrincipal() p: Principal,
    @Body() body: RotateIssuerKeyDto,
  ): Promise<{ active: IssuerKeyView; rotated: IssuerKeyView | null }> {
    return this.keys.rotate(actorOf(p), body.credentialTypes);
  }

  @Post('issuer-keys/:keyId/retire')
  @HttpCode(200)
  @ApiParam({ name: 'keyId', example: '440100-3f9a0c1d2e4b5a69' })
  @Access({ roles: ['admin'] })
  @CredentialsEndpoint(
    'Retire a rotated key: every city stops accepting what it signed (KEY_RETIRED)',
    { status: 200, type: OwnIssuerKeyDto },
    ['ISSUER_KEY_NOT_FOUND', 'ISSUER_KEY_TRANSITION_NOT_ALLOWED'],
  )
  retire(@CurrentPrincipal() p: Principal, @Param('keyId') keyId: string): Promise<IssuerKeyView> {
    return this.keys.retire(actorOf(p), keyId);
  }

  @Post('registry/checkpoint')
  @HttpCode(202)
  @Access({ roles: ['admin'] })
  @CredentialsEndpoint(
    'Broadcast a registry checkpoint (status heartbeat) now; the node also does so every CREDENTIAL_STATUS_HEARTBEAT_SECONDS',
    { status: 202, type: CheckpointResultDto },
  )
  checkpoint(): Promise<{ sequence: number; occurredAt: string }> {
    return this.registry.checkpoint();
  }
}
