import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { type KafkaCluster, startKafkaCluster } from '../support/kafka-cluster.js';
import {
  badInputIsProblemJson,
  CS,
  crossCheckHitWithoutRawIds,
  crossProvinceTransfer,
  deathNoticeStopsAndRecovers,
  duplicateFoundAtTransfer,
  duplicateMonthRefundedOnce,
  FS,
  GZ,
  inProvinceRetirement,
  listsPagedMaskedAndOwn,
  medicalTransferWithGap,
  OUT_OF_PROVINCE_SEEDS,
  retireeSuspendedAndPaidBack,
  workInjuryRecognisedAcross,
} from '../support/social-insurance.scenarios.js';

/** The same 社保 scenarios over a real Kafka broker and real PostgreSQL, each node a separate process (three cities). */
describe('social insurance across cities over real Kafka and PostgreSQL (separate node processes)', () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    cluster = await startKafkaCluster([GZ, FS, CS], { registryFile: `${OUT_OF_PROVINCE_SEEDS}/cities.yaml` });
  }, 240_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it(
    'Guangzhou then Foshan: one combined record, the claim in Foshan aggregated without a transfer',
    () => inProvinceRetirement(cluster),
    120_000,
  );
  it('a month paid in both cities is refunded once, in fen', () => duplicateMonthRefundedOnce(cluster), 120_000);
  it('Guangzhou → 长沙: three steps, working-day deadlines, the hand-computed amounts', () => crossProvinceTransfer(cluster), 120_000);
  it(
    'a month paid in Guangzhou and in 长沙 is found at transfer and refunded by Guangzhou',
    () => duplicateFoundAtTransfer(cluster),
    120_000,
  );
  it(
    'a retiree in Foshan misses the 12-month check, is suspended, confirms and is paid back',
    () => retireeSuspendedAndPaidBack(cluster),
    120_000,
  );
  it('a death notice stops payment from the next month and recovers the overpayment', () => deathNoticeStopsAndRecovers(cluster), 120_000);
  it(
    'finds a cross-check hit on keyed hashes while no raw ID number crosses; closing the investigation shows in both cities',
    () => crossCheckHitWithoutRawIds(cluster),
    120_000,
  );
  it(
    "工伤认定 in the employer's city, issued as a credential the other city accepts; a 社保卡 verifies there",
    () => workInjuryRecognisedAcross(cluster),
    120000,
  );
  it(
    '医保 transfer: released within 10 working days, continued within 5, a 2-month gap paid up',
    () => medicalTransferWithGap(cluster),
    120000,
  );
  it(
    'lists claims, retirees, investigations, work-injury cases and medical transfers in cursor pages, masked; a resident sees only their own',
    () => listsPagedMaskedAndOwn(cluster),
    120_000,
  );
  it('answers bad input with problem+json and a stable code', () => badInputIsProblemJson(cluster), 120_000);
});
