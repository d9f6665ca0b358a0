import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type PartnerPrincipal, type Principal, type UserPrincipal } from '@guangfo/platform';
import {
  type AccessLogEntry,
  type ConsentView,
  HealthRecordService,
  type HealthRequestView,
} from '../application/health-record.service.js';
import { medicalError } from '../medical.errors.js';
import {
  HealthRecordAccessPageDto,
  ConsentViewDto,
  GrantConsentDto,
  HealthRequestViewDto,
  PersonRefDto,
  PutHealthSummaryDto,
  RequestHealthSummaryDto,
} from './dto/health.dto.js';
import { MedicalPageQueryDto } from './dto/medical.dto.js';
import { MedicalEndpoint } from './medical-endpoint.decorator.js';

const consentId = new ParseUUIDPipe({
  exceptionFactory: () => medicalError('MEDICAL_CONSENT_NOT_FOUND', { detail: 'consent ids are UUIDs' }),
});
const requestId = new ParseUUIDPipe({
  exceptionFactory: () => medicalError('MEDICAL_HEALTH_REQUEST_NOT_FOUND', { detail: 'request ids are UUIDs' }),
});
const user = (p: Principal): UserPrincipal => p as UserPrincipal; // @Access admits residents only
const partner = (p: Principal): PartnerPrincipal => p as PartnerPrincipal; // @Access admits partner keys only

/** 电子健康档案 summaries shared with the patient's consent for a named hospital of the other city and a purpose. */
@ApiTags('medical')
@Controller('medical/health-record')
export class HealthRecordController {
  constructor(private readonly health: HealthRecordService) {}

  @Put('summaries')
  @HttpCode(200)
  @Access({ roles: ['clerk'], scopes: ['medical:records'] })
  @MedicalEndpoint('Patient’s city: put a person’s health-record summary (sealed at rest)', { status: 200, type: PersonRefDto }, [
    'MEDICAL_PERSON_INVALID',
  ])
  put(@CurrentPrincipal() p: Principal, @Body() body: PutHealthSummaryDto): Promise<{ personId: string }> {
    return this.health.putSummary(p, body);
  }

  @Post('consents')
  @HttpCode(201)
  @Access({ roles: ['resident'] })
  @MedicalEndpoint(
    'Patient: consent to share my summary with a named hospital of the other city, for a purpose, until an instant',
    { status: 201, type: ConsentViewDto },
    ['MEDICAL_CONSENT_INVALID', 'MEDICAL_PERSON_INVALID'],
  )
  grant(@CurrentPrincipal() p: Principal, @Body() body: GrantConsentDto): Promise<ConsentView> {
    return this.health.grant(user(p), body);
  }

  @Get('consents')
  @Access({ roles: ['resident'] })
  @MedicalEndpoint('Patient: my consents', { status: 200, type: [ConsentViewDto] as never })
  consents(@CurrentPrincipal() p: Principal): Promise<ConsentView[]> {
    return this.health.consents(user(p));
  }

  @Post('consents/:id/revoke')
  @HttpCode(200)
  @Access({ roles: ['resident'] })
  @ApiParam({ name: 'id', description: 'Consent id', example: '4d5e6f70-8192-43a4-b5c6-d7e8f90a1b2c' })
  @MedicalEndpoint(
    'Patient: revoke a consent; further requests are refused (MEDICAL_CONSENT_REVOKED)',
    { status: 200, type: ConsentViewDto },
    ['MEDICAL_CONSENT_NOT_FOUND'],
  )
  revoke(@CurrentPrincipal() p: Principal, @Param('id', consentId) id: string): Promise<ConsentView> {
    return this.health.revoke(user(p), id);
  }

  @Get('access-log')
  @Access({ roles: ['resident'] })
  @MedicalEndpoint(
    'Patient: who asked for my summary, when, for what, and whether it was shared (newest first, cursor-paged)',
    { status: 200, type: HealthRecordAccessPageDto },
    ['MEDICAL_INVALID_CURSOR'],
  )
  accessLog(
    @CurrentPrincipal() p: Principal,
    @Query() q: MedicalPageQueryDto,
  ): Promise<{ items: AccessLogEntry[]; nextCursor: string | null }> {
    return this.health.accessLog(user(p), q);
  }

  @Post('requests')
  @HttpCode(202)
  @Access({ scopes: ['medical:settle'] })
  @MedicalEndpoint(
    'Hospital: ask the patient’s city for their summary (answered asynchronously: GET the request)',
    { status: 202, type: HealthRequestViewDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_CITY_UNKNOWN', 'MEDICAL_PERSON_INVALID'],
    'The request travels to the patient’s city as an addressed event (patient sealed); it shares the summary only under a valid consent of the patient for this hospital and purpose, else refuses with MEDICAL_CONSENT_MISSING, MEDICAL_CONSENT_EXPIRED, MEDICAL_CONSENT_REVOKED or MEDICAL_HEALTH_RECORD_MISSING.',
  )
  request(@CurrentPrincipal() p: Principal, @Body() body: RequestHealthSummaryDto): Promise<HealthRequestView> {
    return this.health.request(partner(p), body);
  }

  @Get('requests/:id')
  @Access({ scopes: ['medical:settle'] })
  @ApiParam({ name: 'id', description: 'Request id', example: '3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b' })
  @MedicalEndpoint(
    'Hospital: the request, with the summary while the consent lasts (the read is audited)',
    { status: 200, type: HealthRequestViewDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_HEALTH_REQUEST_NOT_FOUND'],
  )
  get(@CurrentPrincipal() p: Principal, @Param('id', requestId) id: string): Promise<HealthRequestView> {
    return this.health.getRequest(partner(p), id);
  }
}
