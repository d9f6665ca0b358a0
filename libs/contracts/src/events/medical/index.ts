import type { EventContract } from '../../event-type.js';
import {
  MedicalAllowanceGrantedV1,
  MedicalAllowanceRequestedV1,
  MedicalAllowanceReturnedV1,
  MedicalCataloguePublishedV1,
  MedicalFilingCancelledV1,
  MedicalFilingRecordedV1,
  MedicalPolicyPublishedV1,
  MedicalSettlementRecordedV1,
  MedicalSettlementReversedV1,
  MedicalStatementConfirmedV1,
  MedicalStatementChunkV1,
  MedicalStatementIssuedV2,
  MedicalStatementItemAnsweredV1,
  MedicalStatementItemContestedV1,
} from './medical.events.js';
import { MedicalHealthSummaryAnsweredV1, MedicalHealthSummaryRequestedV1 } from './medical-health.events.js';
import {
  MedicalBookingAnsweredV1,
  MedicalBookingCancelledV1,
  MedicalBookingRequestedV1,
  MedicalSlotOfferedV1,
  MedicalSlotWithdrawnV1,
} from './medical-booking.events.js';

export * from './medical-common.schema.js';
export * from './medical.events.js';
export * from './medical-health.events.js';
export * from './medical-booking.events.js';

/** The event contracts of 异地就医直接结算 (listed in EVENT_CONTRACTS). */
export const MEDICAL_EVENT_CONTRACTS: readonly EventContract<any>[] = [
  MedicalPolicyPublishedV1,
  MedicalCataloguePublishedV1,
  MedicalFilingRecordedV1,
  MedicalFilingCancelledV1,
  MedicalAllowanceGrantedV1,
  MedicalAllowanceRequestedV1,
  MedicalAllowanceReturnedV1,
  MedicalSettlementRecordedV1,
  MedicalSettlementReversedV1,
  MedicalStatementIssuedV2,
  MedicalStatementChunkV1,
  MedicalStatementItemContestedV1,
  MedicalStatementItemAnsweredV1,
  MedicalStatementConfirmedV1,
  MedicalHealthSummaryRequestedV1,
  MedicalHealthSummaryAnsweredV1,
  MedicalBookingRequestedV1,
  MedicalBookingAnsweredV1,
  MedicalBookingCancelledV1,
  MedicalSlotOfferedV1,
  MedicalSlotWithdrawnV1,
];
