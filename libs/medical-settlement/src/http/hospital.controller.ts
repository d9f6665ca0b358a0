import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentPrincipal, type PartnerPrincipal, type Principal } from '@guangfo/platform';
import { NationalEnvelopeService, type NationalReply } from '../application/national-envelope.service.js';
import { TestResultService, type TestResultView } from '../application/test-result.service.js';
import { type PersonInfoView, SettlementService, type SettlementView, type VisitView } from '../application/settlement.service.js';
import { medicalError } from '../medical.errors.js';
import {
  FeeLinesDto,
  NationalEnvelopeDto,
  NationalReplyDto,
  MedicalPageQueryDto,
  PersonInfoDto,
  PersonQueryDto,
  PreSettleDto,
  PresentTestResultDto,
  RegisterVisitDto,
  ReverseDto,
  SettleDto,
  SettlementPageDto,
  SettlementViewDto,
  TestResultViewDto,
  VisitViewDto,
  WithdrawLinesDto,
} from './dto/medical.dto.js';
import { MedicalEndpoint } from './medical-endpoint.decorator.js';

const HOSPITAL = { scopes: ['medical:settle'] };
const partner = (p: Principal): PartnerPrincipal => p as PartnerPrincipal; // @Access admits partner keys only
const visitId = new ParseUUIDPipe({
  exceptionFactory: () => medicalError('MEDICAL_VISIT_NOT_FOUND', { detail: 'visit ids (mdtrt_id) are UUIDs' }),
});
const settlementId = new ParseUUIDPipe({
  exceptionFactory: () => medicalError('MEDICAL_SETTLEMENT_NOT_FOUND', { detail: 'settlement ids (setl_id) are UUIDs' }),
});
const VISIT = ApiParam({ name: 'id', description: 'Visit id (mdtrt_id)', example: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f' });
const SETTLEMENT = ApiParam({ name: 'id', description: 'Settlement id (setl_id)', example: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a' });

/**
 * 直接结算 at the treating city's node, for its designated hospitals (partner API keys with scope medical:settle, bound to a
 * hospital in medical.hospital). REST resources, and the national envelope on top of them.
 */
@ApiTags('medical')
@Controller('medical')
export class HospitalController {
  constructor(
    private readonly settlements: SettlementService,
    private readonly national: NationalEnvelopeService,
    private readonly testResults: TestResultService,
  ) {}

  @Post('visits/:id/test-results')
  @HttpCode(200)
  @Access(HOSPITAL)
  @VISIT
  @MedicalEndpoint(
    '检查检验结果互认: recognise a test report issued in another city, shown as an electronic credential',
    { status: 200, type: TestResultViewDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_VISIT_NOT_FOUND'],
    "Verified against this city's replicated credential registry (signature, issuer key, the issuing body authorised for MEDICAL_TEST_REPORT, status, dates) and held by the visiting person; recognised: false lists the reasons (e.g. HOLDER_MISMATCH, REVOKED, TYPE_MISMATCH). Recorded with the visit and audited.",
  )
  recogniseTestResult(
    @CurrentPrincipal() p: Principal,
    @Param('id', visitId) id: string,
    @Body() body: PresentTestResultDto,
  ): Promise<TestResultView> {
    return this.testResults.recognise(partner(p), id, body.credential);
  }

  @Post('persons/query')
  @HttpCode(200)
  @Access(HOSPITAL)
  @MedicalEndpoint('1101: a person’s 备案 at this city and insured area (masked; audited)', { status: 200, type: PersonInfoDto }, [
    'MEDICAL_NOT_A_HOSPITAL',
    'MEDICAL_PERSON_INVALID',
    'MEDICAL_NOT_REGISTERED',
  ])
  person(@CurrentPrincipal() p: Principal, @Body() body: PersonQueryDto): Promise<PersonInfoView> {
    return this.settlements.personInfo(partner(p), body.idNumber);
  }

  @Post('visits')
  @HttpCode(201)
  @Access(HOSPITAL)
  @MedicalEndpoint(
    '2201 / 2401: register an outpatient visit or an inpatient admission (idempotent on msgid)',
    { status: 201, type: VisitViewDto },
    [
      'MEDICAL_NOT_A_HOSPITAL',
      'MEDICAL_MSGID_INVALID',
      'MEDICAL_MSGID_REUSED',
      'MEDICAL_PERSON_INVALID',
      'MEDICAL_NOT_REGISTERED',
      'MEDICAL_AREA_MISMATCH',
    ],
  )
  registerVisit(@CurrentPrincipal() p: Principal, @Body() body: RegisterVisitDto): Promise<VisitView> {
    return this.settlements.registerVisit(partner(p), body);
  }

  @Get('visits/:id')
  @Access(HOSPITAL)
  @VISIT
  @MedicalEndpoint('One visit of this hospital, with its fee lines', { status: 200, type: VisitViewDto }, [
    'MEDICAL_NOT_A_HOSPITAL',
    'MEDICAL_VISIT_NOT_FOUND',
  ])
  visit(@CurrentPrincipal() p: Principal, @Param('id', visitId) id: string): Promise<VisitView> {
    return this.settlements.getVisit(partner(p), id);
  }

  @Post('visits/:id/cancel')
  @HttpCode(200)
  @Access(HOSPITAL)
  @VISIT
  @MedicalEndpoint('2202 / 2404: reverse a registration (no live settlement)', { status: 200, type: VisitViewDto }, [
    'MEDICAL_NOT_A_HOSPITAL',
    'MEDICAL_VISIT_NOT_FOUND',
    'MEDICAL_VISIT_NOT_OPEN',
  ])
  cancelVisit(@CurrentPrincipal() p: Principal, @Param('id', visitId) id: string): Promise<VisitView> {
    return this.settlements.cancelVisit(partner(p), id);
  }

  @Post('visits/:id/fee-lines')
  @HttpCode(200)
  @Access(HOSPITAL)
  @VISIT
  @MedicalEndpoint('2204 / 2301: upload fee lines (a line number again replaces that line)', { status: 200, type: VisitViewDto }, [
    'MEDICAL_NOT_A_HOSPITAL',
    'MEDICAL_VISIT_NOT_FOUND',
    'MEDICAL_VISIT_NOT_OPEN',
    'MEDICAL_FEE_LINES_INVALID',
  ])
  upload(@CurrentPrincipal() p: Principal, @Param('id', visitId) id: string, @Body() body: FeeLinesDto): Promise<VisitView> {
    return this.settlements.uploadLines(partner(p), id, body.lines);
  }

  @Post('visits/:id/fee-lines/withdraw')
  @HttpCode(200)
  @Access(HOSPITAL)
  @VISIT
  @MedicalEndpoint('2205 / 2302: withdraw fee lines (all when none named)', { status: 200, type: VisitViewDto }, [
    'MEDICAL_NOT_A_HOSPITAL',
    'MEDICAL_VISIT_NOT_FOUND',
    'MEDICAL_VISIT_NOT_OPEN',
  ])
  withdraw(@CurrentPrincipal() p: Principal, @Param('id', visitId) id: string, @Body() body: WithdrawLinesDto): Promise<VisitView> {
    return this.settlements.withdrawLines(partner(p), id, body.lineNos ?? null);
  }

  @Post('visits/:id/pre-settlement')
  @HttpCode(200)
  @Access(HOSPITAL)
  @VISIT
  @MedicalEndpoint(
    '2206 / 2303: pre-settle — the split as it would be now, per line, nothing written',
    { status: 200, type: SettlementViewDto },
    [
      'MEDICAL_NOT_A_HOSPITAL',
      'MEDICAL_VISIT_NOT_FOUND',
      'MEDICAL_VISIT_NOT_OPEN',
      'MEDICAL_NO_FEE_LINES',
      'MEDICAL_NOT_REGISTERED',
      'MEDICAL_POLICY_MISSING',
      'MEDICAL_CATALOGUE_MISSING',
    ],
  )
  preSettle(@CurrentPrincipal() p: Principal, @Param('id', visitId) id: string, @Body() body: PreSettleDto): Promise<SettlementView> {
    return this.settlements.preSettle(partner(p), id, body.useAccount ?? true);
  }

  @Post('visits/:id/settlement')
  @HttpCode(201)
  @Access(HOSPITAL)
  @VISIT
  @MedicalEndpoint(
    '2207 / 2304: settle (idempotent on msgid: 201, then 200 with the same settlement)',
    { status: 201, type: SettlementViewDto },
    [
      'MEDICAL_NOT_A_HOSPITAL',
      'MEDICAL_MSGID_INVALID',
      'MEDICAL_MSGID_REUSED',
      'MEDICAL_VISIT_NOT_FOUND',
      'MEDICAL_VISIT_NOT_OPEN',
      'MEDICAL_NO_FEE_LINES',
      'MEDICAL_NOT_REGISTERED',
      'MEDICAL_POLICY_MISSING',
      'MEDICAL_CATALOGUE_MISSING',
    ],
    'Fund, personal account and cash in fen, with a per-line explanation. The fund pays at most the allowance this city holds for the person; the rest is cash, and shortfall says why.',
  )
  async settle(
    @CurrentPrincipal() p: Principal,
    @Param('id', visitId) id: string,
    @Body() body: SettleDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SettlementView> {
    const { view, replayed } = await this.settlements.settle(partner(p), id, body.msgid, body.useAccount ?? true);
    res.status(replayed ? 200 : 201);
    return view;
  }

  @Get('settlements/:id')
  @Access(HOSPITAL)
  @SETTLEMENT
  @MedicalEndpoint('One settlement of this hospital', { status: 200, type: SettlementViewDto }, [
    'MEDICAL_NOT_A_HOSPITAL',
    'MEDICAL_SETTLEMENT_NOT_FOUND',
  ])
  settlement(@CurrentPrincipal() p: Principal, @Param('id', settlementId) id: string): Promise<SettlementView> {
    return this.settlements.getSettlement(partner(p), id);
  }

  @Get('hospitals/:code/settlements')
  @Access(HOSPITAL)
  @ApiParam({ name: 'code', description: 'The hospital’s institution code (the one the key is bound to)', example: 'H440600000001' })
  @MedicalEndpoint(
    'This hospital’s settlements, newest settlement day first, cursor-paged (audited)',
    { status: 200, type: SettlementPageDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_NOT_YOUR_HOSPITAL', 'MEDICAL_INVALID_CURSOR'],
  )
  hospitalSettlements(
    @CurrentPrincipal() p: Principal,
    @Param('code') code: string,
    @Query() q: MedicalPageQueryDto,
  ): Promise<{ items: SettlementView[]; nextCursor: string | null }> {
    return this.settlements.listSettlements(partner(p), code, q);
  }

  @Post('settlements/:id/reversal')
  @HttpCode(200)
  @Access(HOSPITAL)
  @SETTLEMENT
  @MedicalEndpoint(
    '2208 / 2305: reverse a settlement; the allowance is restored (idempotent on msgid)',
    { status: 200, type: SettlementViewDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_MSGID_INVALID', 'MEDICAL_SETTLEMENT_NOT_FOUND', 'MEDICAL_ALREADY_REVERSED'],
  )
  reverse(@CurrentPrincipal() p: Principal, @Param('id', settlementId) id: string, @Body() body: ReverseDto): Promise<SettlementView> {
    return this.settlements.reverse(partner(p), id, body.msgid).then((r) => r.view);
  }

  @Post('national')
  @HttpCode(200)
  @Access(HOSPITAL)
  @MedicalEndpoint(
    'The national interface envelope (infno + input): 1101, 2201/2202, 2204/2205, 2206/2207/2208, 2301/2302, 2303/2304/2305, 2401/2404, 2601 冲正, 3203/3204 清算申请/撤销, 5206 累计, 9101/9102 文件上传/下载',
    { status: 200, type: NationalReplyDto },
    [
      'MEDICAL_INVALID_REQUEST',
      'MEDICAL_INFNO_UNSUPPORTED',
      'MEDICAL_AREA_MISMATCH',
      'MEDICAL_NOT_A_HOSPITAL',
      'MEDICAL_MSGID_INVALID',
      'MEDICAL_NOT_REGISTERED',
      'MEDICAL_VISIT_NOT_FOUND',
      'MEDICAL_FEE_LINES_INVALID',
    ],
    'Amounts in yuan (2 decimals) at this edge, fen inside. Errors are problem+json with the same stable codes as the REST resources.',
  )
  envelope(@CurrentPrincipal() p: Principal, @Body() body: NationalEnvelopeDto): Promise<NationalReply> {
    return this.national.handle(partner(p), body);
  }
}
