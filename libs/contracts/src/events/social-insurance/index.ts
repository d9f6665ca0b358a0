import type { EventContract } from '../../event-type.js';
import { RecordRequestedV1, RecordReturnedV1 } from './record.events.js';
import { DuplicateRefundedV1, DuplicateRefundRequestedV1 } from './refund.events.js';
import { BenefitStopNotifiedV1, EligibilityConfirmedV1 } from './retiree.events.js';
import { CrossCheckAnsweredV1, CrossCheckRequestedV1, InvestigationClosedV1 } from './cross-check.events.js';
import { MedicalTransferContinuedV1, MedicalTransferReleasedV1, MedicalTransferRequestedV1 } from './medical-transfer.events.js';
import { TRANSFER_EVENT_CONTRACTS } from './transfer.events.js';

export * from './social-insurance-common.schema.js';
export * from './record.events.js';
export * from './transfer.events.js';
export * from './refund.events.js';
export * from './retiree.events.js';
export * from './cross-check.events.js';
export * from './medical-transfer.events.js';

export const SOCIAL_INSURANCE_EVENT_CONTRACTS: readonly EventContract<any>[] = [
  RecordRequestedV1,
  RecordReturnedV1,
  ...TRANSFER_EVENT_CONTRACTS,
  DuplicateRefundRequestedV1,
  DuplicateRefundedV1,
  EligibilityConfirmedV1,
  BenefitStopNotifiedV1,
  CrossCheckRequestedV1,
  CrossCheckAnsweredV1,
  InvestigationClosedV1,
  MedicalTransferRequestedV1,
  MedicalTransferReleasedV1,
  MedicalTransferContinuedV1,
];
