import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Access, CurrentPrincipal, type PartnerPrincipal, type Principal, type UserPrincipal, answerWithVersion } from '@guangfo/platform';
import { type ClaimSummary, type ClaimView, ClaimService } from '../application/claim.service.js';
import { ContributionService, type ReportResult } from '../application/contribution.service.js';
import {
  type CrossCheckView,
  CrossCheckService,
  type InvestigationSummary,
  type InvestigationView,
} from '../application/cross-check.service.js';
import { RecordService, type RecordRequestView } from '../application/record.service.js';
import { type PaymentRunResult, RetireeService, type RetireeSummary, type RetireeView } from '../application/retiree.service.js';
import { REPORT_SCOPE } from '../application/social-insurance.constants.js';
import { type TransferPage, TransferService, type TransferView } from '../application/transfer.service.js';
import { type AcceptedCredentialView, type WorkInjuryCaseView, WorkInjuryService } from '../application/work-injury.service.js';
import { MedicalTransferService, type MedicalTransferSummary, type MedicalTransferView } from '../application/medical-transfer.service.js';
import { socialInsuranceError } from '../social-insurance.errors.js';
import type { Created } from '../application/created.js';
import type { Page } from '../application/paging.js';
import { CreatedInterceptor } from './created.interceptor.js';
import {
  ClaimListQueryDto,
  CloseInvestigationDto,
  ContributionReportDto,
  ContributionReportResultDto,
  InvestigationListQueryDto,
  MedicalTransferListQueryDto,
  RetireeListQueryDto,
  WorkInjuryListQueryDto,
  CivilRecordDto,
  EmployerBindingDto,
  CrossCheckDto,
  MedicalTransferDto,
  SocialInsurancePageQueryDto,
  PresentedCredentialDto,
  WorkInjuryCaseDto,
  WorkInjuryDecisionDto,
  EligibilityConfirmationDto,
  PaymentRunDto,
  PensionClaimDto,
  RecordRequestDto,
  RetireeRegistrationDto,
  StepDto,
  StopNoticeDto,
  TransferApplicationDto,
} from './dto/social-insurance.dto.js';

const user = (p: Principal): UserPrincipal => p as UserPrincipal; // these routes admit users only (@Access roles)
const uuid = (
  what:
    | 'SI_REQUEST_NOT_FOUND'
    | 'SI_CLAIM_NOT_FOUND'
    | 'SI_TRANSFER_NOT_FOUND'
    | 'SI_RETIREE_NOT_FOUND'
    | 'SI_CROSS_CHECK_NOT_FOUND'
    | 'SI_INVESTIGATION_NOT_FOUND'
    | 'SI_WORK_INJURY_CASE_NOT_FOUND',
) => new ParseUUIDPipe({ exceptionFactory: () => socialInsuranceError(what, { detail: 'ids are UUIDs' }) });
const etag = (res: Response, v: { version: number }) => answerWithVersion(res, v.version);
const IDEMPOTENCY_KEY = ApiHeader({
  name: 'Idempotency-Key',
  required: false,
  description:
    'Makes the POST safe to retry (per caller): the same key and body answer the first resource (200); another body 409 SI_IDEMPOTENCY_KEY_REUSED',
  example: 'gz-window-20261205-0001',
});
/** If-Match required (as in affairs): 428 PRECONDITION_REQUIRED without it, 412 PRECONDITION_FAILED when stale. */
const IF_MATCH_REQUIRED = (what: string) =>
  applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: true,
      description: `The ${what} version (ETag of the GET) the step is based on`,
      example: '"1"',
    }),
    ApiResponse({ status: 428, description: 'If-Match missing (PRECONDITION_REQUIRED)' }),
    ApiPreconditionFailedResponse({ description: `The ${what} changed since you read it (PRECONDITION_FAILED); reload and act again` }),
  );
const LIST = (summary: string) =>
  applyDecorators(
    ApiOperation({ summary }),
    ApiOkResponse({
      description: 'A page: items (newest first, personal data masked) and nextCursor (null on the last page); the read is audited',
    }),
    ApiBadRequestResponse({ description: 'Not a cursor of this API (SI_INVALID_CURSOR); a filter out of range (VALIDATION_FAILED)' }),
  );

/** 社保: contribution records that follow the person across cities. */
@ApiTags('social-insurance')
@Controller('social-insurance')
@UseInterceptors(CreatedInterceptor)
export class SocialInsuranceController {
  constructor(
    private readonly contributions: ContributionService,
    private readonly records: RecordService,
    private readonly claims: ClaimService,
    private readonly transfers: TransferService,
    private readonly retirees: RetireeService,
    private readonly crossChecks: CrossCheckService,
    private readonly workInjury: WorkInjuryService,
    private readonly medical: MedicalTransferService,
  ) {}

  @Post('contributions')
  @HttpCode(200)
  @Access({ scopes: [REPORT_SCOPE] })
  @ApiOperation({
    summary:
      "An employer's monthly contribution report (partner system whose API key the city's admin bound to the employer's 统一社会信用代码)",
    description: 'One line per person, scheme and month, amounts in fen. A correction by the same employer replaces its month.',
  })
  @ApiOkResponse({ type: ContributionReportResultDto })
  @ApiUnprocessableEntityResponse({ description: 'Invalid lines, with field errors (SI_INVALID_REPORT)' })
  @ApiConflictResponse({ description: 'The month is reported by another employer or was refunded (SI_MONTH_ALREADY_REPORTED)' })
  report(@CurrentPrincipal() p: Principal, @Body() dto: ContributionReportDto): Promise<ReportResult> {
    if (p.kind !== 'partner') throw socialInsuranceError('SI_EMPLOYER_NOT_BOUND', { detail: 'employers report with their API key' });
    return this.contributions.report(p as PartnerPrincipal, dto);
  }

  @Post('employers')
  @HttpCode(200)
  @Access({ roles: ['admin'] })
  @ApiOperation({
    summary: "Bind an employer's partner API key (of this city) to the employer's 统一社会信用代码: the only employer it reports for",
  })
  @ApiOkResponse({ description: 'Bound (a rebinding replaces the earlier one)' })
  @ApiUnprocessableEntityResponse({ description: 'No such partner key or an invalid code (SI_INVALID_QUERY)' })
  bindEmployer(
    @CurrentPrincipal() p: Principal,
    @Body() dto: EmployerBindingDto,
  ): Promise<{ partnerId: string; employerUscc: string; name: string }> {
    return this.contributions.bind(user(p), dto);
  }

  @Post('record-requests')
  @HttpCode(202)
  @Access({ roles: ['resident'] })
  @ApiOperation({
    summary: 'Ask for my combined record from every city (with my consent)',
    description:
      'Each other city of the registry is asked, by an addressed event naming you and the purpose, for the months it holds; they answer to this city only. Poll the request until `complete`.',
  })
  @ApiAcceptedResponse({ description: 'Asked; the view shows which cities answered' })
  @ApiUnprocessableEntityResponse({ description: 'No consent (SI_CONSENT_REQUIRED)' })
  requestRecord(@CurrentPrincipal() p: Principal, @Body() dto: RecordRequestDto): Promise<RecordRequestView> {
    return this.records.request(user(p), dto);
  }

  @Get('record-requests/:id')
  @Access({ roles: ['resident'] })
  @ApiOperation({ summary: 'My combined record: periods from every city, months per scheme, duplicates (the read is audited)' })
  @ApiOkResponse({ description: 'The combined record (ID number and name masked)' })
  @ApiNotFoundResponse({ description: 'Not your request (SI_REQUEST_NOT_FOUND)' })
  getRecord(@CurrentPrincipal() p: Principal, @Param('id', uuid('SI_REQUEST_NOT_FOUND')) id: string): Promise<RecordRequestView> {
    return this.records.get(user(p), id);
  }

  @Post('pension-claims')
  @IDEMPOTENCY_KEY
  @ApiConflictResponse({ description: 'Idempotency-Key reused with another body (SI_IDEMPOTENCY_KEY_REUSED)' })
  @HttpCode(202)
  @Access({ roles: ['resident', 'clerk'] })
  @ApiOperation({
    summary: '养老保险待遇申领: in-province aggregation at claim time (no transfer)',
    description:
      "The other cities of this city's province are asked for the claimant's record; once all answered, the claim is aggregated: months per city, the last insured city, duplicate months (refund asked from the other city), the 10-year rule.",
  })
  @ApiAcceptedResponse({ description: 'Filed; aggregation follows the answers' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid claimant (SI_INVALID_QUERY)' })
  claim(
    @CurrentPrincipal() p: Principal,
    @Body() dto: PensionClaimDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<Created<ClaimView>> {
    return this.claims.file(user(p), dto, key);
  }

  @Get('pension-claims')
  @Access({ roles: ['resident', 'clerk', 'supervisor'] })
  @LIST("Pension claims: a clerk sees this city's, a resident only their own (filter by state; cursor pages)")
  listClaims(@CurrentPrincipal() p: Principal, @Query() q: ClaimListQueryDto): Promise<Page<ClaimSummary>> {
    return this.claims.list(user(p), q);
  }

  @Get('pension-claims/:id')
  @Access({ roles: ['resident', 'clerk'] })
  @ApiOperation({ summary: 'A pension claim with the combined record and its aggregation (the read is audited)' })
  @ApiOkResponse({ description: 'The claim; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such claim you may see (SI_CLAIM_NOT_FOUND)' })
  async getClaim(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_CLAIM_NOT_FOUND')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ClaimView> {
    const v = await this.claims.get(user(p), id);
    etag(res, v);
    return v;
  }

  @Post('transfers')
  @IDEMPOTENCY_KEY
  @ApiConflictResponse({ description: 'Idempotency-Key reused with another body (SI_IDEMPOTENCY_KEY_REUSED)' })
  @Access({ roles: ['clerk'] })
  @ApiOperation({
    summary: '跨省转移接续: the new place files the application (step 1)',
    description:
      'Only between cities the registry puts in different provinces. Deadlines: 15 working days per step on the official calendar.',
  })
  @ApiCreatedResponse({ description: 'Filed; ETag = version' })
  @ApiUnprocessableEntityResponse({
    description: 'Same province (SI_TRANSFER_NOT_CROSS_PROVINCE), unknown city (SI_UNKNOWN_CITY), invalid ID number (SI_INVALID_QUERY)',
  })
  apply(
    @CurrentPrincipal() p: Principal,
    @Body() dto: TransferApplicationDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<Created<TransferView>> {
    return this.transfers.apply(user(p), dto, key);
  }

  @Get('transfers')
  @Access({ roles: ['clerk', 'supervisor'] })
  @ApiOperation({
    summary: 'The clerk queue: transfers this city takes part in, newest first, with the next step and its due date (cursor pages)',
  })
  @ApiOkResponse({ description: 'A page: items and nextCursor (no personal data)' })
  @ApiBadRequestResponse({ description: 'Not a cursor of this API (SI_INVALID_CURSOR)' })
  listTransfers(@Query() q: SocialInsurancePageQueryDto): Promise<TransferPage> {
    return this.transfers.list(q);
  }

  @Get('transfers/:id')
  @Access({ roles: ['resident', 'clerk'] })
  @ApiOperation({ summary: 'A transfer: the timeline both cities see, deadlines, amounts in fen, fund records (the read is audited)' })
  @ApiOkResponse({ description: 'The transfer; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such transfer you may see (SI_TRANSFER_NOT_FOUND)' })
  async getTransfer(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_TRANSFER_NOT_FOUND')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<TransferView> {
    const v = await this.transfers.get(user(p), id);
    etag(res, v);
    return v;
  }

  @Post('transfers/:id/contact-letter')
  @HttpCode(200)
  @Access({ roles: ['clerk'] })
  @IF_MATCH_REQUIRED('transfer')
  @ApiOperation({ summary: 'Step 2, new place: send the 联系函 to the old place (within 15 working days of the application)' })
  @ApiOkResponse({ description: 'Sent; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such transfer (SI_TRANSFER_NOT_FOUND)' })
  @ApiConflictResponse({ description: 'Not the next step, or a temporary account (SI_TRANSFER_STEP_NOT_ALLOWED)' })
  async contactLetter(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_TRANSFER_NOT_FOUND')) id: string,
    @Body() dto: StepDto,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<TransferView> {
    const v = await this.transfers.contactLetter(user(p), id, ifMatch, dto.note);
    etag(res, v);
    return v;
  }

  @Post('transfers/:id/funds')
  @HttpCode(200)
  @Access({ roles: ['clerk'] })
  @IF_MATCH_REQUIRED('transfer')
  @ApiOperation({
    summary:
      'Step 3, old place: send the record and the funds (within 15 working days of the letter); months the new place holds are refunded',
  })
  @ApiOkResponse({ description: 'Sent; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such transfer (SI_TRANSFER_NOT_FOUND)' })
  @ApiConflictResponse({ description: 'Not the next step, or a temporary account (SI_TRANSFER_STEP_NOT_ALLOWED)' })
  async funds(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_TRANSFER_NOT_FOUND')) id: string,
    @Body() dto: StepDto,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<TransferView> {
    const v = await this.transfers.sendFunds(user(p), id, ifMatch, dto.note);
    etag(res, v);
    return v;
  }

  @Post('transfers/:id/continue')
  @HttpCode(200)
  @Access({ roles: ['clerk'] })
  @IF_MATCH_REQUIRED('transfer')
  @ApiOperation({ summary: 'Step 4, new place: 接续 (within 15 working days of the funds); what arrived must equal what left' })
  @ApiOkResponse({ description: 'Continued; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such transfer (SI_TRANSFER_NOT_FOUND)' })
  @ApiConflictResponse({ description: 'Not the next step, or amounts not matching the record (SI_TRANSFER_STEP_NOT_ALLOWED)' })
  async continueTransfer(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_TRANSFER_NOT_FOUND')) id: string,
    @Body() dto: StepDto,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<TransferView> {
    const v = await this.transfers.continue(user(p), id, ifMatch, dto.note);
    etag(res, v);
    return v;
  }

  @Post('retirees')
  @IDEMPOTENCY_KEY
  @Access({ roles: ['clerk'] })
  @ApiOperation({ summary: 'Register a retiree paid by this city and living in another' })
  @ApiCreatedResponse({ description: 'Registered' })
  @ApiConflictResponse({
    description: 'Already registered (SI_RETIREE_EXISTS), Idempotency-Key reused with another body (SI_IDEMPOTENCY_KEY_REUSED)',
  })
  @ApiUnprocessableEntityResponse({ description: 'Unknown city of residence (SI_UNKNOWN_CITY), invalid month (SI_INVALID_MONTH)' })
  registerRetiree(
    @CurrentPrincipal() p: Principal,
    @Body() dto: RetireeRegistrationDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<Created<RetireeView>> {
    return this.retirees.register(user(p), dto, key);
  }

  @Get('retirees')
  @Access({ roles: ['clerk', 'supervisor'] })
  @LIST('Retirees this city pays (filter by city of residence, stopped; cursor pages)')
  listRetirees(@CurrentPrincipal() p: Principal, @Query() q: RetireeListQueryDto): Promise<Page<RetireeSummary>> {
    return this.retirees.list(user(p), q);
  }

  @Get('retirees/:id')
  @Access({ roles: ['clerk'] })
  @ApiOperation({ summary: 'A retiree: status, payments (back pay marked), recoveries (the read is audited)' })
  @ApiOkResponse({ description: 'The retiree (ID number and name masked); ETag = version' })
  @ApiNotFoundResponse({ description: 'No such retiree (SI_RETIREE_NOT_FOUND)' })
  async getRetiree(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_RETIREE_NOT_FOUND')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RetireeView> {
    const v = await this.retirees.get(user(p), id);
    etag(res, v);
    return v;
  }

  @Post('payment-runs')
  @HttpCode(200)
  @Access({ roles: ['clerk', 'admin'] })
  @ApiOperation({ summary: "The month's pension payment run for every retiree paid here (suspensions, back pay; each month paid once)" })
  @ApiOkResponse({ description: 'What was paid, per retiree' })
  @ApiUnprocessableEntityResponse({ description: 'Not a month, or a future month (SI_INVALID_MONTH)' })
  run(@CurrentPrincipal() p: Principal, @Body() dto: PaymentRunDto): Promise<PaymentRunResult> {
    return this.retirees.run(user(p), dto.month);
  }

  @Post('eligibility-confirmations')
  @HttpCode(202)
  @Access({ roles: ['resident', 'clerk'] })
  @ApiOperation({ summary: '资格认证 where the retiree lives, sent to the paying city (valid 12 months)' })
  @ApiAcceptedResponse({ description: 'Sent to the paying city' })
  @ApiUnprocessableEntityResponse({ description: 'Unknown paying city (SI_UNKNOWN_CITY)' })
  confirm(
    @CurrentPrincipal() p: Principal,
    @Body() dto: EligibilityConfirmationDto,
  ): Promise<{ confirmationId: string; payingCity: string; confirmedOn: string }> {
    return this.retirees.confirm(user(p), dto);
  }

  @Post('stop-notices')
  @HttpCode(202)
  @Access({ roles: ['clerk'] })
  @ApiOperation({
    summary:
      'A death or imprisonment registered here, sent to the paying city (payment stops from the next month; later payments recovered)',
  })
  @ApiAcceptedResponse({ description: 'Sent to the paying city' })
  @ApiUnprocessableEntityResponse({ description: 'Unknown paying city (SI_UNKNOWN_CITY)' })
  notifyStop(@CurrentPrincipal() p: Principal, @Body() dto: StopNoticeDto): Promise<{ noticeId: string; payingCity: string }> {
    return this.retirees.notifyStop(user(p), dto);
  }

  @Post('civil-records')
  @Access({ roles: ['clerk'] })
  @ApiOperation({
    summary: "A death or a prison term registered in this city: the records other cities' benefit rolls are matched against",
  })
  @ApiCreatedResponse({ description: 'Recorded (a repeat records nothing new)' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid ID number or date (SI_INVALID_QUERY)' })
  civilRecord(@CurrentPrincipal() p: Principal, @Body() dto: CivilRecordDto): Promise<{ id: string; recorded: boolean }> {
    return this.crossChecks.recordCivil(user(p), dto);
  }

  @Post('cross-checks')
  @HttpCode(202)
  @Access({ roles: ['clerk'] })
  @ApiOperation({
    summary: "数据比对 on demand: this city's benefit roll as HMAC-SM3 keyed hashes against another city's death and prison records",
    description:
      'No ID number crosses: only keyed hashes under the shared match key (by key id). Each hit opens a joint investigation. Also runs on a schedule.',
  })
  @ApiAcceptedResponse({ description: 'Sent; the check is answered asynchronously' })
  @ApiUnprocessableEntityResponse({ description: 'Unknown city (SI_UNKNOWN_CITY)' })
  @ApiServiceUnavailableResponse({ description: 'No shared match key (SI_CROSS_CHECK_NOT_CONFIGURED)' })
  crossCheck(@CurrentPrincipal() p: Principal, @Body() dto: CrossCheckDto): Promise<CrossCheckView> {
    return this.crossChecks.start(user(p), dto.city);
  }

  @Get('cross-checks/:id')
  @Access({ roles: ['clerk'] })
  @ApiOperation({ summary: 'A cross-check: state, hits, the investigations it opened' })
  @ApiOkResponse({ description: 'The cross-check' })
  @ApiNotFoundResponse({ description: 'No such cross-check (SI_CROSS_CHECK_NOT_FOUND)' })
  getCrossCheck(@CurrentPrincipal() p: Principal, @Param('id', uuid('SI_CROSS_CHECK_NOT_FOUND')) id: string): Promise<CrossCheckView> {
    return this.crossChecks.get(user(p), id);
  }

  @Get('investigations')
  @Access({ roles: ['clerk', 'supervisor'] })
  @LIST("Joint investigations of this city (filter by state, side; cursor pages): this city's own person, masked")
  listInvestigations(@CurrentPrincipal() p: Principal, @Query() q: InvestigationListQueryDto): Promise<Page<InvestigationSummary>> {
    return this.crossChecks.investigations(user(p), q);
  }

  @Get('investigations/:id')
  @Access({ roles: ['clerk'] })
  @ApiOperation({
    summary: "A joint investigation (the same id in both cities): this city's own person revealed to its clerks only (the read is audited)",
  })
  @ApiOkResponse({ description: 'The investigation (outcome once closed by either city); ETag = version' })
  @ApiNotFoundResponse({ description: 'No such investigation (SI_INVESTIGATION_NOT_FOUND)' })
  async getInvestigation(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_INVESTIGATION_NOT_FOUND')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<InvestigationView> {
    const v = await this.crossChecks.investigation(user(p), id);
    etag(res, v);
    return v;
  }

  @Post('investigations/:id/close')
  @HttpCode(200)
  @Access({ roles: ['clerk'] })
  @IF_MATCH_REQUIRED('investigation')
  @ApiOperation({
    summary:
      "Close a joint investigation: this city's clerk records the outcome and reason; the other city closes its copy (addressed event)",
  })
  @ApiOkResponse({ description: 'Closed; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such investigation (SI_INVESTIGATION_NOT_FOUND)' })
  @ApiConflictResponse({ description: 'Already closed, here or by the other city (SI_INVESTIGATION_CLOSED)' })
  @ApiUnprocessableEntityResponse({ description: 'An ID number in the reason (SI_INVALID_QUERY)' })
  async closeInvestigation(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_INVESTIGATION_NOT_FOUND')) id: string,
    @Body() dto: CloseInvestigationDto,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<InvestigationView> {
    const v = await this.crossChecks.close(user(p), id, dto, ifMatch);
    etag(res, v);
    return v;
  }

  @Post('work-injury-cases')
  @IDEMPOTENCY_KEY
  @ApiConflictResponse({ description: 'Idempotency-Key reused with another body (SI_IDEMPOTENCY_KEY_REUSED)' })
  @Access({ roles: ['clerk'] })
  @ApiOperation({
    summary: "工伤认定: a case in the employer's city (where it insured the worker against work injury for the accident's month)",
    description:
      'The employer applies within 30 days of the accident, the worker within 1 year; decided within 60 days of acceptance, 15 for clear cases (calendar days).',
  })
  @ApiCreatedResponse({ description: 'Accepted, with its due date' })
  @ApiUnprocessableEntityResponse({
    description:
      'Too late (SI_WORK_INJURY_APPLICATION_LATE), not insured here (SI_WORK_INJURY_NOT_INSURED_HERE), invalid input (SI_INVALID_QUERY)',
  })
  fileWorkInjury(
    @CurrentPrincipal() p: Principal,
    @Body() dto: WorkInjuryCaseDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<Created<WorkInjuryCaseView>> {
    return this.workInjury.file(user(p), dto, key);
  }

  @Get('work-injury-cases')
  @Access({ roles: ['clerk', 'supervisor'] })
  @LIST("This city's work-injury cases (filter by state; cursor pages): the worker masked")
  listWorkInjury(@CurrentPrincipal() p: Principal, @Query() q: WorkInjuryListQueryDto): Promise<Page<WorkInjuryCaseView>> {
    return this.workInjury.list(user(p), q);
  }

  @Get('work-injury-cases/:id')
  @Access({ roles: ['clerk'] })
  @ApiOperation({ summary: 'A work-injury case (the read is audited)' })
  @ApiOkResponse({ description: 'The case; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such case (SI_WORK_INJURY_CASE_NOT_FOUND)' })
  async getWorkInjury(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_WORK_INJURY_CASE_NOT_FOUND')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WorkInjuryCaseView> {
    const v = await this.workInjury.get(user(p), id);
    etag(res, v);
    return v;
  }

  @Post('work-injury-cases/:id/decide')
  @HttpCode(200)
  @Access({ roles: ['clerk'] })
  @ApiOperation({
    summary: '认定决定: recognised with the WORK_INJURY_DETERMINATION credential this city issued (verified), or not recognised',
  })
  @IF_MATCH_REQUIRED('case')
  @ApiOkResponse({ description: 'Decided; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such case (SI_WORK_INJURY_CASE_NOT_FOUND)' })
  @ApiConflictResponse({ description: 'Already decided (SI_WORK_INJURY_ALREADY_DECIDED)' })
  @ApiUnprocessableEntityResponse({ description: 'The credential did not verify (SI_CREDENTIAL_REJECTED)' })
  async decideWorkInjury(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_WORK_INJURY_CASE_NOT_FOUND')) id: string,
    @Body() dto: WorkInjuryDecisionDto,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<WorkInjuryCaseView> {
    const v = await this.workInjury.decide(user(p), id, dto, ifMatch);
    etag(res, v);
    return v;
  }

  @Post('work-injury-recognitions')
  @Access({ roles: ['clerk'] })
  @ApiOperation({
    summary: "工伤认定结论互认: the other city's clerk accepts a determination, verified from this city's replicated registry",
  })
  @ApiCreatedResponse({ description: 'Accepted (recorded and audited)' })
  @ApiUnprocessableEntityResponse({ description: 'The credential did not verify (SI_CREDENTIAL_REJECTED, with the reasons)' })
  recogniseWorkInjury(@CurrentPrincipal() p: Principal, @Body() dto: PresentedCredentialDto): Promise<AcceptedCredentialView> {
    return this.workInjury.accept(user(p), 'work-injury', dto.credential);
  }

  @Post('card-verifications')
  @HttpCode(200)
  @Access({ roles: ['clerk'] })
  @ApiOperation({ summary: "社会保障卡 from the other city: verified from this city's replicated registry (the holder masked; audited)" })
  @ApiOkResponse({ description: 'valid, or the reasons it is not' })
  verifyCard(@CurrentPrincipal() p: Principal, @Body() dto: PresentedCredentialDto): Promise<AcceptedCredentialView> {
    return this.workInjury.accept(user(p), 'social-security-card', dto.credential);
  }

  @Post('medical-transfers')
  @IDEMPOTENCY_KEY
  @ApiConflictResponse({ description: 'Idempotency-Key reused with another body (SI_IDEMPOTENCY_KEY_REUSED)' })
  @Access({ roles: ['clerk'] })
  @ApiOperation({
    summary: '基本医疗保险关系转移接续: the new place takes the application and asks the old place (release due within 10 working days)',
  })
  @ApiCreatedResponse({ description: 'Applied; the request is sent to the old place' })
  @ApiUnprocessableEntityResponse({ description: 'Unknown city (SI_UNKNOWN_CITY), invalid ID number (SI_INVALID_QUERY)' })
  applyMedical(
    @CurrentPrincipal() p: Principal,
    @Body() dto: MedicalTransferDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<Created<MedicalTransferView>> {
    return this.medical.apply(user(p), dto, key);
  }

  @Get('medical-transfers')
  @Access({ roles: ['clerk', 'supervisor'] })
  @LIST('Medical-insurance transfers this city takes part in (filter by state, direction; cursor pages): the person masked')
  listMedical(@CurrentPrincipal() p: Principal, @Query() q: MedicalTransferListQueryDto): Promise<Page<MedicalTransferSummary>> {
    return this.medical.list(user(p), q);
  }

  @Get('medical-transfers/:id')
  @Access({ roles: ['clerk'] })
  @ApiOperation({ summary: 'A medical-insurance transfer: timeline, deadlines (10 + 5 working days), the gap treatment' })
  @ApiOkResponse({ description: 'The transfer; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such transfer (SI_TRANSFER_NOT_FOUND)' })
  async getMedical(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_TRANSFER_NOT_FOUND')) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MedicalTransferView> {
    const v = await this.medical.get(user(p), id);
    etag(res, v);
    return v;
  }

  @Post('medical-transfers/:id/release')
  @HttpCode(200)
  @Access({ roles: ['clerk'] })
  @IF_MATCH_REQUIRED('medical transfer')
  @ApiOperation({ summary: 'Old place: release the relationship (months insured, last month paid), within 10 working days' })
  @ApiOkResponse({ description: 'Released; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such transfer (SI_TRANSFER_NOT_FOUND)' })
  @ApiConflictResponse({ description: 'Not the next step (SI_TRANSFER_STEP_NOT_ALLOWED)' })
  async releaseMedical(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_TRANSFER_NOT_FOUND')) id: string,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<MedicalTransferView> {
    const v = await this.medical.release(user(p), id, ifMatch);
    etag(res, v);
    return v;
  }

  @Post('medical-transfers/:id/continue')
  @HttpCode(200)
  @Access({ roles: ['clerk'] })
  @ApiOperation({
    summary: 'New place: continue within 5 working days; a gap ≤ 3 months is paid up (back-dated), longer: a waiting period ≤ 6 months',
  })
  @IF_MATCH_REQUIRED('medical transfer')
  @ApiOkResponse({ description: 'Continued, with the gap treatment; ETag = version' })
  @ApiNotFoundResponse({ description: 'No such transfer (SI_TRANSFER_NOT_FOUND)' })
  @ApiConflictResponse({ description: 'Not the next step (SI_TRANSFER_STEP_NOT_ALLOWED)' })
  async continueMedical(
    @CurrentPrincipal() p: Principal,
    @Param('id', uuid('SI_TRANSFER_NOT_FOUND')) id: string,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<MedicalTransferView> {
    const v = await this.medical.continue(user(p), id, ifMatch);
    etag(res, v);
    return v;
  }
}
