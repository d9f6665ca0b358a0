import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@guangfo/platform';
import { CredentialsEndpoint } from './credentials-endpoint.decorator.js';
import { VerificationResultDto, VerifyCredentialDto } from './dto/verification.dto.js';
import { type VerificationResponse, VerificationService } from '../application/verification.service.js';

@ApiTags('credentials')
@Controller('verifications')
export class VerificationsController {
  constructor(private readonly verifications: VerificationService) {}

  @Post()
  @HttpCode(200)
  @Access({ roles: ['clerk', 'supervisor'], scopes: ['credentials:verify'] })
  @CredentialsEndpoint(
    "Verify a credential (the signed document, or a presentation token made for you) from this city's replicated registry",
    {
      status: 200,
      type: VerificationResultDto,
      description:
        'The verdict: `valid`, machine-readable `reasons` (SIGNATURE_INVALID, UNKNOWN_ISSUER, KEY_RETIRED, REVOKED, SUSPENDED, EXPIRED, NOT_YET_VALID, HOLDER_MISMATCH, STATUS_STALE, …), `warnings`, and a summary with the holder masked',
    },
    ['VERIFICATION_INPUT_INVALID'],
    'Clerks and supervisors of this city, or partner systems with scope credentials:verify. Audited; the issuing city is told who verified (the holder sees it in their access log).',
  )
  verify(@CurrentPrincipal() p: Principal, @Body() body: VerifyCredentialDto): Promise<VerificationResponse> {
    return this.verifications.verify(p, body);
  }
}
