import { type DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { ClaimService } from './application/claim.service.js';
import { ContributionService } from './application/contribution.service.js';
import { CrossCheckService } from './application/cross-check.service.js';
import { DemoHistorySeeder } from './application/demo-histories.seeder.js';
import { WorkInjuryService } from './application/work-injury.service.js';
import { MedicalTransferService } from './application/medical-transfer.service.js';
import { CrossCheckRepository } from './infrastructure/cross-check.repository.js';
import { MatchKeys } from './infrastructure/match-keys.js';
import { RecordExchange } from './application/record-exchange.service.js';
import { RecordService } from './application/record.service.js';
import { RefundHandler } from './application/refund.handler.js';
import { RetireeService } from './application/retiree.service.js';
import { TransferService } from './application/transfer.service.js';
import { SocialInsuranceController } from './http/social-insurance.controller.js';
import { PersonIndex } from './infrastructure/person-index.js';
import { SocialInsuranceRepository } from './infrastructure/social-insurance.repository.js';

export interface SocialInsuranceModuleOptions {
  /** The modules whose exports this one injects: platform, messaging, the catalogue (WORKING_DAY_CALENDAR) and the credentials (CredentialVerifier). */
  imports?: ModuleMetadata['imports'];
  /** Mount the HTTP controller (default true). */
  http?: boolean;
}

/**
 * 社保: contribution records per person and city, the combined record across cities by addressed
 * request/response events, in-province aggregation at claim time, cross-province transfers,
 * duplicate-month refunds, retirees living in the other city. Schema `social_insurance`,
 * migration SocialInsuranceInit1796601600001.
 */
@Module({})
export class SocialInsuranceModule {
  static forRoot(options: SocialInsuranceModuleOptions = {}): DynamicModule {
    return {
      module: SocialInsuranceModule,
      imports: options.imports ?? [],
      controllers: options.http === false ? [] : [SocialInsuranceController],
      providers: [
        PersonIndex,
        SocialInsuranceRepository,
        RecordExchange,
        ContributionService,
        RecordService,
        ClaimService,
        RefundHandler,
        TransferService,
        RetireeService,
        MatchKeys,
        CrossCheckRepository,
        CrossCheckService,
        DemoHistorySeeder,
        WorkInjuryService,
        MedicalTransferService,
      ],
      exports: [DemoHistorySeeder],
    };
  }
}
