// @guangfo/medical-settlement — 异地就医直接结算: 备案, real-time settlement, allowances under the annual cap, reconciliation
// and inter-city clearing. The library's only barrel.
export * from './domain/filing.js';
export * from './domain/policy.js';
export * from './domain/settlement-calculator.js';
export * from './domain/allowance.js';
export * from './domain/clearing.js';
export * from './domain/statement-chunks.js';
export * from './domain/reconciliation.js';
export * from './medical.errors.js';
export * from './medical-settlement.module.js';
export { fenToYuan, yuanToFen, SUPPORTED_INFNO } from './application/national-envelope.service.js';
export { MSGID_PATTERN } from './application/settlement.service.js';
export { YearAheadGrantsService, type YearAheadSweep } from './application/year-ahead-grants.service.js';
export { type AllowanceReturnSweep, AllowanceReturnService } from './application/allowance-return.service.js';
export { ClearingRepository } from './infrastructure/clearing.repository.js';
export { StatementInbound, type StatementPieceOutcome } from './application/statement-inbound.js';
export { DEFAULT_STATEMENT_CHUNK_ITEMS, statementChunkItems } from './application/medical.tokens.js';
export { MedicalInit1796601600010 } from './infrastructure/migrations/1796601600010-medical-init.migration.js';
export { MedicalVersionsLists1797120000000 } from './infrastructure/migrations/1797120000000-medical-versions-lists.migration.js';
export { MedicalHealthConsent1797120000001 } from './infrastructure/migrations/1797120000001-medical-health-consent.migration.js';
export { MedicalBooking1797120000002 } from './infrastructure/migrations/1797120000002-medical-booking.migration.js';
export { MedicalClearingApplication1797206400001 } from './infrastructure/migrations/1797206400001-medical-clearing-application.migration.js';
export { MedicalBookingCancel1797206400002 } from './infrastructure/migrations/1797206400002-medical-booking-cancel.migration.js';
export { MedicalYearAheadGrants1797379200000 } from './infrastructure/migrations/1797379200000-medical-year-ahead-grants.migration.js';
export { MedicalSlotOffers1797379200001 } from './infrastructure/migrations/1797379200001-medical-slot-offers.migration.js';
export { MedicalStatementChunks1797379200002 } from './infrastructure/migrations/1797379200002-medical-statement-chunks.migration.js';
export { MedicalAllowanceReturns1797465600000 } from './infrastructure/migrations/1797465600000-medical-allowance-returns.migration.js';
export { MedicalSlotWithdrawal1797552000000 } from './infrastructure/migrations/1797552000000-medical-slot-withdrawal.migration.js';
