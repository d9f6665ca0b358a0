// @guangfo/medical-settlement — 异地就医直接结算: 备案, real-time settlement, allowances under the annual cap, reconciliation
// and inter-city clearing. The library's only barrel.
export * from './domain/filing.js';
export * from './domain/policy.js';
export * from './domain/settlement-calculator.js';
export * from './domain/allowance.js';
export * from './domain/clearing.js';
