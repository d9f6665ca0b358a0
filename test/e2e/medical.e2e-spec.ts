import { afterAll, beforeAll, describe, it } from '@jest/globals';
import {
  capsHoldUnderConcurrency,
  dailyReconciliation,
  medicalBadInput,
  monthlyClearing,
  residentRegistersAndCancels,
  retireeSettlesInFoshan,
  testResultRecognised,
} from '../support/medical.scenarios.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

/** 异地就医直接结算 on the embedded transport (the same scenarios as the Kafka integration suite). */
describe('medical settlement across cities (embedded transport)', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('a Guangzhou-insured retiree resettled in Foshan: 备案, outpatient (REST), inpatient (national envelope), one reversal, daily reconciliation, monthly clearing with one contested item, confirmed; both books balance', async () => {
    const walk = await retireeSettlesInFoshan(cluster);
    await dailyReconciliation(cluster, walk);
    await monthlyClearing(cluster, walk);
  });
  it('caps hold when settlements of one person race: allowance, cash with the reason, top-up, never beyond the annual cap', () =>
    capsHoldUnderConcurrency(cluster));
  it('a resident registers themself, reads it masked, cancels it; Foshan then finds no 备案 for the visit', () =>
    residentRegistersAndCancels(cluster));
  it('bad input is problem+json with a stable code', () => medicalBadInput(cluster));
  it("检查检验结果互认: a Guangzhou lab's test report credential is recognised at a Foshan visit; someone else's is not", () =>
    testResultRecognised(cluster));
});
