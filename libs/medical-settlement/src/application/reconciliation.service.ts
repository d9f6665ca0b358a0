import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { actorOf, AuditService, type PartnerPrincipal } from '@guangfo/platform';
import {
  compareDetails,
  compareTotals,
  type DayEntry,
  type DayTotals,
  dayTotals,
  type DetailMismatch,
  type TotalsMismatch,
} from '../domain/reconciliation.js';
import { ClearingRepository } from '../infrastructure/clearing.repository.js';
import { SettlementService } from './settlement.service.js';

export interface ReconciliationView {
  id: string;
  infno: '3201' | '3202';
  day: string;
  matched: boolean;
  agency: DayTotals;
  totalsMismatches: TotalsMismatch[];
  detailMismatches: DetailMismatch[];
}

/** Daily reconciliation hospital ↔ treating agency: 3201 totals, then 3202 details when they differ (domain/reconciliation.ts). */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settlements: SettlementService,
    private readonly repo: ClearingRepository,
    private readonly audit: AuditService,
  ) {}

  async totals(p: PartnerPrincipal, day: string, submitted: DayTotals): Promise<ReconciliationView> {
    const h = await this.settlements.hospital(p);
    return this.dataSource.transaction(async (em) => {
      const agency = dayTotals(await this.repo.dayEntries(em, h.hospital_code, day));
      const totalsMismatches = compareTotals(submitted, agency);
      const view: ReconciliationView = {
        id: randomUUID(),
        infno: '3201',
        day,
        matched: totalsMismatches.length === 0,
        agency,
        totalsMismatches,
        detailMismatches: [],
      };
      await this.repo.saveReconciliation(em, {
        id: view.id,
        hospitalCode: h.hospital_code,
        day,
        infno: '3201',
        matched: view.matched,
        submitted,
        result: view,
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.reconcile.totals',
          resource: `medical-reconciliation:${view.id}`,
          outcome: 'success',
          detail: { day, matched: view.matched },
        },
        em,
      );
      return view;
    });
  }

  async details(p: PartnerPrincipal, day: string, submitted: DayEntry[]): Promise<ReconciliationView> {
    const h = await this.settlements.hospital(p);
    return this.dataSource.transaction(async (em) => {
      const entries = await this.repo.dayEntries(em, h.hospital_code, day);
      const agency = dayTotals(entries);
      const totalsMismatches = compareTotals(dayTotals(submitted), agency);
      const detailMismatches = compareDetails(submitted, entries);
      const view: ReconciliationView = {
        id: randomUUID(),
        infno: '3202',
        day,
        matched: totalsMismatches.length === 0 && detailMismatches.length === 0,
        agency,
        totalsMismatches,
        detailMismatches,
      };
      await this.repo.saveReconciliation(em, {
        id: view.id,
        hospitalCode: h.hospital_code,
        day,
        infno: '3202',
        matched: view.matched,
        submitted: { lines: submitted.length },
        result: view,
      });
      await this.audit.record(
        {
          actor: actorOf(p),
          action: 'medical.reconcile.details',
          resource: `medical-reconciliation:${view.id}`,
          outcome: 'success',
          detail: { day, matched: view.matched, mismatches: detailMismatches.length },
        },
        em,
      );
      return view;
    });
  }
}
