import { afterAll, beforeAll, describe, it } from '@jest/globals';
import {
  bookingAcrossCities,
  bookingCancelledByPatient,
  capsHoldUnderConcurrency,
  dailyReconciliation,
  healthSummaryByConsent,
  medicalBadInput,
  medicalListsPage,
  monthlyClearing,
  residentRegistersAndCancels,
  retireeSettlesInFoshan,
  slotsFoundAndBooked,
  slotWithdrawn,
  testResultRecognised,
} from '../support/medical.scenarios.js';
import { type KafkaCluster, startKafkaCluster } from '../support/kafka-cluster.js';

/** 异地就医直接结算 over a real Kafka broker and real PostgreSQL, each city node its own process (run `npm run build` first). */
describe('medical settlement across cities over real Kafka and PostgreSQL (separate node processes)', () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    cluster = await startKafkaCluster();
  }, 180_000);

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
  it('预约挂号: a Foshan hospital offers slots; a Guangzhou resident finds them at their own node (paged, places left), books one, lists their own bookings; the places follow the booking and its cancellation', () =>
    slotsFoundAndBooked(cluster));
  it('预约挂号, 停诊: a Foshan hospital sees who booked its slot (masked, paged), then withdraws it; Foshan releases both places and refuses later bookings; Guangzhou ends both bookings with the reason and stops listing it; another slot untouched; audited', () =>
    slotWithdrawn(cluster));
  it("检查检验结果互认: a Guangzhou lab's test report credential is recognised at a Foshan visit; someone else's is not", () =>
    testResultRecognised(cluster));
});
