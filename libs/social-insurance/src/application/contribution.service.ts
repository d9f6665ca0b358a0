import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock, normalizeResidentId, normalizeSocialCreditCode, toShanghaiDate } from '@guangfo/kernel';
import {
  actorOf,
  AuditService,
  type FieldError,
  NODE_CONFIG,
  type NodeConfig,
  type PartnerPrincipal,
  queryRow,
  type UserPrincipal,
} from '@guangfo/platform';
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

/** Employers (partner systems, each API key bound by the city's admin to the employer's 统一社会信用代码) report each month's contributions of their staff. */
@Injectable()
export class ContributionService {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly repo: SocialInsuranceRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private async employerOf(em: EntityManager, partnerId: string): Promise<string | undefined> {
    return (
      await queryRow<{ employer_uscc: string }>(em, `SELECT employer_uscc FROM social_insurance.employer_binding WHERE partner_id = $1`, [
        partnerId,
      ])
    )?.employer_uscc;
  }

  /** The city's admin binds an employer's partner API key (of this city) to its 统一社会信用代码. */
  async bind(
    p: UserPrincipal,
    cmd: { partnerId: string; employerUscc: string; name: string },
  ): Promise<{ partnerId: string; employerUscc: string; name: string }> {
    const uscc = normalizeSocialCreditCode(cmd.employerUscc);
    if (!uscc)
      throw socialInsuranceError('SI_INVALID_QUERY', {
        fieldErrors: [{ field: 'employerUscc', rule: 'invalid', message: 'not a valid unified social credit code' }],
      });
    return this.dataSource.transaction(async (em) => {
      const key = await queryRow<{ id: string }>(em, `SELECT id FROM platform.api_key WHERE id = $1 AND city_code = $2`, [
        cmd.partnerId,
        this.config.cityCode,
      ]);
      if (!key)
        throw socialInsuranceError('SI_INVALID_QUERY', {
          fieldErrors: [{ field: 'partnerId', rule: 'invalid', message: 'no partner API key of this city' }],
        });
      await this.bindIn(em, cmd.partnerId, uscc, cmd.name, actorOf(p));
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'social-insurance.employer.bind',
          resource: `partner:${cmd.partnerId}`,
          outcome: 'success',
          detail: { employerUscc: uscc },
        },
        em,
      );
      return { partnerId: cmd.partnerId, employerUscc: uscc, name: cmd.name };
    });
  }

  async bindIn(em: EntityManager, partnerId: string, uscc: string, name: string, by: string): Promise<void> {
    await em.query(
      `INSERT INTO social_insurance.employer_binding (partner_id, employer_uscc, name, bound_by, bound_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (partner_id) DO UPDATE SET employer_uscc = EXCLUDED.employer_uscc, name = EXCLUDED.name, bound_by = EXCLUDED.bound_by, bound_at = EXCLUDED.bound_at`,
      [partnerId, uscc, name, by, this.clock.now()],
    );
  }

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
    return this.dataSource.transaction(async (em) => {
      const employer = await this.employerOf(em, p.id);
      const foreign = rows.findIndex((r) => r.employerUscc !== employer);
      if (foreign >= 0)
        throw socialInsuranceError('SI_EMPLOYER_NOT_BOUND', {
          detail: employer
            ? 'an employer reports only for itself'
            : 'this API key is bound to no employer (POST /social-insurance/employers)',
          fieldErrors: [
            { field: `reports.${foreign}.employerUscc`, rule: 'invalid', message: 'is not the employer this API key is bound to' },
          ],
        });
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
          resource: `employer:${employer}`,
          outcome: 'success',
          detail: { months: rows.length, inserted, replaced },
        },
        em,
      );
      return { accepted: rows.length, inserted, replaced };
    });
  }
}
