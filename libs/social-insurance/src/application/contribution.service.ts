import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, normalizeResidentId, normalizeSocialCreditCode, toShanghaiDate } from '@guangfo/kernel';
import { actorOf, AuditService, NODE_CONFIG, type NodeConfig, type PartnerPrincipal, type FieldError } from '@guangfo/platform';
import { contributionProblems } from '../domain/contribution.js';
import { monthOfDate } from '../domain/months.js';
import { SocialInsuranceRepository } from '../infrastructure/social-insurance.repository.js';
import { socialInsuranceError } from '../social-insurance.errors.js';
import type { ContributionReportCommand } from './social-insurance.commands.js';

export interface ReportResult {
  accepted: number;
  inserted: number;
  replaced: number;
}

/** Employers (partner systems bound to their 统一社会信用代码) report each month's contributions of their staff. */
@Injectable()
export class ContributionService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly repo: SocialInsuranceRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async report(p: PartnerPrincipal, cmd: ContributionReportCommand): Promise<ReportResult> {
    const now = this.clock.now();
    const currentMonth = monthOfDate(toShanghaiDate(now));
    const errors: FieldError[] = [];
    const rows = cmd.reports.map((r, i) => {
      const idNumber = normalizeResidentId(r.idNumber);
      if (!idNumber) errors.push({ field: `reports.${i}.idNumber`, rule: 'invalid', message: 'not a valid GB 11643 ID number' });
      const uscc = normalizeSocialCreditCode(r.employerUscc);
      if (!uscc) errors.push({ field: `reports.${i}.employerUscc`, rule: 'invalid', message: 'not a valid unified social credit code' });
      const month = { ...r, city: this.config.cityCode, employerUscc: uscc ?? r.employerUscc, refunded: false };
      for (const e of contributionProblems(month, currentMonth))
        errors.push({ field: `reports.${i}.${e.field}`, rule: 'invalid', message: e.message });
      return { ...month, idNumber: idNumber ?? '' };
    });
    if (errors.length)
      throw socialInsuranceError('SI_INVALID_REPORT', { detail: `${errors.length} problem(s) in the report`, fieldErrors: errors });
    const foreign = rows.findIndex((r) => r.employerUscc !== p.issuingBody);
    if (foreign >= 0)
      throw socialInsuranceError('SI_EMPLOYER_NOT_BOUND', {
        detail: 'an employer reports only for itself',
        fieldErrors: [{ field: `reports.${foreign}.employerUscc`, rule: 'invalid', message: 'is not the code this API key is bound to' }],
      });
    return this.dataSource.transaction(async (em) => {
      let inserted = 0;
      let replaced = 0;
      for (const [i, r] of rows.entries()) {
        const person = await this.repo.ensurePerson(em, r.idNumber, r.name);
        const outcome = await this.repo.upsertMonth(em, person.id, r, actorOf(p), now);
        if (outcome === 'conflict')
          throw socialInsuranceError('SI_MONTH_ALREADY_REPORTED', {
            detail: `${r.scheme} ${r.month} is already reported by another employer (or refunded)`,
            fieldErrors: [{ field: `reports.${i}.month`, rule: 'invalid', message: 'already reported by another employer' }],
          });
        if (outcome === 'inserted') inserted++;
        else replaced++;
      }
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.contributions.report',
          resource: `employer:${p.issuingBody}`,
          outcome: 'success',
          detail: { months: rows.length, inserted, replaced },
        },
        em,
      );
      return { accepted: rows.length, inserted, replaced };
    });
  }
}
