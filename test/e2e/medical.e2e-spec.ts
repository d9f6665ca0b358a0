import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AdjustableClock, Clock } from '@guangfo/kernel';
import { waitFor } from '../support/cluster.js';
import {
  bookingAcrossCities,
  bookingCancelledByPatient,
  capsHoldUnderConcurrency,
  dailyReconciliation,
  healthSummaryByConsent,
  FS,
  GZ,
  hospital,
  registerInGuangzhou,
  retireeId,
  medicalBadInput,
  medicalListsPage,
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

  it('a Guangzhou-insured retiree resettled in Foshan: 备案, outpatient (REST), inpatient (national envelope), one reversal, daily reconciliation, monthly clearing with one contested item (If-Match on each step), confirmed; both books balance; statements, 备案 and a hospital’s settlements paged by cursor', async () => {
    const walk = await retireeSettlesInFoshan(cluster);
    await dailyReconciliation(cluster, walk);
    await monthlyClearing(cluster, walk);
    await medicalListsPage(cluster, walk);
  });
  it('caps hold when settlements of one person race: allowance, cash with the reason, top-up, never beyond the annual cap', () =>
    capsHoldUnderConcurrency(cluster));
  it('a resident registers themself, reads it masked, cancels it; Foshan then finds no 备案 for the visit', () =>
    residentRegistersAndCancels(cluster));
  it('bad input is problem+json with a stable code', () => medicalBadInput(cluster));
  it('电子健康档案: a Foshan hospital receives a Guangzhou resident’s summary only under their consent for it and the purpose; expired or revoked → refused; the access log shows each request', () =>
    healthSummaryByConsent(cluster));
  it(
    '预约挂号互通: two bookings race for the last place (one wins); an unknown slot is refused; with Foshan down a booking times out with the reason, and the late confirmation is recorded, not revived, its place released',
    () => bookingAcrossCities(cluster),
    120_000,
  );
  it('预约挂号: the patient cancels a confirmed booking, Foshan releases the place once and the next booking gets it; refused or started → 409', () =>
    bookingCancelledByPatient(cluster));
  it("检查检验结果互认: a Guangzhou lab's test report credential is recognised at a Foshan visit; someone else's is not", () =>
    testResultRecognised(cluster));

  // Embedded only (it moves the nodes' clocks): a new calendar year starts with no allowance at the treating city.
  it('the first settlement of a new year settles the fund part as cash with the reason and asks Guangzhou, whose grant serves the next one', async () => {
    const clocks = [GZ, FS].map((city) => cluster.sandbox.node(city).get(Clock) as AdjustableClock);
    const idNumber = retireeId();
    const filing = await registerInGuangzhou(cluster, { kind: 'resettled-retiree', idNumber, name: '黄伯' });
    const nextYear = new Date().getUTCFullYear() + 1;
    try {
      clocks.forEach((c) => c.set(`${nextYear}-01-04T02:00:00Z`));
      const h = await hospital(cluster, FS);
      const fs = cluster.baseUrl(FS);
      const settleOne = async () => {
        const v = await request(fs)
          .post('/api/v1/medical/visits')
          .set(h.headers)
          .send({ idNumber, visitType: 'outpatient', msgid: h.msgid() })
          .expect(201);
        await request(fs)
          .post(`/api/v1/medical/visits/${v.body.id}/fee-lines`)
          .set(h.headers)
          .send({ lines: [{ lineNo: 1, code: 'A-001', name: '阿莫西林胶囊', quantity: 1, unitPriceFen: 30_000 }] })
          .expect(200);
        return (
          await request(fs).post(`/api/v1/medical/visits/${v.body.id}/settlement`).set(h.headers).send({ msgid: h.msgid() }).expect(201)
        ).body;
      };
      const first = await settleOne();
      // tertiary outpatient: (300.00 − 100.00) × 60 % = 120.00 yuan wanted; no allowance for the new year yet.
      expect(first).toMatchObject({
        totals: { hifp_pay: 0, psn_cash_pay: 30_000 },
        shortfall: { fen: 12_000, reason: 'FUND_ALLOWANCE_EXHAUSTED' },
      });
      await waitFor("Guangzhou's grant for the new year", async () => {
        const rows = await cluster.query<{ granted_fen: string }>(
          FS,
          `SELECT granted_fen FROM medical.allowance WHERE person_id = $1 AND year = $2 AND pot = 'hifp'`,
          [filing.personId, nextYear],
        );
        return Number(rows[0]?.granted_fen ?? 0) > 0;
      });
      const second = await settleOne();
      expect(second).toMatchObject({ totals: { hifp_pay: 12_000, psn_cash_pay: 18_000 }, shortfall: null });
    } finally {
      clocks.forEach((c) => c.reset());
    }
  });
});
