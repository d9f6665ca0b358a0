import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AdjustableClock, Clock } from '@guangfo/kernel';
import {
  AllowanceReturnService,
  ClearingRepository,
  type StatementItem,
  statementTotals,
  YearAheadGrantsService,
} from '@guangfo/medical-settlement';
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
  slotsFoundAndBooked,
  slotWithdrawn,
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
  it('预约挂号: a Foshan hospital offers slots; a Guangzhou resident finds them at their own node (paged, places left), books one, lists their own bookings; the places follow the booking and its cancellation', () =>
    slotsFoundAndBooked(cluster));
  it('预约挂号, 停诊: a Foshan hospital sees who booked its slot (masked, paged), then withdraws it; Foshan releases both places and refuses later bookings; Guangzhou ends both bookings with the reason and stops listing it; another slot untouched; audited', () =>
    slotWithdrawn(cluster));
  it("检查检验结果互认: a Guangzhou lab's test report credential is recognised at a Foshan visit; someone else's is not", () =>
    testResultRecognised(cluster));

  // Embedded only (these move the nodes' clocks). A person's allowance at the treating city is per calendar year.
  const newYearSettlement = async (idNumber: string) => {
    const h = await hospital(cluster, FS);
    const fs = cluster.baseUrl(FS);
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
    return (await request(fs).post(`/api/v1/medical/visits/${v.body.id}/settlement`).set(h.headers).send({ msgid: h.msgid() }).expect(201))
      .body;
  };
  const foshanGranted = async (personId: string, year: number): Promise<number> => {
    const rows = await cluster.query<{ granted_fen: string }>(
      FS,
      `SELECT granted_fen FROM medical.allowance WHERE person_id = $1 AND year = $2 AND pot = 'hifp'`,
      [personId, year],
    );
    return Number(rows[0]?.granted_fen ?? 0);
  };
  const clocksOf = () => [GZ, FS].map((city) => cluster.sandbox.node(city).get(Clock) as AdjustableClock);

  it('a 备案 registered mid-year, no sweep since: the first settlement of the new year settles the fund part as cash with the reason and asks Guangzhou, whose grant serves the next one', async () => {
    const clocks = clocksOf();
    const idNumber = retireeId();
    const year = new Date().getUTCFullYear();
    const nextYear = year + 1;
    try {
      clocks.forEach((c) => c.set(`${year}-06-15T02:00:00Z`));
      const filing = await registerInGuangzhou(cluster, { kind: 'resettled-retiree', idNumber, name: '黄伯' });
      clocks.forEach((c) => c.set(`${nextYear}-01-04T02:00:00Z`));
      const first = await newYearSettlement(idNumber);
      // tertiary outpatient: (300.00 − 100.00) × 60 % = 120.00 yuan wanted; no allowance for the new year yet.
      expect(first).toMatchObject({
        totals: { hifp_pay: 0, psn_cash_pay: 30_000 },
        shortfall: { fen: 12_000, reason: 'FUND_ALLOWANCE_EXHAUSTED' },
      });
      await waitFor("Guangzhou's grant for the new year", async () => (await foshanGranted(filing.personId, nextYear)) > 0);
      const second = await newYearSettlement(idNumber);
      expect(second).toMatchObject({ totals: { hifp_pay: 12_000, psn_cash_pay: 18_000 }, shortfall: null });
    } finally {
      clocks.forEach((c) => c.reset());
    }
  });

  it("year-ahead grants: in December Guangzhou grants Foshan the next year's allowances (a new 备案 at registration, earlier ones by the sweep, once), so the first settlement of the new year is covered", async () => {
    const clocks = clocksOf();
    const sweeper = cluster.sandbox.node(GZ).get(YearAheadGrantsService);
    const year = new Date().getUTCFullYear();
    const nextYear = year + 1;
    const [early, late, ended] = [retireeId(), retireeId(), retireeId()];
    try {
      clocks.forEach((c) => c.set(`${year}-06-15T02:00:00Z`));
      const a = await registerInGuangzhou(cluster, { kind: 'resettled-retiree', idNumber: early, name: '梁伯' });
      // A temporary 备案 that ends before the new year gets no grant of it.
      const shortStay = await registerInGuangzhou(cluster, { kind: 'other-temporary', idNumber: ended, name: '何姨' });
      // Outside the lead window the sweep grants nothing.
      expect(await sweeper.sweep()).toEqual({ year: null, granted: 0 });
      clocks.forEach((c) => c.set(`${year}-12-10T02:00:00Z`));
      const b = await registerInGuangzhou(cluster, { kind: 'resettled-retiree', idNumber: late, name: '陈姨' });
      await waitFor('the grant made at registration', async () => (await foshanGranted(b.personId, nextYear)) > 0);
      const swept = await sweeper.sweep();
      expect(swept.year).toBe(nextYear);
      expect(swept.granted).toBeGreaterThanOrEqual(1);
      // Idempotent: a second sweep finds nobody without the year's grant (persons of other tests included).
      expect(await sweeper.sweep()).toEqual({ year: nextYear, granted: 0 });
      const grants = await cluster.query<{ person_id: string; pot: string; granted_fen: string }>(
        GZ,
        `SELECT person_id, pot, granted_fen FROM medical.cap_grant WHERE person_id = ANY($1) AND year = $2 AND city = $3 ORDER BY person_id, pot`,
        [[a.personId, b.personId, shortStay.personId], nextYear, FS],
      );
      expect(grants.filter((g) => g.person_id === shortStay.personId)).toEqual([]);
      expect(grants.map((g) => [g.person_id, g.pot])).toEqual(
        expect.arrayContaining([
          [a.personId, 'acct'],
          [a.personId, 'hifp'],
          [b.personId, 'acct'],
          [b.personId, 'hifp'],
        ]),
      );
      expect(grants).toHaveLength(4);
      await waitFor('Foshan to hold the swept grant', async () => (await foshanGranted(a.personId, nextYear)) > 0);
      clocks.forEach((c) => c.set(`${nextYear}-01-04T02:00:00Z`));
      for (const idNumber of [early, late]) {
        const first = await newYearSettlement(idNumber);
        expect(first).toMatchObject({ totals: { hifp_pay: 12_000, psn_cash_pay: 18_000 }, shortfall: null });
      }
      const audit = await cluster.query<{ n: number }>(
        GZ,
        `SELECT count(*)::int AS n FROM platform.audit_log WHERE action = 'medical.allowance.year-ahead' AND detail -> 'persons' ? $1`,
        [a.personId],
      );
      expect(audit[0]!.n).toBe(1);
    } finally {
      clocks.forEach((c) => c.reset());
    }
  });

  it('unused allowances go back: after the 备案 is cancelled and 30 days pass without a visit Foshan returns the rest, Guangzhou takes it back and grants it again on a new 备案; at the year end the year goes back too', async () => {
    const clocks = clocksOf();
    const returns = cluster.sandbox.node(FS).get(AllowanceReturnService);
    const year = new Date().getUTCFullYear();
    const idNumber = retireeId();
    const foshanRow = async () =>
      (
        await cluster.query<{ granted_fen: string; consumed_fen: string; returned_fen: string }>(
          FS,
          `SELECT granted_fen, consumed_fen, returned_fen FROM medical.allowance WHERE person_id = $1 AND year = $2 AND pot = 'hifp'`,
          [filing.personId, year],
        )
      ).map((r) => [Number(r.granted_fen), Number(r.consumed_fen), Number(r.returned_fen)])[0];
    const guangzhouGrant = async () =>
      (
        await cluster.query<{ granted_fen: string; returned_fen: string }>(
          GZ,
          `SELECT granted_fen, returned_fen FROM medical.cap_grant WHERE person_id = $1 AND year = $2 AND pot = 'hifp' AND city = $3`,
          [filing.personId, year, FS],
        )
      ).map((r) => [Number(r.granted_fen), Number(r.returned_fen)])[0];
    let filing!: Awaited<ReturnType<typeof registerInGuangzhou>>;
    try {
      clocks.forEach((c) => c.set(`${year}-06-15T02:00:00Z`));
      filing = await registerInGuangzhou(cluster, { kind: 'resettled-retiree', idNumber, name: '罗伯' });
      expect(await newYearSettlement(idNumber)).toMatchObject({ totals: { hifp_pay: 12_000 }, shortfall: null });
      // Covered by a 备案: nothing goes back.
      await returns.sweep();
      expect(await foshanRow()).toEqual([5_000_000, 12_000, 0]);

      const clerk = await cluster.token(GZ, 'clerk');
      await request(cluster.baseUrl(GZ))
        .post(`/api/v1/medical/filings/${filing.id}/cancel`)
        .set({ authorization: `Bearer ${clerk}` })
        .send({})
        .expect(200);
      await waitFor('Foshan to record the cancellation', async () =>
        Boolean(
          (await cluster.query<{ c: string | null }>(FS, `SELECT cancelled_on AS c FROM medical.filing WHERE id = $1`, [filing.id]))[0]?.c,
        ),
      );
      // Cancelled, but a visit began 5 days ago: still held.
      clocks.forEach((c) => c.set(`${year}-06-20T02:00:00Z`));
      await returns.sweep();
      expect(await foshanRow()).toEqual([5_000_000, 12_000, 0]);

      // 35 days on: the rest goes back; Foshan can no longer spend it; Guangzhou takes it back, once.
      clocks.forEach((c) => c.set(`${year}-07-20T02:00:00Z`));
      const swept = await returns.sweep();
      expect(swept.returned).toBeGreaterThanOrEqual(1); // the fund pot (no account balance was stated: nothing granted)
      expect(await foshanRow()).toEqual([5_000_000, 12_000, 4_988_000]);
      await waitFor("Guangzhou to take Foshan's return back", async () => (await guangzhouGrant())?.[1] === 4_988_000);
      await returns.sweep();
      expect(await foshanRow()).toEqual([5_000_000, 12_000, 4_988_000]);
      const returnedAudit = await cluster.query<{ detail: { takenBackFen: number; reason: string } }>(
        GZ,
        `SELECT detail FROM platform.audit_log WHERE action = 'medical.allowance.returned' AND resource = $1`,
        [`medical-allowance:${filing.personId}:${year}:hifp`],
      );
      expect(returnedAudit.map((r) => r.detail)).toEqual([expect.objectContaining({ takenBackFen: 4_988_000, reason: 'no-filing' })]);

      // Registered again: Guangzhou grants afresh from the cap the return freed; the settlement is covered again.
      clocks.forEach((c) => c.set(`${year}-07-21T02:00:00Z`));
      await registerInGuangzhou(cluster, { kind: 'resettled-retiree', idNumber, name: '罗伯' });
      await waitFor('the new grant at Foshan', async () => (await foshanRow())?.[0] === 10_000_000);
      expect(await guangzhouGrant()).toEqual([10_000_000, 4_988_000]);
      expect(await newYearSettlement(idNumber)).toMatchObject({ totals: { hifp_pay: 12_000 }, shortfall: null });

      // The year is over: what is left of it goes back, whatever the 备案.
      clocks.forEach((c) => c.set(`${year + 1}-01-04T02:00:00Z`));
      await returns.sweep();
      expect(await foshanRow()).toEqual([10_000_000, 24_000, 9_976_000]);
      await waitFor('Guangzhou to take the year back', async () => (await guangzhouGrant())?.[1] === 9_976_000);
      const yearClosed = await cluster.query<{ n: number }>(
        GZ,
        `SELECT count(*)::int AS n FROM platform.audit_log WHERE action = 'medical.allowance.returned' AND resource = $1 AND detail ->> 'reason' = 'year-closed'`,
        [`medical-allowance:${filing.personId}:${year}:hifp`],
      );
      expect(yearClosed[0]!.n).toBe(1);
    } finally {
      clocks.forEach((c) => c.reset());
    }
  });

  // Embedded only (it holds a row lock in Foshan's database): the race the slot row decides.
  it('停诊 racing a booking: a request that waited on the slot row while the withdrawal committed is refused MEDICAL_SLOT_NOT_FOUND, not FULL', async () => {
    const h = await hospital(cluster, FS);
    const slotId = randomUUID();
    await cluster.query(
      FS,
      `INSERT INTO medical.booking_slot (id, hospital_code, department, starts_at, capacity) VALUES ($1, $2, '眼科', now() + interval '9 days', 5)`,
      [slotId, h.code],
    );
    // A withdrawal in progress: it holds the slot row until it commits.
    const withdrawing = cluster.sandbox.node(FS).get(DataSource).createQueryRunner();
    await withdrawing.connect();
    await withdrawing.startTransaction();
    try {
      await withdrawing.query(`UPDATE medical.booking_slot SET withdrawn_at = now(), withdrawn_reason = '专家停诊' WHERE id = $1`, [
        slotId,
      ]);
      const clerk = { authorization: `Bearer ${await cluster.token(GZ, 'clerk')}` };
      const booked = await request(cluster.baseUrl(GZ))
        .post('/api/v1/medical/bookings')
        .set(clerk)
        .send({ hospitalCity: FS, hospitalCode: h.code, slotId, person: { idNumber: retireeId(), name: '戊伯' } })
        .expect(202);
      await waitFor('the booking request to wait on the slot row', async () =>
        (
          await cluster.query<{ n: number }>(
            FS,
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%SET booked = booked + 1%'`,
          )
        )[0]!.n > 0
          ? true
          : undefined,
      );
      await withdrawing.commitTransaction();
      const answered = await waitFor('the answer', async () => {
        const b = (await request(cluster.baseUrl(GZ)).get(`/api/v1/medical/bookings/${booked.body.id}`).set(clerk).expect(200)).body as {
          state: string;
          refusal: string | null;
        };
        return b.state === 'pending' ? undefined : b;
      });
      expect(answered).toMatchObject({ state: 'refused', refusal: 'MEDICAL_SLOT_NOT_FOUND' });
    } finally {
      if (withdrawing.isTransactionActive) await withdrawing.rollbackTransaction();
      await withdrawing.release();
    }
  });

  // Embedded only (it hooks the node's repository): a statement's version (the ETag) and its items are one snapshot. A contest
  // committed on another connection after the statement row is read and before its items are read is not shown under the old
  // version; the next read shows it under the new one.
  it('a clearing statement is read in one snapshot: a contest committed between the reads of its version and of its items is not shown under the old version', async () => {
    const node = cluster.sandbox.node(FS);
    const repo = node.get(ClearingRepository);
    const ds = node.get(DataSource);
    const fs = cluster.baseUrl(FS);
    const clerk = { authorization: `Bearer ${await cluster.token(FS, 'clerk')}` };
    const id = randomUUID();
    const settlementId = randomUUID();
    const item: StatementItem = { settlementId, kind: 'claim', fundFen: 10_000, accountFen: 0, totalFen: 15_000, contest: null };
    // A period of a year no other test issues in (the lists scenario takes 1990–2019).
    const period = `${randomInt(1950, 1990)}-${String(randomInt(1, 13)).padStart(2, '0')}`;
    const inserted = await ds.transaction((em) =>
      repo.insertStatement(
        em,
        {
          id,
          treating_city: FS,
          insured_city: GZ,
          period,
          role: 'treating',
          advance_fen: 0,
          proof: null,
          totals: statementTotals([item], 0),
        },
        [item],
      ),
    );
    expect(inserted).toBe(true);

    const readItems = repo.items.bind(repo);
    let committedBetween = false;
    const hook = jest.spyOn(repo, 'items').mockImplementation(async (db, statementId) => {
      if (statementId === id && !committedBetween) {
        // What this city does when the insured city's contest arrives (onContested), committed before the items are read.
        await ds.transaction(async (em) => {
          await repo.statement(em, id, true);
          if (!(await repo.contest(em, id, settlementId, 'claim', 'AMOUNT_MISMATCH', '请核对'))) throw new Error('item not contested');
          await repo.bump(em, id);
        });
        committedBetween = true;
      }
      return readItems(db, statementId);
    });
    let got: request.Response;
    try {
      got = await request(fs).get(`/api/v1/medical/clearing/statements/${id}`).set(clerk).expect(200);
    } finally {
      hook.mockRestore();
    }
    expect(committedBetween).toBe(true);
    const shown = (r: request.Response) => ({
      etag: r.headers.etag,
      version: r.body.version,
      state: r.body.state,
      contest: r.body.items[0].contest?.reason ?? null,
    });
    expect(shown(got)).toEqual({ etag: '"1"', version: 1, state: 'issued', contest: null });
    const next = await request(fs).get(`/api/v1/medical/clearing/statements/${id}`).set(clerk).expect(200);
    expect(shown(next)).toEqual({ etag: '"2"', version: 2, state: 'contested', contest: 'AMOUNT_MISMATCH' });
  });
});
