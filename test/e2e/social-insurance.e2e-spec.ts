import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';
import {
  badInputIsProblemJson,
  CS,
  crossCheckHitWithoutRawIds,
  crossProvinceTransfer,
  deathNoticeStopsAndRecovers,
  duplicateMonthRefundedOnce,
  FS,
  GZ,
  inProvinceRetirement,
  OUT_OF_PROVINCE_SEEDS,
  retireeSuspendedAndPaidBack,
} from '../support/social-insurance.scenarios.js';

/** 社保 on the embedded transport: Guangzhou, Foshan and the out-of-province fixture city 长沙, in this process. */
describe('social insurance across cities (embedded transport)', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster([GZ, FS, CS], { seedsDir: OUT_OF_PROVINCE_SEEDS });
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it(
    'Guangzhou then Foshan: one combined record, the claim in Foshan aggregated without a transfer',
    () => inProvinceRetirement(cluster),
    60_000,
  );
  it('a month paid in both cities is refunded once, in fen', () => duplicateMonthRefundedOnce(cluster), 60_000);
  it('Guangzhou → 长沙: three steps, working-day deadlines, the hand-computed amounts', () => crossProvinceTransfer(cluster), 60_000);
  it(
    'a retiree in Foshan misses the 12-month check, is suspended, confirms and is paid back',
    () => retireeSuspendedAndPaidBack(cluster),
    60_000,
  );
  it('a death notice stops payment from the next month and recovers the overpayment', () => deathNoticeStopsAndRecovers(cluster), 60_000);
  it('finds a cross-check hit on keyed hashes while no raw ID number crosses', () => crossCheckHitWithoutRawIds(cluster), 60_000);
  it('answers bad input with problem+json and a stable code', () => badInputIsProblemJson(cluster), 60_000);
});
