import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentPrincipal, type PartnerPrincipal, type Principal } from '@guangfo/platform';
import { ClearingApplicationService, type ClearingApplicationView } from '../application/clearing-application.service.js';
import { medicalError } from '../medical.errors.js';
import {
  ApplyClearingDto,
  ClearingApplicationListQueryDto,
  ClearingApplicationPageDto,
  ClearingApplicationViewDto,
  ReverseClearingApplicationDto,
} from './dto/clearing-application.dto.js';
import { MedicalEndpoint } from './medical-endpoint.decorator.js';

const HOSPITAL = { scopes: ['medical:settle'] };
const AGENCY = { roles: ['clerk' as const, 'admin' as const], scopes: ['medical:clearing'] };
const partner = (p: Principal): PartnerPrincipal => p as PartnerPrincipal; // @Access(HOSPITAL) admits partner keys only
const applicationId = new ParseUUIDPipe({
  exceptionFactory: () =>
    medicalError('MEDICAL_CLEARING_APPLICATION_NOT_FOUND', { detail: 'clearing application ids (clr_appy_evt_id) are UUIDs' }),
});
const ID = ApiParam({
  name: 'id',
  description: 'Clearing application id (clr_appy_evt_id)',
  example: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f',
});

/**
 * 3203 清算申请 / 3204 清算申请撤销: a designated hospital and its own (treating city's) agency. The inter-city clearing is
 * ClearingController's monthly statement.
 */
@ApiTags('medical')
@Controller('medical/clearing-applications')
export class ClearingApplicationController {
  constructor(private readonly applications: ClearingApplicationService) {}

  @Post()
  @HttpCode(201)
  @Access(HOSPITAL)
  @MedicalEndpoint(
    '3203: apply to this city’s agency for the clearing of a closed period (idempotent on msgid: 201, then 200)',
    { status: 201, type: ClearingApplicationViewDto },
    [
      'MEDICAL_NOT_A_HOSPITAL',
      'MEDICAL_MSGID_INVALID',
      'MEDICAL_MSGID_REUSED',
      'MEDICAL_CLEARING_PERIOD_INVALID',
      'MEDICAL_CLEARING_PERIOD_OVERLAPS',
      'MEDICAL_CLEARING_NOT_RECONCILED',
      'MEDICAL_CLEARING_NOTHING_TO_CLEAR',
      'MEDICAL_CLEARING_AMOUNT_MISMATCH',
    ],
    'Every day of the period with settlements or reversals must be reconciled (the latest 3201 / 3202 of the day matched, and the agency’s records unchanged since); the sums are the agency’s, from its settlements (reversals negative), in fen, also per insured city. `declared` sums, when sent, must equal them.',
  )
  async apply(
    @CurrentPrincipal() p: Principal,
    @Body() body: ApplyClearingDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ClearingApplicationView> {
    const { view, replayed } = await this.applications.apply(partner(p), body);
    res.status(replayed ? 200 : 201);
    return view;
  }

  @Get()
  @Access({ roles: ['clerk', 'admin', 'supervisor'], scopes: ['medical:clearing'] })
  @MedicalEndpoint(
    'The agency’s clearing applications, oldest period first, cursor-paged (state=applied: those to process)',
    { status: 200, type: ClearingApplicationPageDto },
    ['MEDICAL_INVALID_CURSOR'],
  )
  list(@Query() q: ClearingApplicationListQueryDto): Promise<{ items: ClearingApplicationView[]; nextCursor: string | null }> {
    return this.applications.list(q);
  }

  @Get(':id')
  @Access({ roles: ['clerk', 'admin', 'supervisor'], scopes: ['medical:settle', 'medical:clearing'] })
  @ID
  @MedicalEndpoint('One clearing application (a hospital sees its own)', { status: 200, type: ClearingApplicationViewDto }, [
    'MEDICAL_NOT_A_HOSPITAL',
    'MEDICAL_CLEARING_APPLICATION_NOT_FOUND',
  ])
  get(@CurrentPrincipal() p: Principal, @Param('id', applicationId) id: string): Promise<ClearingApplicationView> {
    return this.applications.get(p, id);
  }

  @Post(':id/reversal')
  @HttpCode(200)
  @Access(HOSPITAL)
  @ID
  @MedicalEndpoint(
    '3204: reverse a clearing application the agency has not processed (idempotent on msgid)',
    { status: 200, type: ClearingApplicationViewDto },
    [
      'MEDICAL_NOT_A_HOSPITAL',
      'MEDICAL_MSGID_INVALID',
      'MEDICAL_MSGID_REUSED',
      'MEDICAL_CLEARING_APPLICATION_NOT_FOUND',
      'MEDICAL_CLEARING_APPLICATION_PROCESSED',
      'MEDICAL_CLEARING_APPLICATION_REVERSED',
    ],
  )
  async reverse(
    @CurrentPrincipal() p: Principal,
    @Param('id', applicationId) id: string,
    @Body() body: ReverseClearingApplicationDto,
  ): Promise<ClearingApplicationView> {
    return (await this.applications.reverse(partner(p), id, body.msgid)).view;
  }

  @Post(':id/process')
  @HttpCode(200)
  @Access(AGENCY)
  @ID
  @MedicalEndpoint(
    'The agency takes the application into its clearing (idempotent); the hospital can no longer reverse it',
    { status: 200, type: ClearingApplicationViewDto },
    ['MEDICAL_CLEARING_APPLICATION_NOT_FOUND', 'MEDICAL_CLEARING_APPLICATION_REVERSED'],
  )
  process(@CurrentPrincipal() p: Principal, @Param('id', applicationId) id: string): Promise<ClearingApplicationView> {
    return this.applications.process(p, id);
  }
}
