import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { type Domain, WORKING_DAY_CALENDAR, type WorkingDayCalendar } from '@guangfo/catalogue';
import { AFFAIRS_CALENDAR, AFFAIRS_OPTIONS } from './application/affairs.tokens.js';
import { ApplicantIdSeal } from './infrastructure/applicant-id.seal.js';
import { CaseController } from './http/case.controller.js';
import { CaseDeadlines } from './application/case-deadlines.service.js';
import { CaseFilingService } from './application/case-filing.service.js';
import { CaseLedger } from './application/case-ledger.service.js';
import { CaseQueryService } from './application/case-query.service.js';
import { MaterialEvidenceService } from './application/material-evidence.service.js';
import { CaseReplicationHandler } from './application/case-replication.handler.js';
import { CaseRepository } from './infrastructure/case.repository.js';
import { CaseWorkflowService } from './application/case-workflow.service.js';
import { RemediationController } from './http/remediation.controller.js';
import { RemediationService } from './application/remediation.service.js';
import { DeadlineRecomputeService } from './application/deadline-recompute.service.js';
import { CalendarAdminController } from './http/calendar-admin.controller.js';
import { CalendarAdminService } from './application/calendar-admin.service.js';

export interface AffairsModuleOptions {
  /** Working-day calendar. Default: the catalogue's (WORKING_DAY_CALENDAR), so a loaded year reaches both. */
  calendar?: WorkingDayCalendar;
  /** Catalogue domains filed as cases. Default: affairs and other. */
  itemDomains?: Domain[];
  /** Mount the HTTP controllers (default true). */
  http?: boolean;
  /** The modules whose exports this one injects: the catalogue's (CatalogueService, WORKING_DAY_CALENDAR) and the credentials' (CredentialVerifier). */
  imports?: ModuleMetadata['imports'];
}

/**
 * 跨城通办: cases filed in one city and handled in the other. Needs the platform (global; its `Clock` is the time source), the
 * catalogue and the credentials modules (`imports`). Schema `affairs`, migrations AffairsInit1764547200000 and AffairsFollowUp1796169600000 (追评).
 */
@Module({})
export class AffairsModule {
  static forRoot(options: AffairsModuleOptions = {}): DynamicModule {
    return {
      module: AffairsModule,
      imports: options.imports ?? [],
      controllers: options.http === false ? [] : [CaseController, RemediationController, CalendarAdminController],
      providers: [
        {
          provide: AFFAIRS_CALENDAR,
          inject: [WORKING_DAY_CALENDAR],
          useFactory: (catalogues: WorkingDayCalendar) => options.calendar ?? catalogues,
        },
        ApplicantIdSeal,
        { provide: AFFAIRS_OPTIONS, useValue: { itemDomains: options.itemDomains ?? ['affairs', 'other'] } },
        CaseRepository,
        CaseDeadlines,
        CaseLedger,
        CaseQueryService,
        CaseFilingService,
        CaseWorkflowService,
        RemediationService,
        CaseReplicationHandler,
        MaterialEvidenceService,
        DeadlineRecomputeService,
        CalendarAdminService,
      ],
      exports: [CaseQueryService],
    };
  }
}
