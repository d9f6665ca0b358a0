import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { waitFor } from '../support/cluster.js';
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
  medicalTransferWithGap,
  OUT_OF_PROVINCE_SEEDS,
  retireeSuspendedAndPaidBack,
  workInjuryRecognisedAcross,
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
  // Embedded only: the sandbox's demo histories (seeds/fixtures/out-of-province/demo/social-insurance.yaml), as the README walks through them.
  it("loads the sandbox's demo histories: 李小红's record from both cities, one duplicate month", async () => {
    const me = { authorization: `Bearer ${await cluster.token(FS, 'resident')}` };
    const asked = await request(cluster.baseUrl(FS))
      .post('/api/v1/social-insurance/record-requests')
      .set(me)
      .send({ consent: true })
      .expect(202);
    const record = await waitFor('the demo record', async () => {
      const r = await request(cluster.baseUrl(FS)).get(`/api/v1/social-insurance/record-requests/${asked.body.id}`).set(me).expect(200);
      return r.body.complete ? r.body : undefined;
    });
    expect(record.monthsByScheme).toEqual({ 'employee-pension': 202, 'employee-medical': 119 });
    expect(record.duplicates).toEqual([{ month: '2016-12', cities: [GZ, FS], keptCity: FS }]);
  }, 60_000);
  it(
    "工伤认定 in the employer's city, issued as a credential the other city accepts; a 社保卡 verifies there",
    () => workInjuryRecognisedAcross(cluster),
    60000,
  );
  it(
    '医保 transfer: released within 10 working days, continued within 5, a 2-month gap paid up',
    () => medicalTransferWithGap(cluster),
    60000,
  );
  it('answers bad input with problem+json and a stable code', () => badInputIsProblemJson(cluster), 60_000);
});
