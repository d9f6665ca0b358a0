import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiParam, ApiTags } from '@nestjs/swagger';
import { Access, CurrentPrincipal, type PartnerPrincipal, type Principal } from '@guangfo/platform';
import { ClearingService, type StatementView } from '../application/clearing.service.js';
import { yuanToFen } from '../application/national-envelope.service.js';
import { ReconciliationService, type ReconciliationView } from '../application/reconciliation.service.js';
import type { DayEntry } from '../domain/reconciliation.js';
import { medicalError } from '../medical.errors.js';
import {
  AnswerItemDto,
  ContestItemDto,
  DetailReconciliationDto,
  IssueStatementDto,
  ReconciliationViewDto,
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

/** The 3202 detail file: CSV with a header line, amounts in yuan. */
export const parseDetailFile = (file: string): DayEntry[] => {
  const lines = file.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== 'setl_id,kind,medfee_sumamt,fund_pay_sumamt,acct_pay,psn_cash_pay')
    throw medicalError('MEDICAL_INVALID_REQUEST', {
      detail: 'the file starts with the header setl_id,kind,medfee_sumamt,fund_pay_sumamt,acct_pay,psn_cash_pay',
    });
  return lines.slice(1).map((line, i) => {
    const [id, kind, ...amounts] = line.split(',').map((x) => x.trim());
    const fen = amounts.map(yuanToFen);
    if (
      !id ||
      !/^[0-9a-f-]{36}$/i.test(id) ||
      (kind !== 'settlement' && kind !== 'reversal') ||
      fen.length !== 4 ||
      fen.some((f) => f === undefined)
    )
      throw medicalError('MEDICAL_INVALID_REQUEST', {
        detail: `file line ${i + 2}: setl_id (UUID), kind settlement|reversal, four yuan amounts`,
      });
    return { settlementId: id.toLowerCase(), kind, medfeeFen: fen[0]!, fundFen: fen[1]!, acctFen: fen[2]!, cashFen: fen[3]! };
  });
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
    '3202: the hospital’s detail file of a day against the agency’s records, a reason per mismatch',
    { status: 200, type: ReconciliationViewDto },
    ['MEDICAL_NOT_A_HOSPITAL', 'MEDICAL_INVALID_REQUEST'],
  )
  details(@CurrentPrincipal() p: Principal, @Body() body: DetailReconciliationDto): Promise<ReconciliationView> {
    return this.reconciliation.details(p as PartnerPrincipal, body.day, parseDetailFile(body.file));
  }

  @Post('clearing/statements')
  @HttpCode(201)
  @Access(STAFF)
  @MedicalEndpoint(
    'Treating city: issue the monthly clearing statement for an insured city',
    { status: 201, type: StatementViewDto },
    ['MEDICAL_CITY_UNKNOWN', 'MEDICAL_STATEMENT_EXISTS'],
    'Every settlement of the period, reversals of earlier periods as negative items; advance and net. The insured city receives it as an addressed event and proves it from its own copies of the claims.',
  )
  issue(@CurrentPrincipal() p: Principal, @Body() body: IssueStatementDto): Promise<StatementView> {
    return this.clearing.issue(p, body);
  }

  @Get('clearing/statements/:id')
  @Access({ roles: ['clerk', 'admin', 'supervisor'], scopes: ['medical:clearing'] })
  @ID
  @MedicalEndpoint('A clearing statement with its items, totals, state and the verifier’s proof', { status: 200, type: StatementViewDto }, [
    'MEDICAL_STATEMENT_NOT_FOUND',
  ])
  get(@CurrentPrincipal() p: Principal, @Param('id', statementId) id: string): Promise<StatementView> {
    return this.clearing.get(p, id);
  }

  @Post('clearing/statements/:id/contest')
  @HttpCode(200)
  @Access(STAFF)
  @ID
  @MedicalEndpoint('Insured city: contest one item with a reason code', { status: 200, type: StatementViewDto }, [
    'MEDICAL_STATEMENT_NOT_FOUND',
    'MEDICAL_NOT_YOUR_PART',
    'MEDICAL_STATEMENT_CONFIRMED',
    'MEDICAL_STATEMENT_ITEM_NOT_FOUND',
  ])
  contest(@CurrentPrincipal() p: Principal, @Param('id', statementId) id: string, @Body() body: ContestItemDto): Promise<StatementView> {
    return this.clearing.contest(p, id, body);
  }

  @Post('clearing/statements/:id/answer')
  @HttpCode(200)
  @Access(STAFF)
  @ID
  @MedicalEndpoint('Treating city: answer a contested item (upheld or withdrawn)', { status: 200, type: StatementViewDto }, [
    'MEDICAL_STATEMENT_NOT_FOUND',
    'MEDICAL_NOT_YOUR_PART',
    'MEDICAL_STATEMENT_CONFIRMED',
    'MEDICAL_STATEMENT_ITEM_NOT_FOUND',
  ])
  answer(@CurrentPrincipal() p: Principal, @Param('id', statementId) id: string, @Body() body: AnswerItemDto): Promise<StatementView> {
    return this.clearing.answer(p, id, body);
  }

  @Post('clearing/statements/:id/confirm')
  @HttpCode(200)
  @Access(STAFF)
  @ID
  @MedicalEndpoint('Insured city: confirm (every contest answered); immutable from then on', { status: 200, type: StatementViewDto }, [
    'MEDICAL_STATEMENT_NOT_FOUND',
    'MEDICAL_NOT_YOUR_PART',
    'MEDICAL_STATEMENT_CONFIRMED',
    'MEDICAL_STATEMENT_OPEN_CONTESTS',
  ])
  confirm(@CurrentPrincipal() p: Principal, @Param('id', statementId) id: string): Promise<StatementView> {
    return this.clearing.confirm(p, id);
  }
}
