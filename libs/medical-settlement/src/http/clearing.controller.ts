import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentPrincipal, type PartnerPrincipal, type Principal, answerWithVersion } from '@guangfo/platform';
import {
  type ArrivingStatement,
  ClearingService,
  type Page,
  type StatementSummary,
  type StatementView,
} from '../application/clearing.service.js';
import { parseDetailFile } from '../application/detail-file.js';
import { ReconciliationService, type ReconciliationView } from '../application/reconciliation.service.js';
import { medicalError } from '../medical.errors.js';
import {
  AnswerItemDto,
  ArrivingPageDto,
  ArrivingQueryDto,
  ContestItemDto,
  DetailReconciliationDto,
  IssueStatementDto,
  ReconciliationViewDto,
  StatementListQueryDto,
  StatementPageDto,
  StatementViewDto,
  TotalsReconciliationDto,
} from './dto/clearing.dto.js';
import { MedicalEndpoint } from './medical-endpoint.decorator.js';

const STAFF = { roles: ['clerk' as const, 'admin' as const], scopes: ['medical:clearing'] };
const statementId = new ParseUUIDPipe({
  exceptionFactory: () => medicalError('MEDICAL_STATEMENT_NOT_FOUND', { detail: 'statement ids are UUIDs' }),
});
const ID = ApiParam({
  name: 'id',
  description: 'Statement id (UUID, the same in both cities)',
  example: '2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
});
/** Statement steps name the version they act on (If-Match); 428 without it, 412 when the statement has changed since. */
const IF_MATCH = applyDecorators(
  ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'The statement version you acted on, as returned in ETag, e.g. "2"',
    example: '"1"',
  }),
  ApiResponse({ status: 412, description: 'PRECONDITION_FAILED: the statement changed since that version (reload it)' }),
  ApiResponse({ status: 428, description: 'PRECONDITION_REQUIRED: no If-Match' }),
);
const withEtag = (res: Response, v: StatementView): StatementView => {
  answerWithVersion(res, v.version);
  return v;
};

/** Daily reconciliation (hospital ↔ treating agency) and monthly inter-city clearing (agency ↔ agency). */
@ApiTags('medical')
@Controller('medical')
export class ClearingController {
  constructor(
    private readonly clearing: ClearingService,
    private readonly reconciliation: ReconciliationService,
  ) {}

  @Post('reconciliations/totals')
  @HttpCode(200)
  @Access({ scopes: ['medical:settle'] })
  @MedicalEndpoint('3201: the hospital’s totals of a day against the agency’s', { status: 200, type: ReconciliationViewDto }, [
    'MEDICAL_NOT_A_HOSPITAL',
  ])
  totals(@CurrentPrincipal() p: Principal, @Body() body: TotalsReconciliationDto): Promise<ReconciliationView> {
    return this.reconciliation.totals(p as PartnerPrincipal, body.day, body.totals);
  }

  @Post('reconciliations/details')
  @HttpCode(200)
  @Access({ scopes: ['medical:settle'] })
  @MedicalEndpoint(
    '3202: the hospital’s detail file of a day (inline, or the file id of its 9101 upload) against the agency’s records, a reason per mismatch',
    { status: 200, type: ReconciliationViewDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_INVALID_REQUEST', 'MEDICAL_FILE_NOT_FOUND', 'MEDICAL_FILE_INVALID'],
    'The result is also written as a CSV file (resultFileId) that the hospital downloads with 9102 (GET /medical/files/{id}).',
  )
  details(@CurrentPrincipal() p: Principal, @Body() body: DetailReconciliationDto): Promise<ReconciliationView> {
    if ((body.file === undefined) === (body.fileId === undefined))
      throw medicalError('MEDICAL_INVALID_REQUEST', {
        detail: 'send the detail file inline (file) or the file id of its 9101 upload (fileId), one of them',
      });
    return this.reconciliation.details(
      p as PartnerPrincipal,
      body.day,
      body.fileId !== undefined ? { fileId: body.fileId } : { entries: parseDetailFile(body.file!) },
    );
  }

  @Post('clearing/statements')
  @HttpCode(201)
  @Access(STAFF)
  @MedicalEndpoint(
    'Treating city: issue the monthly clearing statement for an insured city',
    { status: 201, type: StatementViewDto },
    ['MEDICAL_CITY_UNKNOWN', 'MEDICAL_STATEMENT_EXISTS'],
    'Every settlement of the period, reversals of earlier periods as negative items; advance and net. The insured city receives it as addressed events — a header (item count, SM3 digest of the items, totals) and the items in chunks — and proves it from its own copies of the claims once every piece has arrived.',
  )
  async issue(
    @CurrentPrincipal() p: Principal,
    @Body() body: IssueStatementDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StatementView> {
    return withEtag(res, await this.clearing.issue(p, body));
  }

  @Get('clearing/statements')
  @Access({ roles: ['clerk', 'admin', 'supervisor'], scopes: ['medical:clearing'] })
  @MedicalEndpoint(
    'Clearing statements held here (this city’s part of each), newest period first, cursor-paged',
    { status: 200, type: StatementPageDto },
    ['MEDICAL_INVALID_CURSOR'],
  )
  list(@Query() q: StatementListQueryDto): Promise<Page<StatementSummary>> {
    return this.clearing.list(q);
  }

  @Get('clearing/arriving')
  @Access({ roles: ['clerk', 'admin', 'supervisor'], scopes: ['medical:clearing'] })
  @MedicalEndpoint(
    'Statements still arriving here (the insured city): header or chunks staged, not yet whole; oldest first, cursor-paged',
    { status: 200, type: ArrivingPageDto },
    ['MEDICAL_INVALID_CURSOR'],
    'For each: the treating city, the period and chunk count once the header is here, how many chunks have arrived, problems found so far, and when the first and last pieces came. A statement leaves this list when its last piece records it.',
  )
  arriving(@Query() q: ArrivingQueryDto): Promise<Page<ArrivingStatement>> {
    return this.clearing.arriving(q);
  }

  @Get('clearing/statements/:id')
  @Access({ roles: ['clerk', 'admin', 'supervisor'], scopes: ['medical:clearing'] })
  @ID
  @MedicalEndpoint(
    'A clearing statement with its items, totals, state and the verifier’s proof',
    { status: 200, type: StatementViewDto },
    ['MEDICAL_STATEMENT_NOT_FOUND', 'MEDICAL_STATEMENT_INCOMPLETE'],
    'At the insured city a statement shows once its header and every chunk of its items have arrived; before that 409 MEDICAL_STATEMENT_INCOMPLETE says how many are here.',
  )
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('id', statementId) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StatementView> {
    return withEtag(res, await this.clearing.get(p, id));
  }

  @Post('clearing/statements/:id/contest')
  @HttpCode(200)
  @Access(STAFF)
  @ID
  @IF_MATCH
  @MedicalEndpoint('Insured city: contest one item with a reason code', { status: 200, type: StatementViewDto }, [
    'MEDICAL_STATEMENT_NOT_FOUND',
    'MEDICAL_NOT_YOUR_PART',
    'MEDICAL_STATEMENT_CONFIRMED',
    'MEDICAL_STATEMENT_ITEM_NOT_FOUND',
  ])
  async contest(
    @CurrentPrincipal() p: Principal,
    @Param('id', statementId) id: string,
    @Body() body: ContestItemDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StatementView> {
    return withEtag(res, await this.clearing.contest(p, id, body, ifMatch));
  }

  @Post('clearing/statements/:id/answer')
  @HttpCode(200)
  @Access(STAFF)
  @ID
  @IF_MATCH
  @MedicalEndpoint('Treating city: answer a contested item (upheld or withdrawn)', { status: 200, type: StatementViewDto }, [
    'MEDICAL_STATEMENT_NOT_FOUND',
    'MEDICAL_NOT_YOUR_PART',
    'MEDICAL_STATEMENT_CONFIRMED',
    'MEDICAL_STATEMENT_ITEM_NOT_FOUND',
  ])
  async answer(
    @CurrentPrincipal() p: Principal,
    @Param('id', statementId) id: string,
    @Body() body: AnswerItemDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StatementView> {
    return withEtag(res, await this.clearing.answer(p, id, body, ifMatch));
  }

  @Post('clearing/statements/:id/confirm')
  @HttpCode(200)
  @Access(STAFF)
  @ID
  @IF_MATCH
  @MedicalEndpoint('Insured city: confirm (every contest answered); immutable from then on', { status: 200, type: StatementViewDto }, [
    'MEDICAL_STATEMENT_NOT_FOUND',
    'MEDICAL_NOT_YOUR_PART',
    'MEDICAL_STATEMENT_CONFIRMED',
    'MEDICAL_STATEMENT_OPEN_CONTESTS',
  ])
  async confirm(
    @CurrentPrincipal() p: Principal,
    @Param('id', statementId) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StatementView> {
    return withEtag(res, await this.clearing.confirm(p, id, ifMatch));
  }
}
