import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { AFFAIRS_DOMAIN, CaseLedger } from './case-ledger.service.js';
import { CaseRepository } from '../infrastructure/case.repository.js';
import { CaseDeadlines } from './case-deadlines.service.js';
import { holderOf, recordDeadlineRecomputed } from '../domain/case.aggregate.js';
import { RemediationService } from './remediation.service.js';

export interface DeadlineRecomputeResult {
  /** Cases held here whose due date moved (each got a `deadline-recomputed` entry). */
  cases: { caseId: string; previousDueDate: string | null; dueDate: string | null }[];
  /** Open remediations whose due date moved. */
  remediations: number;
}

/**
 * When the calendar changes (a State Council notice loaded through the admin endpoint, or a new
 * `seeds/calendar/<year>.yaml` found at start-up), every open case this city holds is recounted:
 * where the due date it stored differs from the one the calendar now gives, the holder appends a
 * `deadline-recomputed` entry (sent to the other city like any entry) saying from what to what and
 * why. Open 差评 remediations get their due date recounted too (audited). Cases held by the other
 * city are recounted there when it loads the same notice.
 */
@Injectable()
export class DeadlineRecomputeService implements OnApplicationBootstrap {
  private readonly logger = new Logger(DeadlineRecomputeService.name);

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly dataSource: DataSource,
    private readonly repo: CaseRepository,
    private readonly ledger: CaseLedger,
    private readonly deadlines: CaseDeadlines,
    private readonly remediations: RemediationService,
    private readonly audit: AuditService,
  ) {}

  /** After a restart with a new year file, stored due dates counted on the old calendar are recounted. */
  async onApplicationBootstrap(): Promise<void> {
    const result = await this.recompute(`calendar ${this.deadlines.calendar.identity().version} at start-up: due dates recounted`);
    if (result.cases.length || result.remediations)
      this.logger.log({ cases: result.cases.length, remediations: result.remediations }, 'deadlines recomputed on the calendar');
  }

  async recompute(reason: string): Promise<DeadlineRecomputeResult> {
    const ids = (await this.dataSource.query(`SELECT id FROM affairs.case WHERE holder_city = $1 ORDER BY id`, [this.config.cityCode])) as {
      id: string;
    }[];
    const cases: DeadlineRecomputeResult['cases'] = [];
    for (const { id } of ids) {
      const moved = await this.dataSource.transaction(async (em) => {
        const row = await this.repo.find(em, id, true);
        if (!row || holderOf(row.aggregate) !== this.config.cityCode) return null;
        const points = (await this.repo.points(em, [id])).get(id) ?? [];
        const last = points[points.length - 1];
        if (!last) return null;
        // The stored due date was counted as of the last entry: recount it the same way, on today's calendar.
        if (this.deadlines.of(row.aggregate, points, last.at).dueDate === row.due_date) return null;
        const at = this.deadlines.clock.now().toISOString();
        const now = this.deadlines.of(row.aggregate, points, at);
        const entry = recordDeadlineRecomputed(
          row.aggregate,
          {
            previousDueDate: row.due_date,
            dueDate: now.dueDate,
            calendar: this.deadlines.calendar.identity(),
            provisionalYears: now.provisionalYears,
            reason,
          },
          { actor: { role: 'system', id: AFFAIRS_DOMAIN, city: this.config.cityCode }, authorCity: this.config.cityCode, at },
        );
        await this.ledger.append(em, row.aggregate, entry);
        await this.audit.record(
          {
            actor: 'system',
            action: 'case.deadline-recomputed',
            resource: `case:${id}`,
            outcome: 'success',
            detail: { seq: entry.seq, previousDueDate: row.due_date, dueDate: now.dueDate },
          },
          em,
        );
        return { caseId: id, previousDueDate: row.due_date, dueDate: now.dueDate };
      });
      if (moved) cases.push(moved);
    }
    return { cases, remediations: await this.remediations.recomputeDueDates() };
  }
}
