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
import { detailResultFile } from './detail-file.js';
import { HospitalFileService } from './hospital-file.service.js';
import { SettlementService } from './settlement.service.js';

export interface ReconciliationView {
  id: string;
  infno: '3201' | '3202';
  day: string;
  matched: boolean;
  agency: DayTotals;
  totalsMismatches: TotalsMismatch[];
  detailMismatches: DetailMismatch[];
  /** 3202: the detail file named by its 9101 file id (null when the file came inline, and for 3201). */
  detailFileId: string | null;
  /** 3202: the agency's result file, to download with 9102 (null for 3201). */
  resultFileId: string | null;
}

/** Daily reconciliation hospital ↔ treating agency: 3201 totals, then 3202 details when they differ (domain/reconciliation.ts). */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settlements: SettlementService,
    private readonly repo: ClearingRepository,
    private readonly audit: AuditService,
    private readonly files: HospitalFileService,
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
        detailFileId: null,
        resultFileId: null,
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

  /** 3202: the hospital's detail lines (inline, or read from its 9101 upload `detailFileId`); the result is also written as a file (9102). */
  async details(p: PartnerPrincipal, day: string, source: { entries: DayEntry[] } | { fileId: string }): Promise<ReconciliationView> {
    const h = await this.settlements.hospital(p);
    const submitted = 'fileId' in source ? await this.files.detailEntries(p, source.fileId) : source.entries;
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
        detailFileId: 'fileId' in source ? source.fileId : null,
        resultFileId: null,
      };
      await this.repo.saveReconciliation(em, {
        id: view.id,
        hospitalCode: h.hospital_code,
        day,
        infno: '3202',
        matched: view.matched,
        submitted: { lines: submitted.length, fileId: view.detailFileId },
        result: view,
      });
      view.resultFileId = await this.files.storeResult(em, h.hospital_code, view.id, day, detailResultFile(submitted, entries));
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
