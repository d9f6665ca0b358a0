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

/** 社保 on the embedded transport: Guangzhou, Foshan and the out-of-province fixture city 长沙, in this process. */
describe('social insurance across cities (embedded transport)', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    // The cross-check schedule is looked at every 200 ms here (a minute by default).
    process.env.SOCIAL_INSURANCE_CROSS_CHECK_POLL_MS = '200';
    cluster = await startEmbeddedCluster([GZ, FS, CS], { seedsDir: OUT_OF_PROVINCE_SEEDS });
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
    delete process.env.SOCIAL_INSURANCE_CROSS_CHECK_POLL_MS;
  });

  it(
    'Guangzhou then Foshan: one combined record, the claim in Foshan aggregated without a transfer',
    () => inProvinceRetirement(cluster),
    60_000,
  );
  it('a month paid in both cities is refunded once, in fen', () => duplicateMonthRefundedOnce(cluster), 60_000);
  it('Guangzhou → 长沙: three steps, working-day deadlines, the hand-computed amounts', () => crossProvinceTransfer(cluster), 60_000);
  it(
    'a month paid in Guangzhou and in 长沙 is found at transfer and refunded by Guangzhou',
    () => duplicateFoundAtTransfer(cluster),
    60_000,
  );
  it(
    'a retiree in Foshan misses the 12-month check, is suspended, confirms and is paid back',
    () => retireeSuspendedAndPaidBack(cluster),
    60_000,
  );
  it('a death notice stops payment from the next month and recovers the overpayment', () => deathNoticeStopsAndRecovers(cluster), 60_000);
  it(
    'finds a cross-check hit on keyed hashes while no raw ID number crosses; closing the investigation shows in both cities',
    () => crossCheckHitWithoutRawIds(cluster),
    60_000,
  );
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
  // Embedded only: the schedule's poll interval is set in this process.
  it('runs the cross-checks on a schedule too: one per peer when due, then the next one an interval later', async () => {
    const due = await cluster.query<{ other_city: string }>(
      GZ,
      `SELECT other_city FROM social_insurance.cross_check_schedule ORDER BY other_city`,
    );
    expect(due.map((d) => d.other_city)).toEqual([CS, FS]);
    await cluster.query(
      GZ,
      `UPDATE social_insurance.cross_check_schedule SET next_run_at = now() - interval '1 second' WHERE other_city = $1`,
      [FS],
    );
    const check = await waitFor('a scheduled cross-check answered', async () => {
      const [row] = await cluster.query<{ id: string; state: string; requested_by: string }>(
        GZ,
        `SELECT id, state, requested_by FROM social_insurance.cross_check WHERE trigger = 'schedule' AND other_city = $1`,
        [FS],
      );
      return row?.state === 'answered' ? row : undefined;
    });
    expect(check.requested_by).toBe('system');
    const [next] = await cluster.query<{ later: boolean; last_check: string }>(
      GZ,
      `SELECT next_run_at > now() + interval '23 hours' AS later, last_check FROM social_insurance.cross_check_schedule WHERE other_city = $1`,
      [FS],
    );
    expect(next).toEqual({ later: true, last_check: check.id });
  }, 60_000);
  it(
    'lists claims, retirees, investigations, work-injury cases and medical transfers in cursor pages, masked; a resident sees only their own',
    () => listsPagedMaskedAndOwn(cluster),
    60_000,
  );
  it('answers bad input with problem+json and a stable code', () => badInputIsProblemJson(cluster), 60_000);
});
