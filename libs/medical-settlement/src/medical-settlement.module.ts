import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { FilingReplicaHandler } from './application/filing-replica.handler.js';
import { AllowanceGrants } from './application/allowance-grants.js';
import { FilingService } from './application/filing.service.js';
import { YearAheadGrantsService } from './application/year-ahead-grants.service.js';
import { AllowanceReturnService } from './application/allowance-return.service.js';
import { MEDICAL_SEED_DIR, MEDICAL_STATEMENT_CHUNK_ITEMS, statementChunkItems } from './application/medical.tokens.js';
import { StatementInbound } from './application/statement-inbound.js';
import { NationalEnvelopeService } from './application/national-envelope.service.js';
import { ReferenceDataService } from './application/reference-data.service.js';
import { SettlementService } from './application/settlement.service.js';
import { TestResultService } from './application/test-result.service.js';
import { ClearingService } from './application/clearing.service.js';
import { ReconciliationService } from './application/reconciliation.service.js';
import { ClearingController } from './http/clearing.controller.js';
import { FilingController } from './http/filing.controller.js';
import { HealthRecordController } from './http/health-record.controller.js';
import { BookingController } from './http/booking.controller.js';
import { SlotController } from './http/slot.controller.js';
import { SlotService } from './application/slot.service.js';
import { SlotRepository } from './infrastructure/slot.repository.js';
import { ClearingApplicationController } from './http/clearing-application.controller.js';
import { HospitalFileController } from './http/hospital-file.controller.js';
import { ClearingApplicationService } from './application/clearing-application.service.js';
import { CumulativeService } from './application/cumulative.service.js';
import { HospitalFileService } from './application/hospital-file.service.js';
import { ClearingApplicationRepository } from './infrastructure/clearing-application.repository.js';
import { CumulativeRepository } from './infrastructure/cumulative.repository.js';
import { BookingService } from './application/booking.service.js';
import { HealthRecordService } from './application/health-record.service.js';
import { HealthRecordRepository } from './infrastructure/health-record.repository.js';
import { ClearingRepository } from './infrastructure/clearing.repository.js';
import { HospitalController } from './http/hospital.controller.js';
import { medicalSeedDir } from './infrastructure/medical-seeds.js';
import { MedicalRepository } from './infrastructure/medical.repository.js';
import { PersonSeal } from './infrastructure/person.seal.js';

export interface MedicalSettlementModuleOptions {
  /** Seed directory (policies/<city>.yaml, catalogues/<city>.yaml, hospitals.yaml); default MEDICAL_SEED_DIR or seeds/medical. */
  seedDir?: string;
  /** Items per statement-chunk event this city sends as a treating city; default MEDICAL_STATEMENT_CHUNK_ITEMS or 2 000. */
  statementChunkItems?: number;
  /** Mount the HTTP controllers (default true). */
  http?: boolean;
  /** The platform, messaging, files (FileStore: 9101 / 9102) and credentials modules (the credentials' CredentialVerifier recognises test reports). */
  imports?: ModuleMetadata['imports'];
}

/**
 * 异地就医直接结算 (docs/medical-settlement.md). Schema `medical`, migrations MedicalInit1796601600010,
 * MedicalVersionsLists1797120000000, MedicalHealthConsent1797120000001, MedicalBooking1797120000002,
 * MedicalClearingApplication1797206400001, MedicalBookingCancel1797206400002, MedicalYearAheadGrants1797379200000, MedicalSlotOffers1797379200001,
 * MedicalStatementChunks1797379200002, MedicalAllowanceReturns1797465600000, MedicalSlotWithdrawal1797552000000. Needs the platform (Clock, Sealer, audit, config), messaging (outbox, @HandlesEvent),
 * files (FileStore) and credentials (CredentialVerifier) modules.
 */
@Module({})
export class MedicalSettlementModule {
  static forRoot(options: MedicalSettlementModuleOptions = {}): DynamicModule {
    return {
      module: MedicalSettlementModule,
      imports: options.imports ?? [],
      controllers:
        options.http === false
          ? []
          : [
              FilingController,
              HospitalController,
              ClearingController,
              ClearingApplicationController,
              HospitalFileController,
              HealthRecordController,
              BookingController,
              SlotController,
            ],
      providers: [
        { provide: MEDICAL_SEED_DIR, useValue: options.seedDir ?? medicalSeedDir() },
        {
          provide: MEDICAL_STATEMENT_CHUNK_ITEMS,
          useValue:
            options.statementChunkItems === undefined
              ? statementChunkItems()
              : statementChunkItems({ MEDICAL_STATEMENT_CHUNK_ITEMS: String(options.statementChunkItems) }),
        },
        MedicalRepository,
        PersonSeal,
        ReferenceDataService,
        AllowanceGrants,
        FilingService,
        YearAheadGrantsService,
        AllowanceReturnService,
        FilingReplicaHandler,
        SettlementService,
        NationalEnvelopeService,
        ClearingRepository,
        StatementInbound,
        ClearingService,
        ReconciliationService,
        TestResultService,
        HealthRecordRepository,
        HealthRecordService,
        BookingService,
        SlotRepository,
        SlotService,
        ClearingApplicationRepository,
        ClearingApplicationService,
        HospitalFileService,
        CumulativeRepository,
        CumulativeService,
      ],
      exports: [SettlementService, YearAheadGrantsService, AllowanceReturnService],
    };
  }
}
