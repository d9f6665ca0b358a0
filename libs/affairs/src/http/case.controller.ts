import { Body, Controller, Get, Headers, Param, ParseUUIDPipe, Post, Query, UseInterceptors } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, type Principal, type UserPrincipal } from '@guangfo/platform';
import { CASE_ID_PARAM, CaseStep, StepPreferences } from './case-endpoint.decorator.js';
import { CaseFilingService } from '../application/case-filing.service.js';
import { type CasePage, CaseQueryService } from '../application/case-query.service.js';
import type { CaseResult } from '../application/case-result.js';
import { CaseResultInterceptor } from './case-result.interceptor.js';
import type { CaseDetailView } from '../application/case.views.js';
import { CaseWorkflowService } from '../application/case-workflow.service.js';
import { affairsError } from '../affairs.errors.js';
import {
  ClaimDto,
  ClerkStepDto,
  DecideDto,
  DeliverDto,
  EvaluateDto,
  ExtendDto,
  RejectDto,
  RequestSupplementDto,
  ResumeDto,
  ReturnDto,
  SpecialProcedureDto,
  SupplementDto,
  WithdrawDto,
} from './dto/case-actions.dto.js';
import { CaseQueryDto } from './dto/case-query.dto.js';
import { CaseDetailDto, CasePageDto } from './dto/case-view.dto.js';
import { FileCaseDto } from './dto/file-case.dto.js';

/** A step's answer: the case after it, or no view when the client asked for `Prefer: return=minimal`. */
type Reply = Promise<CaseResult<CaseDetailView | undefined>>;
const id = new ParseUUIDPipe({ exceptionFactory: () => affairsError('CASE_NOT_FOUND', { detail: 'case ids are UUIDs' }) });
const user = (p: Principal): UserPrincipal => p as UserPrincipal; // write routes admit users only (@Access roles)

/** 跨城通办 cases: filing, the clerk queue, one case with its timeline, and each step of its life. */
@ApiTags('cases')
@Controller('cases')
@UseInterceptors(CaseResultInterceptor)
export class CaseController {
  constructor(
    private readonly filing: CaseFilingService,
    private readonly queries: CaseQueryService,
    private readonly workflow: CaseWorkflowService,
  ) {}

  @Post()
  @Access({ roles: ['resident', 'clerk'] })
  @ApiOperation({
    summary: 'File a case (申请) for a catalogue item',
    description:
      "A resident files online (全程网办) at their own city; a clerk files at the window (异地代收代办, 多地联办) on a resident's behalf. The route (applicant city → receiving city → administering city, mode, channel) must exist in the catalogue. Same Idempotency-Key + same body → the same case (201, then 200); same key + another body → 409.",
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes the filing safe to retry (per caller)',
    example: 'fs-window-20260930-0001',
  })
  @ApiCreatedResponse({ type: CaseDetailDto, description: 'Filed; ETag = version 1' })
  @ApiOkResponse({ type: CaseDetailDto, description: 'A replay of an earlier filing with the same Idempotency-Key and body' })
  @ApiConflictResponse({ description: 'Idempotency-Key reused with another body (CASE_IDEMPOTENCY_KEY_REUSED)' })
  @ApiUnprocessableEntityResponse({
    description: 'No such route or mode (CASE_ROUTE_NOT_ALLOWED), materials not matching the catalogue, invalid ID number…',
  })
  file(@CurrentPrincipal() p: Principal, @Body() dto: FileCaseDto, @Headers('idempotency-key') key?: string): Reply {
    return this.filing.file(user(p), dto, key);
  }

  @Get()
  @Access({ roles: ['resident', 'clerk', 'supervisor'], scopes: ['cases:read'] })
  @ApiOperation({
    summary: "List cases: the clerk queue of this city by deadline, or a resident's own cases",
    description: 'Sorted by due date (soonest first, closed cases last), cursor pagination.',
  })
  @ApiOkResponse({ type: CasePageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: CaseQueryDto): Promise<CasePage> {
    return this.queries.list(p, q);
  }

  @Get(':id')
  @Access({ roles: ['resident', 'clerk', 'supervisor'], scopes: ['cases:read'] })
  @CASE_ID_PARAM
  @ApiOperation({ summary: 'One case with its timeline, deadlines and next steps (ETag = version)' })
  @ApiOkResponse({ type: CaseDetailDto })
  get(@CurrentPrincipal() p: Principal, @Param('id', id) caseId: string): Reply {
    return this.queries.get(p, caseId);
  }

  @CaseStep('forward', {
    summary: '收件地: intake check passed (form and identity); forward to the administering city',
    roles: ['clerk'],
    body: ClerkStepDto,
    ifMatch: 'required',
  })
  forward(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: ClerkStepDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(user(p), caseId, { action: 'forward' }, { ...pref, note: b.note });
  }

  @CaseStep('return', {
    summary: '收件地: return the application at intake (退件)',
    roles: ['clerk'],
    body: ReturnDto,
    ifMatch: 'required',
  })
  returnCase(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: ReturnDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(user(p), caseId, { action: 'return', reasonCode: b.reasonCode, reason: b.reason }, { ...pref, note: b.note });
  }

  @CaseStep('accept', {
    summary: '办理地: accept the case (受理); required materials must be complete',
    roles: ['clerk'],
    body: ClerkStepDto,
    ifMatch: 'required',
  })
  accept(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: ClerkStepDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(user(p), caseId, { action: 'accept' }, { ...pref, note: b.note });
  }

  @CaseStep('reject', {
    summary: '办理地: refuse to accept (不予受理) with a reason code',
    roles: ['clerk'],
    body: RejectDto,
    ifMatch: 'required',
  })
  reject(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: RejectDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(user(p), caseId, { action: 'reject', reasonCode: b.reasonCode, reason: b.reason }, { ...pref, note: b.note });
  }

  @CaseStep('request-supplement', {
    summary: '办理地: one 补正 notice listing every missing item; the clock stops until the applicant answers',
    roles: ['clerk'],
    body: RequestSupplementDto,
    ifMatch: 'required',
  })
  requestSupplement(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: RequestSupplementDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(user(p), caseId, { action: 'request-supplement', items: b.items }, { ...pref, note: b.note });
  }

  @CaseStep('supplement', {
    summary: 'The applicant (or a clerk of their city for them) answers the 补正 notice',
    roles: ['resident', 'clerk'],
    body: SupplementDto,
    ifMatch: 'optional',
  })
  supplement(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: SupplementDto,
    @Headers('if-match') ifMatch?: string,
  ): Reply {
    return this.workflow.supplement(user(p), caseId, b, { ifMatch });
  }

  @CaseStep('review', { summary: '办理地: start substantive review (审查)', roles: ['clerk'], body: ClerkStepDto, ifMatch: 'required' })
  review(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: ClerkStepDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(user(p), caseId, { action: 'review' }, { ...pref, note: b.note });
  }

  @CaseStep('special-procedure', {
    summary: '办理地: start a special procedure (听证, 检验检测, 鉴定…); the clock stops',
    roles: ['clerk'],
    body: SpecialProcedureDto,
    ifMatch: 'required',
  })
  specialProcedure(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: SpecialProcedureDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(
      user(p),
      caseId,
      { action: 'special-procedure', procedure: b.procedure, expectedEnd: b.expectedEnd },
      { ...pref, note: b.note },
    );
  }

  @CaseStep('resume', {
    summary: '办理地: the special procedure ended; review resumes and the clock runs',
    roles: ['clerk'],
    body: ResumeDto,
    ifMatch: 'required',
  })
  resume(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: ResumeDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(user(p), caseId, { action: 'resume', result: b.result }, { ...pref, note: b.note });
  }

  @CaseStep('decide', {
    summary: '办理地: decide (准予 approved / 不予 denied with a reason code); the result goes to the receiving city',
    roles: ['clerk'],
    body: DecideDto,
    ifMatch: 'required',
  })
  decide(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: DecideDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(
      user(p),
      caseId,
      { action: 'decide', outcome: b.outcome, reasonCode: b.reasonCode, reason: b.reason, certificateNo: b.certificateNo },
      { ...pref, note: b.note },
    );
  }

  @CaseStep('deliver', {
    summary: '收件地: deliver the result (送达): window pickup, mail with tracking number, or electronic',
    roles: ['clerk'],
    body: DeliverDto,
    ifMatch: 'required',
  })
  deliver(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: DeliverDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(
      user(p),
      caseId,
      { action: 'deliver', method: b.method, trackingNumber: b.trackingNumber, carrier: b.carrier },
      { ...pref, note: b.note },
    );
  }

  @CaseStep('complete', { summary: '收件地: close the case (办结)', roles: ['clerk'], body: ClerkStepDto, ifMatch: 'required' })
  complete(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: ClerkStepDto,
    @StepPreferences() pref: StepPreferences,
  ): Reply {
    return this.workflow.act(user(p), caseId, { action: 'complete' }, { ...pref, note: b.note });
  }

  @CaseStep('extend', {
    summary:
      '办理地负责人: extend the time limit once (行政许可法 art. 42): +10 working days, +15 for joint handling; the reasons are shown to the applicant',
    roles: ['supervisor'],
    body: ExtendDto,
    ifMatch: 'required',
  })
  extend(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: ExtendDto,
    @Headers('if-match') ifMatch?: string,
  ): Reply {
    return this.workflow.extend(user(p), caseId, { ifMatch, reason: b.reason, note: b.note });
  }

  @CaseStep('withdraw', {
    summary: 'The applicant withdraws (撤回) before the decision',
    description:
      '200 when this city holds the case; 202 when the request goes to the city that holds it, which answers in the timeline (case-withdrawn or case-withdrawal-refused).',
    roles: ['resident'],
    body: WithdrawDto,
    ifMatch: 'optional',
  })
  withdraw(
    @CurrentPrincipal() p: Principal,
    @Param('id', id) caseId: string,
    @Body() b: WithdrawDto,
    @Headers('if-match') ifMatch?: string,
  ): Reply {
    return this.workflow.withdraw(user(p), caseId, { ifMatch, reason: b.reason });
  }

  @CaseStep('evaluate', {
    summary:
      '好差评: the applicant rates the service (1–5); 1–2 open a remediation in the responsible city, due after its remediation period (catalogue evaluation.yaml)',
    roles: ['resident'],
    body: EvaluateDto,
    ifMatch: 'none',
  })
  evaluate(@CurrentPrincipal() p: Principal, @Param('id', id) caseId: string, @Body() b: EvaluateDto): Reply {
    return this.workflow.evaluate(user(p), caseId, b);
  }

  @CaseStep('evaluate/follow-up', {
    summary:
      '追评: the applicant adds one follow-up rating (1–5) after the first, e.g. once a 差评 was remediated; the responsible city records on its remediation task whether they are now satisfied (3+)',
    description:
      'Once per case, only after the first rating (CASE_NOT_EVALUATED), not twice (CASE_ALREADY_FOLLOWED_UP), by the applicant only (CASE_NOT_YOUR_DUTY). No follow-up period is enforced: none was verified in this repository.',
    roles: ['resident'],
    body: EvaluateDto,
    ifMatch: 'none',
  })
  followUp(@CurrentPrincipal() p: Principal, @Param('id', id) caseId: string, @Body() b: EvaluateDto): Reply {
    return this.workflow.followUp(user(p), caseId, b);
  }

  @CaseStep('claim', {
    summary: 'Claim the case for a while (others of this city see the claim and cannot act), or release it',
    roles: ['clerk'],
    body: ClaimDto,
    ifMatch: 'none',
  })
  claim(@CurrentPrincipal() p: Principal, @Param('id', id) caseId: string, @Body() b: ClaimDto): Reply {
    return this.workflow.claim(user(p), caseId, b);
  }
}
