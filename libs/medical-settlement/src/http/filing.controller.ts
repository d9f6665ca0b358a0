import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal } from '@guangfo/platform';
import { FilingService, type FilingView } from '../application/filing.service.js';
import { medicalError } from '../medical.errors.js';
import { CancelFilingDto, FilingListQueryDto, FilingPageDto, FilingViewDto, RegisterFilingDto } from './dto/medical.dto.js';
import { MedicalEndpoint } from './medical-endpoint.decorator.js';

const id = new ParseUUIDPipe({ exceptionFactory: () => medicalError('MEDICAL_FILING_NOT_FOUND', { detail: '备案 ids are UUIDs' }) });
const ID_PARAM = ApiParam({ name: 'id', description: '备案 id (UUID)', example: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' });

/** 异地就医备案 at the insured city (参保地). */
@ApiTags('medical')
@Controller('medical/filings')
export class FilingController {
  constructor(private readonly filings: FilingService) {}

  @Post()
  @HttpCode(201)
  @Access({ roles: ['resident', 'clerk'], scopes: ['medical:filing'] })
  @MedicalEndpoint(
    '备案: register a person of this (insured) city for treatment in another city',
    { status: 201, type: FilingViewDto },
    ['MEDICAL_CITY_UNKNOWN', 'MEDICAL_TREATING_CITY_INVALID', 'MEDICAL_PERSON_INVALID', 'MEDICAL_FILING_INVALID', 'MEDICAL_POLICY_MISSING'],
    'Residents register themselves (verified identity); clerks and the insured agency system (scope medical:filing) register a named person. Long-term kinds are valid until cancelled, temporary ones at least 6 months (医保发〔2022〕22号). The treating city receives it as an addressed event, with a first allowance from the annual cap.',
  )
  register(@CurrentPrincipal() p: Principal, @Body() body: RegisterFilingDto): Promise<FilingView> {
    return this.filings.register(p, body);
  }

  @Get()
  @Access({ roles: ['resident', 'clerk', 'supervisor'], scopes: ['medical:filing'] })
  @MedicalEndpoint(
    '备案 held here, newest first, cursor-paged (persons masked; the read is audited)',
    { status: 200, type: FilingPageDto },
    ['MEDICAL_INVALID_CURSOR'],
    'Clerks see every 备案 of this node (origin own: registered here; replica: received from the insured city); residents only their own registered here.',
  )
  list(@CurrentPrincipal() p: Principal, @Query() q: FilingListQueryDto): Promise<{ items: FilingView[]; nextCursor: string | null }> {
    return this.filings.list(p, q);
  }

  @Get(':id')
  @Access({ roles: ['resident', 'clerk', 'supervisor'], scopes: ['medical:filing'] })
  @ID_PARAM
  @MedicalEndpoint('One 备案 (person masked; the read is audited)', { status: 200, type: FilingViewDto }, ['MEDICAL_FILING_NOT_FOUND'])
  get(@CurrentPrincipal() p: Principal, @Param('id', id) filingId: string): Promise<FilingView> {
    return this.filings.get(p, filingId);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Access({ roles: ['resident', 'clerk'], scopes: ['medical:filing'] })
  @ID_PARAM
  @MedicalEndpoint('Cancel a 备案 (变更/取消备案); the treating city is told', { status: 200, type: FilingViewDto }, [
    'MEDICAL_FILING_NOT_FOUND',
    'MEDICAL_FILING_ALREADY_CANCELLED',
  ])
  cancel(@CurrentPrincipal() p: Principal, @Param('id', id) filingId: string, @Body() body: CancelFilingDto): Promise<FilingView> {
    return this.filings.cancel(p, filingId, body.cancelledOn);
  }
}
