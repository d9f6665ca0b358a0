// @guangfo/social-insurance — 社保: contribution records that follow the person across cities. The library's only barrel.
export * from './social-insurance.errors.js';
export * from './domain/money.js';
export * from './domain/months.js';
export * from './domain/contribution.js';
export * from './domain/account-rates.js';
export * from './domain/transfer-calculator.js';
export * from './domain/duplicates.js';
export * from './domain/pension-place.js';
export * from './domain/retiree.js';
export * from './domain/transfer-timeline.js';
export * from './domain/medical-transfer.js';
export * from './social-insurance.module.js';
export { SocialInsuranceInit1796601600000 } from './infrastructure/migrations/1796601600000-social-insurance-init.migration.js';
export { REPORT_SCOPE } from './application/social-insurance.constants.js';
export { SocialInsuranceCrossChecks1796688000000 } from './infrastructure/migrations/1796688000000-social-insurance-cross-checks.migration.js';
export { DEMO_MATCH_KEY, matchHash, parseMatchKeys, type MatchKey } from './infrastructure/match-keys.js';
export { DemoHistorySeeder, type DemoHistoryPeriod } from './application/demo-histories.seeder.js';
export { SocialInsuranceWorkInjury1796774400000 } from './infrastructure/migrations/1796774400000-social-insurance-work-injury.migration.js';
