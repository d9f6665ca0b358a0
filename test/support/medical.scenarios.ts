import { randomInt, randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import request from 'supertest';
import { computeResidentIdCheckChar, toShanghaiDate } from '@guangfo/kernel';
import { hashApiKey } from '@guangfo/platform';
import { type TestCluster, waitFor } from './cluster.js';
import { partner as credentialPartner } from './credentials.scenarios.js';

/**
 * 异地就医直接结算 scenarios, shared by the embedded e2e run (test/e2e/medical.e2e-spec.ts) and the real Kafka + PostgreSQL run
 * (test/integration/medical.int-spec.ts). Guangzhou is the insured city, Foshan the treating city.
 */
export const GZ = '440100';
export const FS = '440600';

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

/**
 * The nodes' calendar year (their clocks are the real one here). In the last weeks of a year a 备案 also gets the next year's
 * allowances (year-ahead grants), so the allowance rows these scenarios look at are the current year's.
 */
const thisYear = (): number => Number(toShanghaiDate(new Date()).slice(0, 4));

/** A fictional ID number with a valid GB 11643 check character (born 1955: a retiree). */
export const retireeId = (): string => {
  const first17 = `440106${1950 + randomInt(0, 8)}0${randomInt(1, 9)}1${randomInt(0, 9)}${String(randomInt(0, 1000)).padStart(3, '0')}`;
  return first17 + computeResidentIdCheckChar(first17);
};

export interface Hospital {
  headers: Record<string, string>;
  code: string;
  seq: number;
  msgid(): string;
}

/** A designated hospital of `city`: a partner key (scope medical:settle) bound to a fresh hospital code and level. */
export const hospital = async (
  c: TestCluster,
  city: string,
  level: 'primary' | 'secondary' | 'tertiary' = 'tertiary',
): Promise<Hospital> => {
  const id = `it-hospital-${randomUUID()}`;
  const key = `it-${id}`;
  const code = `H${city.slice(0, 4)}${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
  await c.query(city, `INSERT INTO platform.api_key (id, name, city_code, key_hash, scopes) VALUES ($1, $2, $3, $4, $5)`, [
    id,
    `测试医院 ${code}`,
    city,
    hashApiKey(key),
    ['medical:settle'],
  ]);
  await c.query(city, `INSERT INTO medical.hospital (partner_id, city_code, hospital_code, name, level) VALUES ($1, $2, $3, $4, $5)`, [
    id,
    city,
    code,
    `测试医院 ${code}`,
    level,
  ]);
  const h: Hospital = {
    headers: { 'x-api-key': key },
    code,
    seq: 0,
    msgid: () => {
      h.seq += 1;
      return `${code}20260305093015${String(h.seq).padStart(4, '0')}`;
    },
  };
  return h;
};

interface Filing {
  id: string;
  personId: string;
}

/** A Guangzhou clerk registers a person for treatment in Foshan; waits until Foshan holds the 备案, its allowances and Guangzhou's policy. */
export const registerInGuangzhou = async (
  c: TestCluster,
  body: { kind: string; idNumber: string; name: string; accountBalanceFen?: number },
): Promise<Filing> => {
  const clerk = await c.token(GZ, 'clerk');
  const r = await request(c.baseUrl(GZ))
    .post('/api/v1/medical/filings')
    .set(bearer(clerk))
    .send({
      kind: body.kind,
      treatingCity: FS,
      person: { idNumber: body.idNumber, name: body.name },
      ...(body.accountBalanceFen !== undefined ? { accountBalanceFen: body.accountBalanceFen } : {}),
    });
  expect(r.status).toBe(201);
  expect(r.body.person).toEqual({
    name: expect.stringMatching(/^.\*+.?$/),
    idNumber: `${body.idNumber.slice(0, 3)}***********${body.idNumber.slice(-4)}`,
  });
  const filing = r.body as Filing;
  await waitFor(`Foshan to hold 备案 ${filing.id} and its allowances`, async () => {
    const rows = await c.query<{ n: number }>(
      FS,
      `SELECT (SELECT count(*)::int FROM medical.filing WHERE id = $1) + (SELECT count(*)::int FROM medical.allowance WHERE person_id = $2 AND year = $4)
              + (SELECT least(count(*), 1)::int FROM medical.policy WHERE city = $3) AS n`,
      [filing.id, filing.personId, GZ, thisYear()],
    );
    // The 备案, its two allowances, and Guangzhou's policy (a broadcast of its own; until it arrives Foshan answers 503 MEDICAL_POLICY_MISSING).
    return rows[0]!.n === 4;
  });
  return filing;
};

const LINES_OUTPATIENT = [
  { lineNo: 1, code: 'A-001', name: '阿莫西林胶囊', quantity: 2, unitPriceFen: 1_500 },
  { lineNo: 2, code: 'A-002', name: '血常规', quantity: 1, unitPriceFen: 3_000 },
  { lineNo: 3, code: 'B-001', name: '阿托伐他汀钙片', quantity: 1, unitPriceFen: 20_000 },
  { lineNo: 4, code: 'C-001', name: '特需病房床位费', quantity: 1, unitPriceFen: 50_000 },
  { lineNo: 5, code: 'X-UNLISTED', name: '未列入目录项目', quantity: 1, unitPriceFen: 1_000 },
];

const allowanceOf = async (c: TestCluster, personId: string) =>
  Object.fromEntries(
    (
      await c.query<{ pot: string; granted_fen: string; consumed_fen: string }>(
        FS,
        `SELECT pot, granted_fen, consumed_fen FROM medical.allowance WHERE person_id = $1 AND year = $2`,
        [personId, thisYear()],
      )
    ).map((r) => [r.pot, { granted: Number(r.granted_fen), consumed: Number(r.consumed_fen) }]),
  );

/**
 * The issue's walk-through: a Guangzhou-insured retiree resettled in Foshan registers in Guangzhou → outpatient settlement at
 * a Foshan hospital (REST, idempotent on msgid) → inpatient settlement (national envelope) → one reversal restoring the
 * allowance → Guangzhou holds a copy of each settlement, the reversal included.
 */
export const retireeSettlesInFoshan = async (c: TestCluster): Promise<{ hospital: Hospital; personId: string; settlements: string[] }> => {
  const idNumber = retireeId();
  const filing = await registerInGuangzhou(c, { kind: 'resettled-retiree', idNumber, name: '陈老伯', accountBalanceFen: 5_000 });
  const h = await hospital(c, FS);
  const fs = c.baseUrl(FS);

  // 1101: the hospital sees the 备案 and the insured area, masked.
  const info = await request(fs).post('/api/v1/medical/persons/query').set(h.headers).send({ idNumber }).expect(200);
  expect(info.body).toMatchObject({
    personId: filing.personId,
    insuredCity: GZ,
    name: '陈*伯',
    filings: [{ id: filing.id, kind: 'resettled-retiree', validTo: null, coversToday: true }],
    allowance: { fundAvailableFen: 5_000_000, accountAvailableFen: 5_000 },
  });

  // Outpatient over REST: register (2201), fee lines (2204), pre-settle (2206), settle (2207).
  const visitMsgid = h.msgid();
  const visit = await request(fs)
    .post('/api/v1/medical/visits')
    .set(h.headers)
    .send({ idNumber, visitType: 'outpatient', msgid: visitMsgid })
    .expect(201);
  const again = await request(fs)
    .post('/api/v1/medical/visits')
    .set(h.headers)
    .send({ idNumber, visitType: 'outpatient', msgid: visitMsgid })
    .expect(201);
  expect(again.body.id).toBe(visit.body.id);
  const reused = await request(fs)
    .post('/api/v1/medical/visits')
    .set(h.headers)
    .send({ idNumber, visitType: 'inpatient', msgid: visitMsgid });
  expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 409, code: 'MEDICAL_MSGID_REUSED' });
  await request(fs).post(`/api/v1/medical/visits/${visit.body.id}/fee-lines`).set(h.headers).send({ lines: LINES_OUTPATIENT }).expect(200);
  const pre = await request(fs).post(`/api/v1/medical/visits/${visit.body.id}/pre-settlement`).set(h.headers).send({}).expect(200);
  // Demo policy: tertiary outpatient, deductible 100.00 yuan, 60 % for a long-term 备案; Foshan's demo catalogue classifies.
  const expectedTotals = {
    medfee_sumamt: 77_000,
    fulamt_ownpay_amt: 51_000,
    overlmt_selfpay: 500,
    preselfpay_amt: 2_000,
    inscp_scp_amt: 23_500,
    act_pay_dedc: 10_000,
    hifp_pay: 8_100,
    fund_pay_sumamt: 8_100,
    acct_pay: 5_000,
    psn_cash_pay: 63_900,
  };
  expect(pre.body).toMatchObject({
    id: null,
    state: 'pre-settlement',
    ratioBp: 6_000,
    standing: 'resettled-retiree',
    totals: expectedTotals,
  });
  expect(
    pre.body.lines.map(
      (l: { fundFen: number; accountFen: number; cashFen: number; amountFen: number }) =>
        l.fundFen + l.accountFen + l.cashFen - l.amountFen,
    ),
  ).toEqual([0, 0, 0, 0, 0]);
  const settleMsgid = h.msgid();
  const settled = await request(fs).post(`/api/v1/medical/visits/${visit.body.id}/settlement`).set(h.headers).send({ msgid: settleMsgid });
  expect(settled.status).toBe(201);
  expect(settled.body).toMatchObject({ state: 'settled', totals: expectedTotals, msgid: settleMsgid });
  const replay = await request(fs).post(`/api/v1/medical/visits/${visit.body.id}/settlement`).set(h.headers).send({ msgid: settleMsgid });
  expect({ status: replay.status, id: replay.body.id }).toEqual({ status: 200, id: settled.body.id });
  // The settlement's audit record and event are written in its own statement: one of each, the replay adds none.
  expect(
    await c.query(
      FS,
      `SELECT actor, outcome, detail->>'msgid' AS msgid FROM platform.audit_log WHERE action = 'medical.settle' AND resource = $1`,
      [`medical-settlement:${settled.body.id}`],
    ),
  ).toEqual([{ actor: expect.stringMatching(/^partner:/), outcome: 'success', msgid: settleMsgid }]);
  expect(
    await c.query(FS, `SELECT to_city FROM platform.outbox WHERE type = 'gov.guangfo.medical.settlement-recorded.v1' AND subject = $1`, [
      settled.body.id,
    ]),
  ).toEqual([{ to_city: GZ }]);
  expect(await allowanceOf(c, filing.personId)).toEqual({
    hifp: { granted: 5_000_000, consumed: 8_100 },
    acct: { granted: 5_000, consumed: 5_000 },
  });

  // Inpatient through the national envelope: 2401 admission, 2301 details, 2303 pre-settlement, 2304 settlement (yuan).
  const env = (infno: string, input: Record<string, unknown>, msgid = h.msgid()) =>
    request(fs)
      .post('/api/v1/medical/national')
      .set(h.headers)
      .send({ infno, msgid, mdtrtarea_admvs: FS, insuplc_admdvs: GZ, signtype: 'SM2', input });
  const admission = await env('2401', { data: { mdtrt_cert_no: idNumber } }).expect(200);
  const mdtrtId = admission.body.output.data.mdtrt_id as string;
  const details = await env('2301', {
    feedetail: [
      { feedetl_sn: '1', mdtrt_id: mdtrtId, med_list_codg: 'A-003', medins_list_name: '普通床位费', cnt: 10, pric: '60.00' },
      { feedetl_sn: '2', mdtrt_id: mdtrtId, med_list_codg: 'B-003', medins_list_name: '冠脉支架植入术', cnt: 1, pric: 18000 },
    ],
  }).expect(200);
  expect(details.body.output.result).toEqual([
    { feedetl_sn: '1', det_item_fee_sumamt: 600, cnt: 10, pric: 60 },
    { feedetl_sn: '2', det_item_fee_sumamt: 18000, cnt: 1, pric: 18000 },
  ]);
  const preIn = await env('2303', { data: { mdtrt_id: mdtrtId, acct_used_flag: '1' } }).expect(200);
  // 18600.00 yuan; 乙类 20 % of 18000.00 = 3600.00 先行自付; in scope 15000.00; inpatient tertiary deductible 1000.00; 85 % of 14000.00.
  expect(preIn.body.output.setlinfo).toMatchObject({
    medfee_sumamt: 18_600,
    preselfpay_amt: 3_600,
    inscp_scp_amt: 15_000,
    act_pay_dedc: 1_000,
    hifp_pay: 11_900,
    acct_pay: 0,
    psn_cash_pay: 6_700,
  });
  const inpatientMsgid = h.msgid();
  const inpatient = await env('2304', { data: { mdtrt_id: mdtrtId, acct_used_flag: '1' } }, inpatientMsgid).expect(200);
  expect(inpatient.body).toMatchObject({
    infcode: 0,
    err_msg: '',
    output: { setlinfo: { setl_state: 'settled', hifp_pay: 11_900, psn_cash_pay: 6_700 } },
  });
  const inpatientId = inpatient.body.output.setlinfo.setl_id as string;
  // 5206: what Foshan holds for the person this year (yuan): 50000.00 granted, 81.00 + 11900.00 used.
  const cumulative = await env('5206', { data: { psn_no: filing.personId } }).expect(200);
  expect(cumulative.body.output.cumulative).toEqual(
    expect.arrayContaining([expect.objectContaining({ pot: 'hifp', granted: 50_000, used: 11_981, available: 38_019 })]),
  );
  // 2601 冲正 of a registration sent by mistake: the visit registered with that msgid is cancelled.
  const mistakeMsgid = h.msgid();
  await env('2201', { data: { mdtrt_cert_no: idNumber } }, mistakeMsgid).expect(200);
  const corrected = await env('2601', { data: { omsgid: mistakeMsgid, oinfno: '2201' } }).expect(200);
  expect(corrected.body.output.data).toMatchObject({ omsgid: mistakeMsgid, state: 'cancelled' });

  // One reversal (2208 over REST): the allowance comes back, the visit reopens; the same msgid again is the same answer.
  const reversalMsgid = h.msgid();
  const reversed = await request(fs)
    .post(`/api/v1/medical/settlements/${settled.body.id}/reversal`)
    .set(h.headers)
    .send({ msgid: reversalMsgid })
    .expect(200);
  expect(reversed.body).toMatchObject({ state: 'reversed', reversedOn: expect.any(String) });
  await request(fs)
    .post(`/api/v1/medical/settlements/${settled.body.id}/reversal`)
    .set(h.headers)
    .send({ msgid: reversalMsgid })
    .expect(200);
  const twice = await request(fs).post(`/api/v1/medical/settlements/${settled.body.id}/reversal`).set(h.headers).send({ msgid: h.msgid() });
  expect({ status: twice.status, code: twice.body.code }).toEqual({ status: 409, code: 'MEDICAL_ALREADY_REVERSED' });
  // The visit is open again. The first settlement's msgid still answers that settlement (reversed now); the inpatient
  // settlement's msgid is another visit's: refused, nothing settled.
  const replayAfter = await request(fs)
    .post(`/api/v1/medical/visits/${visit.body.id}/settlement`)
    .set(h.headers)
    .send({ msgid: settleMsgid });
  expect({ status: replayAfter.status, id: replayAfter.body.id, state: replayAfter.body.state }).toEqual({
    status: 200,
    id: settled.body.id,
    state: 'reversed',
  });
  const reusedSettle = await request(fs)
    .post(`/api/v1/medical/visits/${visit.body.id}/settlement`)
    .set(h.headers)
    .send({ msgid: inpatientMsgid });
  expect({ status: reusedSettle.status, code: reusedSettle.body.code }).toEqual({ status: 409, code: 'MEDICAL_MSGID_REUSED' });
  expect(await allowanceOf(c, filing.personId)).toEqual({
    hifp: { granted: 5_000_000, consumed: 1_190_000 },
    acct: { granted: 5_000, consumed: 0 },
  });

  // Guangzhou, the insured city, holds a copy of both settlements, the reversal included (5206 cumulative totals).
  await waitFor('Guangzhou to copy the settlements and the reversal', async () => {
    const rows = await c.query<{ settlement_id: string; reversed: boolean; fund_fen: string }>(
      GZ,
      `SELECT settlement_id, reversed_on IS NOT NULL AS reversed, fund_fen FROM medical.settlement_copy WHERE person_id = $1 ORDER BY fund_fen`,
      [filing.personId],
    );
    return rows.length === 2 && rows[0]!.reversed && !rows[1]!.reversed ? rows : undefined;
  });
  return { hospital: h, personId: filing.personId, settlements: [settled.body.id as string, inpatientId] };
};

/**
 * Caps hold under concurrency: many settlements of one person race at the treating city; the fund never pays beyond the
 * allowance it holds, settles the rest as cash with the reason, asks Guangzhou for a top-up, and Guangzhou never grants beyond
 * the annual cap.
 */
export const capsHoldUnderConcurrency = async (c: TestCluster): Promise<void> => {
  const idNumber = retireeId();
  const filing = await registerInGuangzhou(c, { kind: 'long-term-resident', idNumber, name: '李阿姨' });
  const h = await hospital(c, FS, 'primary');
  const fs = c.baseUrl(FS);
  // Each inpatient claim: 40000.00 yuan of 甲类 bed days; primary: deductible 300.00, 95 % → fund wants 37715.00.
  const visits: string[] = [];
  for (let i = 0; i < 8; i++) {
    const v = await request(fs)
      .post('/api/v1/medical/visits')
      .set(h.headers)
      .send({ idNumber, visitType: 'inpatient', msgid: h.msgid() })
      .expect(201);
    await request(fs)
      .post(`/api/v1/medical/visits/${v.body.id}/fee-lines`)
      .set(h.headers)
      .send({ lines: [{ lineNo: 1, code: 'A-001', name: '阿莫西林胶囊', quantity: 1, unitPriceFen: 4_000_000 }] })
      .expect(200);
    visits.push(v.body.id as string);
  }
  const results = await Promise.all(
    visits.map((id) => request(fs).post(`/api/v1/medical/visits/${id}/settlement`).set(h.headers).send({ msgid: h.msgid() })),
  );
  for (const r of results) expect(r.status).toBe(201);
  const fund = results.reduce((a, r) => a + (r.body.totals.hifp_pay as number), 0);
  const short = results.filter((r) => r.body.shortfall);
  // The first allowance was 50000.00 yuan: one claim full (37715.00), one partly (12285.00), the others as cash with the reason.
  const allowance = await allowanceOf(c, filing.personId);
  expect(allowance.hifp!.consumed).toBe(fund);
  expect(fund).toBeLessThanOrEqual(allowance.hifp!.granted);
  expect(short.length).toBeGreaterThan(0);
  for (const r of short) {
    expect(r.body.shortfall).toMatchObject({ reason: 'FUND_ALLOWANCE_EXHAUSTED', fen: expect.any(Number) });
    expect(r.body.totals.fund_pay_sumamt + r.body.totals.acct_pay + r.body.totals.psn_cash_pay).toBe(r.body.totals.medfee_sumamt);
  }
  // The top-up request reached Guangzhou, which granted more, never beyond the annual cap (600000.00 yuan).
  const topped = await waitFor('a top-up grant from Guangzhou', async () => {
    const a = await allowanceOf(c, filing.personId);
    return a.hifp!.granted > 5_000_000 ? a : undefined;
  });
  expect(topped.hifp!.consumed).toBe(fund);
  // Grants in flight settle: Foshan ends up holding exactly what Guangzhou granted it, within the cap.
  const ledger = await waitFor('Foshan to hold every grant Guangzhou made', async () => {
    const [row] = await c.query<{ cap: string; granted: string }>(
      GZ,
      `SELECT l.cap_fen AS cap, coalesce(sum(g.granted_fen), 0) AS granted FROM medical.cap_ledger l LEFT JOIN medical.cap_grant g USING (person_id, year, pot)
       WHERE l.person_id = $1 AND l.pot = 'hifp' AND l.year = $2 GROUP BY l.cap_fen`,
      [filing.personId, thisYear()],
    );
    return Number(row!.granted) === (await allowanceOf(c, filing.personId)).hifp!.granted ? row : undefined;
  });
  expect(Number(ledger.granted)).toBeLessThanOrEqual(Number(ledger.cap));
};

/** Bad input is problem+json with a stable code, never a 500. */
export const medicalBadInput = async (c: TestCluster): Promise<void> => {
  const h = await hospital(c, FS);
  const fs = c.baseUrl(FS);
  const code = (r: { status: number; body: { code?: string } }) => ({ status: r.status, code: r.body.code });
  expect(
    code(
      await request(fs)
        .post('/api/v1/medical/visits')
        .set(h.headers)
        .send({ idNumber: retireeId(), visitType: 'outpatient', msgid: 'X'.repeat(30) }),
    ),
  ).toEqual({
    status: 400,
    code: 'MEDICAL_MSGID_INVALID',
  });
  expect(
    code(
      await request(fs)
        .post('/api/v1/medical/visits')
        .set(h.headers)
        .send({ idNumber: retireeId(), visitType: 'outpatient', msgid: h.msgid() }),
    ),
  ).toEqual({
    status: 422,
    code: 'MEDICAL_NOT_REGISTERED',
  });
  const env = (body: Record<string, unknown>) =>
    request(fs)
      .post('/api/v1/medical/national')
      .set(h.headers)
      .send({ msgid: h.msgid(), mdtrtarea_admvs: FS, insuplc_admdvs: GZ, input: {}, ...body });
  expect(code(await env({ infno: '9999' }))).toEqual({ status: 400, code: 'MEDICAL_INFNO_UNSUPPORTED' });
  expect(code(await env({ infno: '2207', input: { data: { mdtrt_id: 'nope' } } }))).toEqual({
    status: 400,
    code: 'MEDICAL_INVALID_REQUEST',
  });
  expect(code(await env({ infno: '2207', mdtrtarea_admvs: GZ }))).toEqual({ status: 422, code: 'MEDICAL_AREA_MISMATCH' });
  expect(
    code(await request(fs).post(`/api/v1/medical/visits/${randomUUID()}/settlement`).set(h.headers).send({ msgid: h.msgid() })),
  ).toEqual({
    status: 404,
    code: 'MEDICAL_VISIT_NOT_FOUND',
  });
  // A partner key with the scope but no hospital binding settles nothing.
  const unbound = `it-unbound-${randomUUID()}`;
  await c.query(FS, `INSERT INTO platform.api_key (id, name, city_code, key_hash, scopes) VALUES ($1, $1, $2, $3, $4)`, [
    unbound,
    FS,
    hashApiKey(unbound),
    ['medical:settle'],
  ]);
  expect(code(await request(fs).post('/api/v1/medical/persons/query').set('x-api-key', unbound).send({ idNumber: retireeId() }))).toEqual({
    status: 403,
    code: 'MEDICAL_NOT_A_HOSPITAL',
  });
  // A temporary 备案 shorter than 6 months is refused at the insured city.
  const clerk = await c.token(GZ, 'clerk');
  const short = await request(c.baseUrl(GZ))
    .post('/api/v1/medical/filings')
    .set(bearer(clerk))
    .send({
      kind: 'referral',
      treatingCity: FS,
      validTo: '2026-01-02',
      validFrom: undefined,
      person: { idNumber: retireeId(), name: '王五' },
    });
  expect(code(short)).toEqual({ status: 422, code: 'MEDICAL_FILING_INVALID' });
};

/**
 * Daily reconciliation (3201 totals, 3202 detail file) of the hospital of `retireeSettlesInFoshan`: its day is one outpatient
 * settlement reversed the same day and one inpatient settlement. Right totals match; totals that forgot the reversal are named
 * field by field; the detail file then shows the missing reversal.
 */
export const dailyReconciliation = async (c: TestCluster, r: { hospital: Hospital; settlements: string[] }): Promise<void> => {
  const fs = c.baseUrl(FS);
  const h = r.hospital;
  const [outpatient, inpatient] = await Promise.all(
    r.settlements.map(async (id) => (await request(fs).get(`/api/v1/medical/settlements/${id}`).set(h.headers).expect(200)).body),
  );
  const day = inpatient.settledOn as string;
  const ok = await request(fs)
    .post('/api/v1/medical/reconciliations/totals')
    .set(h.headers)
    .send({ day, totals: { count: 1, medfeeFen: 1_860_000, fundFen: 1_190_000, acctFen: 0, cashFen: 670_000 } })
    .expect(200);
  expect(ok.body).toMatchObject({ infno: '3201', matched: true, totalsMismatches: [] });
  const forgot = await request(fs)
    .post('/api/v1/medical/reconciliations/totals')
    .set(h.headers)
    .send({ day, totals: { count: 2, medfeeFen: 1_937_000, fundFen: 1_198_100, acctFen: 5_000, cashFen: 733_900 } })
    .expect(200);
  expect(forgot.body.matched).toBe(false);
  expect(forgot.body.totalsMismatches).toEqual([
    { field: 'count', hospital: 2, agency: 1 },
    { field: 'medfeeFen', hospital: 1_937_000, agency: 1_860_000 },
    { field: 'fundFen', hospital: 1_198_100, agency: 1_190_000 },
    { field: 'acctFen', hospital: 5_000, agency: 0 },
    { field: 'cashFen', hospital: 733_900, agency: 670_000 },
  ]);
  const file = [
    'setl_id,kind,medfee_sumamt,fund_pay_sumamt,acct_pay,psn_cash_pay',
    `${outpatient.id},settlement,770.00,81.00,50.00,639.00`,
    `${inpatient.id},settlement,18600.00,11900.00,0.00,6700.00`,
  ].join('\n');
  const details = await request(fs).post('/api/v1/medical/reconciliations/details').set(h.headers).send({ day, file }).expect(200);
  expect(details.body).toMatchObject({
    infno: '3202',
    matched: false,
    detailMismatches: [{ settlementId: outpatient.id, kind: 'reversal', reason: 'MISSING_AT_HOSPITAL' }],
  });
  const bad = await request(fs).post('/api/v1/medical/reconciliations/details').set(h.headers).send({ day, file: 'nonsense' });
  expect({ status: bad.status, code: bad.body.code }).toEqual({ status: 400, code: 'MEDICAL_INVALID_REQUEST' });
};

interface StatementBody {
  id: string;
  version: number;
  role: string;
  state: string;
  totals: Record<string, number>;
  proof: { ok: boolean; problems: string[] };
  items: {
    settlementId: string;
    kind: string;
    fundFen: number;
    accountFen: number;
    contest: null | { reason: string; answer: null | { outcome: string } };
  }[];
}

/**
 * Monthly clearing: Foshan issues its statement to Guangzhou; both prove it from their own records; Guangzhou contests one
 * item, Foshan answers it, Guangzhou confirms; both books show the same sums to the fen, and the confirmed statement is immutable.
 */
export const monthlyClearing = async (c: TestCluster, r: { hospital: Hospital; settlements: string[] }): Promise<void> => {
  const fs = c.baseUrl(FS);
  const gz = c.baseUrl(GZ);
  const inpatient = (await request(fs).get(`/api/v1/medical/settlements/${r.settlements[1]}`).set(r.hospital.headers).expect(200)).body;
  const period = (inpatient.settledOn as string).slice(0, 7);
  const fsClerk = bearer(await c.token(FS, 'clerk'));
  const gzClerk = bearer(await c.token(GZ, 'clerk'));
  // Guangzhou must hold its copies of the claims before it can prove the statement: wait until every Foshan settlement is copied.
  await waitFor('Guangzhou to hold a copy of every Foshan settlement', async () => {
    const [{ n }] = await c.query<{ n: number }>(FS, `SELECT count(*)::int AS n FROM medical.settlement WHERE insured_city = $1`, [GZ]);
    const [{ m }] = await c.query<{ m: number }>(GZ, `SELECT count(*)::int AS m FROM medical.settlement_copy WHERE treating_city = $1`, [
      FS,
    ]);
    const [{ x }] = await c.query<{ x: number }>(
      FS,
      `SELECT count(*)::int AS x FROM medical.settlement WHERE insured_city = $1 AND reversed_on IS NOT NULL`,
      [GZ],
    );
    const [{ y }] = await c.query<{ y: number }>(
      GZ,
      `SELECT count(*)::int AS y FROM medical.settlement_copy WHERE treating_city = $1 AND reversed_on IS NOT NULL`,
      [FS],
    );
    return n === m && x === y;
  });
  const issued = await request(fs)
    .post('/api/v1/medical/clearing/statements')
    .set(fsClerk)
    .send({ insuredCity: GZ, period, advanceFen: 1_000_000 });
  expect(issued.status).toBe(201);
  const treating = issued.body as StatementBody;
  expect(treating).toMatchObject({ role: 'treating', state: 'issued', proof: { ok: true, problems: [] } });
  // The outpatient claim was settled and reversed within the period: in neither list; the inpatient claim is an item.
  expect(treating.items.filter((i) => i.settlementId === r.settlements[0])).toEqual([]);
  expect(treating.items.find((i) => i.settlementId === r.settlements[1])).toMatchObject({
    kind: 'claim',
    fundFen: 1_190_000,
    accountFen: 0,
  });
  const again = await request(fs).post('/api/v1/medical/clearing/statements').set(fsClerk).send({ insuredCity: GZ, period, advanceFen: 0 });
  expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'MEDICAL_STATEMENT_EXISTS' });

  const insured = await waitFor('Guangzhou to receive and prove the statement', async () => {
    const s = await request(gz).get(`/api/v1/medical/clearing/statements/${treating.id}`).set(gzClerk);
    return s.status === 200 ? (s.body as StatementBody) : undefined;
  });
  expect(insured).toMatchObject({ role: 'insured', state: 'issued', proof: { ok: true, problems: [] }, totals: treating.totals });
  // GET answers the version as ETag; each step names the version it acted on (If-Match): 428 without, 412 when stale.
  const got = await request(gz).get(`/api/v1/medical/clearing/statements/${treating.id}`).set(gzClerk).expect(200);
  expect(got.headers.etag).toBe(`"${insured.version}"`);
  const contest = { settlementId: r.settlements[1], kind: 'claim', reason: 'AMOUNT_MISMATCH', note: '请核对支架限价' };
  const noIfMatch = await request(gz).post(`/api/v1/medical/clearing/statements/${treating.id}/contest`).set(gzClerk).send(contest);
  expect({ status: noIfMatch.status, code: noIfMatch.body.code }).toEqual({ status: 428, code: 'PRECONDITION_REQUIRED' });
  const staleIfMatch = await request(gz)
    .post(`/api/v1/medical/clearing/statements/${treating.id}/contest`)
    .set({ ...gzClerk, 'if-match': `"${insured.version + 1}"` })
    .send(contest);
  expect({ status: staleIfMatch.status, code: staleIfMatch.body.code }).toEqual({ status: 412, code: 'PRECONDITION_FAILED' });

  // Guangzhou contests the inpatient claim; a confirmation waits for the answer; Foshan answers it upheld.
  const contested = await request(gz)
    .post(`/api/v1/medical/clearing/statements/${treating.id}/contest`)
    .set({ ...gzClerk, 'if-match': got.headers.etag as string })
    .send(contest)
    .expect(200);
  expect(contested.headers.etag).toBe(`"${insured.version + 1}"`);
  const early = await request(gz)
    .post(`/api/v1/medical/clearing/statements/${treating.id}/confirm`)
    .set({ ...gzClerk, 'if-match': contested.headers.etag as string })
    .send({});
  expect({ status: early.status, code: early.body.code }).toEqual({ status: 409, code: 'MEDICAL_STATEMENT_OPEN_CONTESTS' });
  const wrongSide = await request(gz)
    .post(`/api/v1/medical/clearing/statements/${treating.id}/answer`)
    .set(gzClerk)
    .send({ settlementId: r.settlements[1], kind: 'claim', outcome: 'withdrawn', note: '' });
  expect({ status: wrongSide.status, code: wrongSide.body.code }).toEqual({ status: 403, code: 'MEDICAL_NOT_YOUR_PART' });
  const fsContested = await waitFor('Foshan to see the contest', async () => {
    const s = (await request(fs).get(`/api/v1/medical/clearing/statements/${treating.id}`).set(fsClerk).expect(200)).body as StatementBody;
    return s.state === 'contested' ? s : undefined;
  });
  // Foshan's copy changed with the contest: the version it issued is stale.
  expect(fsContested.version).toBe(treating.version + 1);
  const answer = {
    settlementId: r.settlements[1],
    kind: 'claim',
    outcome: 'upheld',
    note: '单价 18000.00 元未超限价 20000.00 元, 先行自付 20%',
  };
  const staleAnswer = await request(fs)
    .post(`/api/v1/medical/clearing/statements/${treating.id}/answer`)
    .set({ ...fsClerk, 'if-match': `"${treating.version}"` })
    .send(answer);
  expect({ status: staleAnswer.status, code: staleAnswer.body.code }).toEqual({ status: 412, code: 'PRECONDITION_FAILED' });
  await request(fs)
    .post(`/api/v1/medical/clearing/statements/${treating.id}/answer`)
    .set({ ...fsClerk, 'if-match': `"${fsContested.version}"` })
    .send(answer)
    .expect(200);
  const gzAnswered = await waitFor('Guangzhou to see the answer', async () => {
    const s = (await request(gz).get(`/api/v1/medical/clearing/statements/${treating.id}`).set(gzClerk).expect(200)).body as StatementBody;
    return s.state === 'answered' ? s : undefined;
  });
  // The answer arrived after Guangzhou's contest: a confirmation based on the version it contested is stale.
  const staleConfirm = await request(gz)
    .post(`/api/v1/medical/clearing/statements/${treating.id}/confirm`)
    .set({ ...gzClerk, 'if-match': contested.headers.etag as string })
    .send({});
  expect({ status: staleConfirm.status, code: staleConfirm.body.code }).toEqual({ status: 412, code: 'PRECONDITION_FAILED' });
  const confirmedRes = await request(gz)
    .post(`/api/v1/medical/clearing/statements/${treating.id}/confirm`)
    .set({ ...gzClerk, 'if-match': `"${gzAnswered.version}"` })
    .send({})
    .expect(200);
  const confirmed = confirmedRes.body as StatementBody;
  expect(confirmed.state).toBe('confirmed');
  expect(confirmedRes.headers.etag).toBe(`"${gzAnswered.version + 1}"`);
  const fsFinal = await waitFor('Foshan to record the confirmation', async () => {
    const s = (await request(fs).get(`/api/v1/medical/clearing/statements/${treating.id}`).set(fsClerk).expect(200)).body as StatementBody;
    return s.state === 'confirmed' ? s : undefined;
  });
  // Both books, to the fen: the same totals; payable = Σ items (nothing withdrawn), net = payable − advance.
  expect(fsFinal.totals).toEqual(confirmed.totals);
  const fund = fsFinal.items.reduce((a, i) => a + i.fundFen, 0);
  const acct = fsFinal.items.reduce((a, i) => a + i.accountFen, 0);
  expect(fsFinal.totals).toMatchObject({
    payableFundFen: fund,
    payableAccountFen: acct,
    advanceFen: 1_000_000,
    netFen: fund + acct - 1_000_000,
  });
  // Confirmed statements are immutable: the API refuses, and so does the database.
  const late = await request(gz)
    .post(`/api/v1/medical/clearing/statements/${treating.id}/contest`)
    .set(gzClerk)
    .send({ settlementId: r.settlements[1], kind: 'claim', reason: 'OTHER', note: '' });
  expect({ status: late.status, code: late.body.code }).toEqual({ status: 409, code: 'MEDICAL_STATEMENT_CONFIRMED' });
  await expect(
    c.query(GZ, `UPDATE medical.statement_item SET fund_fen = fund_fen + 1 WHERE statement_id = $1`, [treating.id]),
  ).rejects.toThrow(/immutable/);
};

/**
 * 检查检验结果互认: a Guangzhou lab issues a test report to the retiree as an electronic credential; a Foshan hospital shown it at
 * a visit recognises it (verified against Foshan's replicated registry); someone else's report is not recognised (HOLDER_MISMATCH).
 */
export const testResultRecognised = async (c: TestCluster): Promise<void> => {
  const idNumber = retireeId();
  await registerInGuangzhou(c, { kind: 'long-term-resident', idNumber, name: '张伯伯' });
  const lab = await credentialPartner(c, GZ, `it-lab-${randomUUID()}`, ['credentials:issue'], '12440100MB2C000020');
  const issue = async (code: string, name: string) => {
    const r = await request(c.baseUrl(GZ))
      .post('/api/v1/credentials')
      .set(lab)
      .send({ typeCode: 'MEDICAL_TEST_REPORT', holder: { name, code, codeType: '111' }, validFrom: '2026-01-05', validTo: '2030-01-04' });
    expect(r.status).toBe(201);
    return r.body.document as Record<string, unknown>;
  };
  const own = await issue(idNumber, '张伯伯');
  const stranger = await issue(retireeId(), '王五');
  const h = await hospital(c, FS);
  const fs = c.baseUrl(FS);
  const visit = await request(fs)
    .post('/api/v1/medical/visits')
    .set(h.headers)
    .send({ idNumber, visitType: 'outpatient', msgid: h.msgid() })
    .expect(201);
  const recognised = await waitFor("Foshan to recognise Guangzhou's test report", async () => {
    const r = await request(fs)
      .post(`/api/v1/medical/visits/${visit.body.id}/test-results`)
      .set(h.headers)
      .send({ credential: own })
      .expect(200);
    return r.body.recognised ? r.body : undefined;
  });
  expect(recognised).toMatchObject({ reasons: [], credential: { id: own.id, type: 'MEDICAL_TEST_REPORT', issuerCity: GZ } });
  const other = await request(fs)
    .post(`/api/v1/medical/visits/${visit.body.id}/test-results`)
    .set(h.headers)
    .send({ credential: stranger })
    .expect(200);
  expect(other.body).toMatchObject({ recognised: false, reasons: expect.arrayContaining(['HOLDER_MISMATCH']) });
  const rows = await c.query<{ recognised: boolean }>(
    FS,
    `SELECT recognised FROM medical.test_result WHERE visit_id = $1 AND credential_id = $2`,
    [visit.body.id, stranger.id],
  );
  expect(rows).toEqual([{ recognised: false }]);
};

/**
 * A resident registers themself (the verified identity from the token, never the body), reads it back masked; the other
 * city's resident cannot see it; the resident cancels it, and from that day a Foshan hospital finds no 备案 covering the visit.
 */
export const residentRegistersAndCancels = async (c: TestCluster): Promise<void> => {
  const gz = c.baseUrl(GZ);
  const resident = bearer(await c.token(GZ, 'resident'));
  const someoneElse = await request(gz)
    .post('/api/v1/medical/filings')
    .set(resident)
    .send({ kind: 'other-temporary', treatingCity: FS, person: { idNumber: retireeId(), name: '别人' } });
  expect({ status: someoneElse.status, code: someoneElse.body.code }).toEqual({ status: 422, code: 'MEDICAL_PERSON_INVALID' });
  const r = await request(gz).post('/api/v1/medical/filings').set(resident).send({ kind: 'other-temporary', treatingCity: FS });
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ kind: 'other-temporary', treatingCity: FS, validTo: expect.any(String), cancelledOn: null });
  expect(r.body.person.idNumber).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
  await request(gz).get(`/api/v1/medical/filings/${r.body.id}`).set(resident).expect(200);
  const clerkOfFoshan = await request(c.baseUrl(FS))
    .get(`/api/v1/medical/filings/${r.body.id}`)
    .set(bearer(await c.token(FS, 'clerk')));
  expect(clerkOfFoshan.status).toBe(404);
  const h = await hospital(c, FS);
  await waitFor(
    'Foshan to hold the resident’s 备案',
    async () => (await c.query(FS, `SELECT 1 FROM medical.filing WHERE id = $1`, [r.body.id])).length === 1,
  );
  const cancelled = await request(gz).post(`/api/v1/medical/filings/${r.body.id}/cancel`).set(resident).send({}).expect(200);
  expect(cancelled.body.cancelledOn).toEqual(expect.any(String));
  const again = await request(gz).post(`/api/v1/medical/filings/${r.body.id}/cancel`).set(resident).send({});
  expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'MEDICAL_FILING_ALREADY_CANCELLED' });
  await waitFor('Foshan to record the cancellation', async () =>
    (await c.query<{ cancelled_on: string | null }>(FS, `SELECT cancelled_on FROM medical.filing WHERE id = $1`, [r.body.id]))[0]
      ?.cancelled_on
      ? true
      : undefined,
  );
  // The demo resident gz-resident (seeds/demo/users.yaml): the cancelled 备案 no longer covers today.
  const visit = await request(c.baseUrl(FS))
    .post('/api/v1/medical/visits')
    .set(h.headers)
    .send({ idNumber: '440106199001010013', visitType: 'outpatient', msgid: h.msgid() });
  expect({ status: visit.status, code: visit.body.code }).toEqual({ status: 422, code: 'MEDICAL_NOT_REGISTERED' });
};

/** Walks a cursor-paged list to its end with `limit` per page; returns every item (the caller checks for duplicates). */
export const walkPages = async <T>(url: string, path: string, headers: Record<string, string>, limit: number): Promise<T[]> => {
  const all: T[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1_000; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await request(url)
      .get(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      .set(headers)
      .expect(200);
    const page = r.body as { items: T[]; nextCursor: string | null };
    expect(page.items.length).toBeLessThanOrEqual(limit);
    all.push(...page.items);
    if (!page.nextCursor) return all;
    cursor = page.nextCursor;
  }
  throw new Error(`${path}: more than 1000 pages`);
};

const expectNoDuplicates = (ids: string[]): void => expect(new Set(ids).size).toBe(ids.length);

/**
 * Cursor-paged lists: clearing statements of the treating city (per period and state), 备案 (a clerk sees every one of the
 * node, a resident only their own), and a hospital's own settlements (another hospital's code is refused). Pages walk
 * without duplicates; a cursor not issued by the API is refused.
 */
export const medicalListsPage = async (c: TestCluster, walk: { hospital: Hospital; settlements: string[] }): Promise<void> => {
  const fs = c.baseUrl(FS);
  const gz = c.baseUrl(GZ);
  const fsClerk = bearer(await c.token(FS, 'clerk'));
  const gzClerk = bearer(await c.token(GZ, 'clerk'));

  // Statements: five empty periods of a year nobody settles in, walked two by two.
  const year = randomInt(1990, 2020);
  const issued: string[] = [];
  for (let m = 1; m <= 5; m++) {
    const r = await request(fs)
      .post('/api/v1/medical/clearing/statements')
      .set(fsClerk)
      .send({ insuredCity: GZ, period: `${year}-0${m}`, advanceFen: 0 })
      .expect(201);
    expect(r.headers.etag).toBe('"1"');
    issued.push(r.body.id as string);
  }
  const statements = await walkPages<{ id: string; period: string; state: string; version: number }>(
    fs,
    '/api/v1/medical/clearing/statements',
    fsClerk,
    2,
  );
  expectNoDuplicates(statements.map((s) => s.id));
  expect(statements.map((s) => s.id)).toEqual(expect.arrayContaining(issued));
  const periods = statements.map((s) => s.period);
  expect(periods).toEqual([...periods].sort().reverse());
  const ofPeriod = await walkPages<{ id: string }>(fs, `/api/v1/medical/clearing/statements?period=${year}-03`, fsClerk, 1);
  expect(ofPeriod.map((s) => s.id)).toEqual([issued[2]]);
  const issuedOnly = await walkPages<{ id: string; state: string }>(fs, '/api/v1/medical/clearing/statements?state=issued', fsClerk, 3);
  expect(issuedOnly.every((s) => s.state === 'issued')).toBe(true);
  expect(issuedOnly.map((s) => s.id)).toEqual(expect.arrayContaining(issued));
  const badCursor = await request(fs).get('/api/v1/medical/clearing/statements?cursor=not-ours').set(fsClerk);
  expect({ status: badCursor.status, code: badCursor.body.code }).toEqual({ status: 400, code: 'MEDICAL_INVALID_CURSOR' });

  // 备案: a clerk's view walks every 备案 registered here; a resident sees their own only.
  const mine = await request(gz)
    .post('/api/v1/medical/filings')
    .set(bearer(await c.token(GZ, 'resident')))
    .send({ kind: 'other-temporary', treatingCity: FS })
    .expect(201);
  const other = await registerInGuangzhou(c, { kind: 'long-term-resident', idNumber: retireeId(), name: '林阿婆' });
  const clerkView = await walkPages<{ id: string; person: { name: string } }>(gz, '/api/v1/medical/filings?origin=own', gzClerk, 3);
  expectNoDuplicates(clerkView.map((f) => f.id));
  expect(clerkView.map((f) => f.id)).toEqual(expect.arrayContaining([mine.body.id, other.id]));
  expect(clerkView.find((f) => f.id === other.id)!.person.name).toBe('林*婆');
  const residentView = await walkPages<{ id: string; personId: string }>(
    gz,
    '/api/v1/medical/filings',
    bearer(await c.token(GZ, 'resident')),
    1,
  );
  expect(residentView.map((f) => f.id)).toContain(mine.body.id);
  expect(residentView.every((f) => f.personId === mine.body.personId)).toBe(true);
  const replicas = await walkPages<{ id: string; insuredCity: string }>(fs, '/api/v1/medical/filings?origin=replica', fsClerk, 5);
  expect(replicas.map((f) => f.id)).toContain(other.id);
  // The resident cancels theirs (the demo resident must hold no active 备案 for the other scenarios): it lists as cancelled.
  await request(gz)
    .post(`/api/v1/medical/filings/${mine.body.id}/cancel`)
    .set(bearer(await c.token(GZ, 'resident')))
    .send({})
    .expect(200);
  const cancelled = await walkPages<{ id: string }>(gz, '/api/v1/medical/filings?status=cancelled', gzClerk, 10);
  expect(cancelled.map((f) => f.id)).toContain(mine.body.id);
  const active = await walkPages<{ id: string }>(gz, '/api/v1/medical/filings?status=active', gzClerk, 10);
  expect(active.map((f) => f.id)).not.toContain(mine.body.id);
  await waitFor('Foshan to record the cancellation', async () =>
    (await c.query<{ cancelled_on: string | null }>(FS, `SELECT cancelled_on FROM medical.filing WHERE id = $1`, [mine.body.id]))[0]
      ?.cancelled_on
      ? true
      : undefined,
  );

  // A hospital's settlements: its own, one by one; another hospital's code is refused.
  const own = await walkPages<{ id: string; hospitalCode: string }>(
    fs,
    `/api/v1/medical/hospitals/${walk.hospital.code}/settlements`,
    walk.hospital.headers,
    1,
  );
  expectNoDuplicates(own.map((s) => s.id));
  expect(own.map((s) => s.id).sort()).toEqual([...walk.settlements].sort());
  const stranger = await hospital(c, FS);
  const refused = await request(fs).get(`/api/v1/medical/hospitals/${walk.hospital.code}/settlements`).set(stranger.headers);
  expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 403, code: 'MEDICAL_NOT_YOUR_HOSPITAL' });
  const strangersOwn = await request(fs).get(`/api/v1/medical/hospitals/${stranger.code}/settlements`).set(stranger.headers).expect(200);
  expect(strangersOwn.body).toEqual({ items: [], nextCursor: null });
};

interface HealthRequestBody {
  id: string;
  state: 'pending' | 'shared' | 'refused';
  refusal: string | null;
  summary: Record<string, unknown> | null;
}

/**
 * 电子健康档案 summaries shared with consent: Guangzhou holds the demo resident's summary; a Foshan hospital asks through
 * Foshan's node. Without consent → refused (MEDICAL_CONSENT_MISSING); the resident consents for that hospital and purpose →
 * the summary arrives (sealed at rest at Foshan); another purpose → refused; an expired consent → MEDICAL_CONSENT_EXPIRED;
 * revoked → MEDICAL_CONSENT_REVOKED; the resident's access log shows every request with its outcome.
 */
export const healthSummaryByConsent = async (c: TestCluster): Promise<void> => {
  const gz = c.baseUrl(GZ);
  const fs = c.baseUrl(FS);
  const resident = bearer(await c.token(GZ, 'resident'));
  const idNumber = '440106199001010013'; // gz-resident (seeds/demo/users.yaml)
  const summary = {
    bloodType: 'B+',
    allergies: ['青霉素'],
    conditions: ['高血压'],
    medications: ['氨氯地平 5mg qd'],
    updatedOn: '2026-02-20',
  };
  await request(gz)
    .put('/api/v1/medical/health-record/summaries')
    .set(bearer(await c.token(GZ, 'clerk')))
    .send({ idNumber, name: '示例居民', summary })
    .expect(200);
  const h = await hospital(c, FS);
  const ask = async (purpose = 'treatment', who: Hospital = h): Promise<HealthRequestBody> => {
    const r = await request(fs)
      .post('/api/v1/medical/health-record/requests')
      .set(who.headers)
      .send({ patientCity: GZ, idNumber, purpose });
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({ state: 'pending', summary: null });
    return waitFor(`Guangzhou's answer to health-summary request ${r.body.id}`, async () => {
      const g = (await request(fs).get(`/api/v1/medical/health-record/requests/${r.body.id}`).set(who.headers).expect(200))
        .body as HealthRequestBody;
      return g.state === 'pending' ? undefined : g;
    });
  };

  const noConsent = await ask();
  expect(noConsent).toMatchObject({ state: 'refused', refusal: 'MEDICAL_CONSENT_MISSING', summary: null });

  const expiresAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const consent = await request(gz)
    .post('/api/v1/medical/health-record/consents')
    .set(resident)
    .send({ hospitalCity: FS, hospitalCode: h.code, purpose: 'treatment', expiresAt })
    .expect(201);
  expect(consent.body).toMatchObject({ hospitalCity: FS, hospitalCode: h.code, purpose: 'treatment', state: 'valid', revokedAt: null });
  const shared = await ask();
  expect(shared).toMatchObject({ state: 'shared', refusal: null, summary });
  // At rest at Foshan the summary is sealed: no clear text in the row.
  const [row] = await c.query<{ summary_sealed: string }>(FS, `SELECT summary_sealed FROM medical.health_request WHERE id = $1`, [
    shared.id,
  ]);
  expect(row!.summary_sealed).not.toContain('青霉素');
  // Another hospital cannot read it; another purpose is not covered by the consent.
  const other = await hospital(c, FS);
  await request(fs).get(`/api/v1/medical/health-record/requests/${shared.id}`).set(other.headers).expect(404);
  expect(await ask('research')).toMatchObject({ state: 'refused', refusal: 'MEDICAL_CONSENT_MISSING' });

  // A consent that has run out (its expiry moved into the past in Guangzhou's database: no waiting on the clock).
  const late = await request(gz)
    .post('/api/v1/medical/health-record/consents')
    .set(resident)
    .send({ hospitalCity: FS, hospitalCode: other.code, purpose: 'treatment', expiresAt })
    .expect(201);
  await c.query(
    GZ,
    `UPDATE medical.health_consent SET granted_at = now() - interval '2 days', expires_at = now() - interval '1 day' WHERE id = $1`,
    [late.body.id],
  );
  expect(await ask('treatment', other)).toMatchObject({ state: 'refused', refusal: 'MEDICAL_CONSENT_EXPIRED', summary: null });

  // Revoked: further requests are refused.
  const revoked = await request(gz)
    .post(`/api/v1/medical/health-record/consents/${consent.body.id}/revoke`)
    .set(resident)
    .send({})
    .expect(200);
  expect(revoked.body).toMatchObject({ state: 'revoked', revokedAt: expect.any(String) });
  const afterRevoke = await ask();
  expect(afterRevoke).toMatchObject({ state: 'refused', refusal: 'MEDICAL_CONSENT_REVOKED', summary: null });
  const consents = (await request(gz).get('/api/v1/medical/health-record/consents').set(resident).expect(200)).body as {
    id: string;
    state: string;
  }[];
  expect(consents.find((x) => x.id === consent.body.id)?.state).toBe('revoked');
  expect(consents.find((x) => x.id === late.body.id)?.state).toBe('expired');

  // The patient's access log: every request, who, for what, and the outcome; newest first, cursor-paged.
  type Entry = { requestId: string; at: string; hospitalCode: string; outcome: string; refusal: string | null; consentId: string | null };
  const log: Entry[] = [];
  for (let cursor: string | null = null, pages = 0; pages === 0 || cursor; pages++) {
    const page: { body: { items: Entry[]; nextCursor: string | null } } = await request(gz)
      .get('/api/v1/medical/health-record/access-log')
      .query(cursor ? { limit: 2, cursor } : { limit: 2 })
      .set(resident)
      .expect(200);
    expect(page.body.items.length).toBeLessThanOrEqual(2);
    log.push(...page.body.items);
    cursor = page.body.nextCursor;
  }
  expect(new Set(log.map((e) => e.requestId)).size).toBe(log.length);
  expect(log.map((e) => e.at)).toEqual([...log.map((e) => e.at)].sort().reverse());
  const whole = (await request(gz).get('/api/v1/medical/health-record/access-log?limit=100').set(resident).expect(200)).body as {
    items: Entry[];
  };
  expect(log.map((e) => e.requestId)).toEqual(whole.items.map((e) => e.requestId));
  const badCursor = await request(gz).get('/api/v1/medical/health-record/access-log?cursor=bm90LW91cnM').set(resident);
  expect({ status: badCursor.status, code: badCursor.body.code }).toEqual({ status: 400, code: 'MEDICAL_INVALID_CURSOR' });
  const byRequest = new Map(log.map((e) => [e.requestId, e]));
  expect(byRequest.get(noConsent.id)).toMatchObject({ hospitalCode: h.code, outcome: 'refused', refusal: 'MEDICAL_CONSENT_MISSING' });
  expect(byRequest.get(shared.id)).toMatchObject({ hospitalCode: h.code, outcome: 'shared', refusal: null, consentId: consent.body.id });
  expect(byRequest.get(afterRevoke.id)).toMatchObject({ outcome: 'refused', refusal: 'MEDICAL_CONSENT_REVOKED' });
  // Someone else's log does not show these reads.
  const others = await request(gz)
    .get('/api/v1/medical/health-record/access-log')
    .set(bearer(await c.token(GZ, 'clerk')));
  expect(others.status).toBe(403);
};

interface BookingBody {
  id: string;
  state: 'pending' | 'confirmed' | 'refused' | 'timed-out' | 'cancelled' | 'withdrawn';
  refusal: string | null;
  reason: string | null;
  slot: { department: string; startsAt: string } | null;
  lateAnswer: { outcome: string; at: string } | null;
}

/**
 * 预约挂号互通: Guangzhou's residents book at a Foshan hospital through Guangzhou's node. Two bookings race for the last place
 * of a slot: exactly one is confirmed, the other refused MEDICAL_SLOT_FULL; an unknown slot is refused; with Foshan down the
 * booking stays pending and times out after its deadline (the reason shown); Foshan's late confirmation is recorded but does
 * not revive it, and the place is released at the hospital.
 */
export const bookingAcrossCities = async (c: TestCluster): Promise<void> => {
  const gz = c.baseUrl(GZ);
  const h = await hospital(c, FS);
  const slot = async (capacity: number) => {
    const id = randomUUID();
    await c.query(FS, `INSERT INTO medical.booking_slot (id, hospital_code, department, starts_at, capacity) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      h.code,
      '心血管内科',
      '2027-01-11T01:00:00.000Z',
      capacity,
    ]);
    return id;
  };
  const resident = bearer(await c.token(GZ, 'resident'));
  const clerk = bearer(await c.token(GZ, 'clerk'));
  const book = (auth: Record<string, string>, slotId: string, person?: { idNumber: string; name: string }) =>
    request(gz)
      .post('/api/v1/medical/bookings')
      .set(auth)
      .send({ hospitalCity: FS, hospitalCode: h.code, slotId, ...(person ? { person } : {}) });
  const answered = (id: string, auth: Record<string, string>) =>
    waitFor(`the answer to booking ${id}`, async () => {
      const b = (await request(gz).get(`/api/v1/medical/bookings/${id}`).set(auth).expect(200)).body as BookingBody;
      return b.state === 'pending' ? undefined : b;
    });

  // The last place: two residents at once (the demo resident themself, a clerk for another person) — exactly one wins.
  const last = await slot(1);
  const [a, b] = await Promise.all([book(resident, last), book(clerk, last, { idNumber: retireeId(), name: '周阿姨' })]);
  expect([a.status, b.status]).toEqual([202, 202]);
  expect(a.body).toMatchObject({ state: 'pending', refusal: null });
  const outcomes = await Promise.all([answered(a.body.id, resident), answered(b.body.id, clerk)]);
  expect(outcomes.map((o) => o.state).sort()).toEqual(['confirmed', 'refused']);
  const winner = outcomes.find((o) => o.state === 'confirmed')!;
  expect(winner.slot).toEqual({ department: '心血管内科', startsAt: '2027-01-11T01:00:00.000Z' });
  expect(outcomes.find((o) => o.state === 'refused')).toMatchObject({ refusal: 'MEDICAL_SLOT_FULL', slot: null });
  const [taken] = await c.query<{ booked: number }>(FS, `SELECT booked FROM medical.booking_slot WHERE id = $1`, [last]);
  expect(taken!.booked).toBe(1);
  // A resident sees only their own bookings.
  const clerkBooking = outcomes[1]!.id;
  await request(gz).get(`/api/v1/medical/bookings/${clerkBooking}`).set(resident).expect(404);

  const unknown = await book(clerk, randomUUID(), { idNumber: retireeId(), name: '吴伯' }).expect(202);
  expect(await answered(unknown.body.id, clerk)).toMatchObject({ state: 'refused', refusal: 'MEDICAL_SLOT_NOT_FOUND' });

  // Foshan down: the booking waits; past its deadline it is timed-out with the reason (the deadline moved into the past in
  // Guangzhou's database: no waiting on the clock).
  const spare = await slot(5);
  await c.stopNode(FS);
  let late: BookingBody;
  try {
    const r = await book(clerk, spare, { idNumber: retireeId(), name: '郑伯' }).expect(202);
    expect((await request(gz).get(`/api/v1/medical/bookings/${r.body.id}`).set(clerk).expect(200)).body.state).toBe('pending');
    await c.query(GZ, `UPDATE medical.booking SET deadline_at = now() - interval '1 second' WHERE id = $1`, [r.body.id]);
    late = (await request(gz).get(`/api/v1/medical/bookings/${r.body.id}`).set(clerk).expect(200)).body as BookingBody;
    expect(late).toMatchObject({ state: 'timed-out', refusal: 'MEDICAL_BOOKING_TIMED_OUT', lateAnswer: null, slot: null });
    expect(late.reason).toMatch(/60 s/);
  } finally {
    await c.startNode(FS);
  }
  // Foshan answers (confirmed: its deadline, carried in the request, had not passed there); recorded, not revived; released.
  const after = await waitFor(
    'Foshan’s late answer',
    async () => {
      const g = (await request(gz).get(`/api/v1/medical/bookings/${late.id}`).set(clerk).expect(200)).body as BookingBody;
      return g.lateAnswer ? g : undefined;
    },
    60_000,
  );
  expect(after).toMatchObject({
    state: 'timed-out',
    refusal: 'MEDICAL_BOOKING_TIMED_OUT',
    slot: null,
    lateAnswer: { outcome: 'confirmed' },
  });
  await waitFor('Foshan to release the late confirmation’s place', async () => {
    const [s] = await c.query<{ booked: number }>(FS, `SELECT booked FROM medical.booking_slot WHERE id = $1`, [spare]);
    const [hold] = await c.query<{ released: boolean }>(
      FS,
      `SELECT released_at IS NOT NULL AS released FROM medical.booking_hold WHERE booking_id = $1`,
      [late.id],
    );
    return s!.booked === 0 && hold?.released === true;
  });
};

/** A Guangzhou clerk booking slots of Foshan hospital `hospitalCode` for new persons: book (202), read, wait for the answer. */
const clerkBookings = (c: TestCluster, clerk: Record<string, string>, hospitalCode: string) => {
  const gz = c.baseUrl(GZ);
  const read = async (id: string) => (await request(gz).get(`/api/v1/medical/bookings/${id}`).set(clerk).expect(200)).body as BookingBody;
  return {
    book: (slotId: string, name: string) =>
      request(gz)
        .post('/api/v1/medical/bookings')
        .set(clerk)
        .send({ hospitalCity: FS, hospitalCode, slotId, person: { idNumber: retireeId(), name } })
        .expect(202),
    read,
    answered: (id: string) =>
      waitFor(`the answer to booking ${id}`, async () => {
        const b = await read(id);
        return b.state === 'pending' ? undefined : b;
      }),
  };
};

/**
 * 预约挂号: the patient cancels a confirmed booking; Foshan releases the place (once), and the next booking gets it. A refused
 * booking or one whose slot has started cannot be cancelled; someone else's is not found.
 */
export const bookingCancelledByPatient = async (c: TestCluster): Promise<void> => {
  const gz = c.baseUrl(GZ);
  const h = await hospital(c, FS);
  const slot = async (capacity: number, startsAt: string) => {
    const id = randomUUID();
    await c.query(FS, `INSERT INTO medical.booking_slot (id, hospital_code, department, starts_at, capacity) VALUES ($1, $2, $3, $4, $5)`, [
      id,
      h.code,
      '眼科',
      startsAt,
      capacity,
    ]);
    return id;
  };
  const clerk = bearer(await c.token(GZ, 'clerk'));
  const resident = bearer(await c.token(GZ, 'resident'));
  const { book, answered } = clerkBookings(c, clerk, h.code);
  const booked = async (slotId: string) =>
    (await c.query<{ booked: number }>(FS, `SELECT booked FROM medical.booking_slot WHERE id = $1`, [slotId]))[0]!.booked;
  const cancel = (id: string, auth = clerk) => request(gz).post(`/api/v1/medical/bookings/${id}/cancel`).set(auth).send({});

  const only = await slot(1, '2099-01-11T01:00:00.000Z');
  const first = await book(only, '冯伯');
  expect(await answered(first.body.id)).toMatchObject({ state: 'confirmed' });
  const second = await book(only, '褚姨');
  expect(await answered(second.body.id)).toMatchObject({ state: 'refused', refusal: 'MEDICAL_SLOT_FULL' });
  expect(await booked(only)).toBe(1);

  // Not the resident's booking: not found. The clerk cancels for the person; again is the same answer.
  expect((await cancel(first.body.id, resident)).status).toBe(404);
  const cancelled = await cancel(first.body.id).expect(200);
  expect(cancelled.body).toMatchObject({ id: first.body.id, state: 'cancelled', cancelledAt: expect.any(String) });
  const again = await cancel(first.body.id).expect(200);
  expect(again.body.cancelledAt).toBe(cancelled.body.cancelledAt);
  expect((await request(gz).get(`/api/v1/medical/bookings/${first.body.id}`).set(clerk).expect(200)).body.state).toBe('cancelled');

  // Foshan releases the place once; the next booking gets it.
  await waitFor('Foshan to release the cancelled place', async () => (await booked(only)) === 0);
  const [hold] = await c.query<{ released: boolean }>(
    FS,
    `SELECT released_at IS NOT NULL AS released FROM medical.booking_hold WHERE booking_id = $1`,
    [first.body.id],
  );
  expect(hold!.released).toBe(true);
  const third = await book(only, '卫叔');
  expect(await answered(third.body.id)).toMatchObject({ state: 'confirmed' });
  expect(await booked(only)).toBe(1);

  // Nothing to cancel: a refused booking, one whose slot has started.
  const refused = await cancel(second.body.id);
  expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 409, code: 'MEDICAL_BOOKING_NOT_CANCELLABLE' });
  const past = await slot(1, '2020-01-06T01:00:00.000Z');
  const started = await book(past, '蒋伯');
  expect(await answered(started.body.id)).toMatchObject({ state: 'confirmed' });
  const tooLate = await cancel(started.body.id);
  expect({ status: tooLate.status, code: tooLate.body.code }).toEqual({ status: 409, code: 'MEDICAL_BOOKING_NOT_CANCELLABLE' });
  expect(await booked(past)).toBe(1);
};

interface SlotBody {
  slotId: string;
  hospitalCity: string;
  hospitalCode: string;
  hospitalName: string;
  hospitalLevel: string;
  department: string;
  startsAt: string;
  capacity: number;
  remaining: number;
  withdrawn: { at: string; reason: string } | null;
}

/**
 * 预约挂号互通, finding a slot: a Foshan hospital offers slots at Foshan's node; a Guangzhou resident lists them at Guangzhou's
 * node (cursor-paged, places left as last announced), books one, sees it in their own bookings, and the places left follow the
 * booking and its cancellation. Bad input is problem+json.
 */
export const slotsFoundAndBooked = async (c: TestCluster): Promise<void> => {
  const gz = c.baseUrl(GZ);
  const fs = c.baseUrl(FS);
  const h = await hospital(c, FS);
  const department = `内分泌科${randomInt(0, 1_000_000)}`;
  const inDays = (d: number, hour = 1) => new Date(Math.floor(Date.now() / 86_400_000 + d) * 86_400_000 + hour * 3_600_000).toISOString();
  const offer = (startsAt: string, capacity = 2) =>
    request(fs).post('/api/v1/medical/slots').set(h.headers).send({ department, startsAt, capacity });
  const offered = (await offer(inDays(10)).expect(201)).body as SlotBody;
  expect(offered).toMatchObject({
    hospitalCity: FS,
    hospitalCode: h.code,
    department,
    capacity: 2,
    remaining: 2,
    hospitalLevel: 'tertiary',
  });
  const later = [(await offer(inDays(11)).expect(201)).body as SlotBody, (await offer(inDays(12)).expect(201)).body as SlotBody];

  const resident = bearer(await c.token(GZ, 'resident'));
  const list = async () =>
    walkPages<SlotBody>(gz, `/api/v1/medical/slots?hospitalCity=${FS}&department=${encodeURIComponent(department)}`, resident, 2);
  const all = await waitFor('Guangzhou to list the three slots', async () => {
    const items = await list();
    return items.length === 3 ? items : undefined;
  });
  // Earliest first, across pages of two.
  expect(all.map((s) => s.slotId)).toEqual([offered.slotId, ...later.map((s) => s.slotId)]);
  expect(all[0]).toEqual(offered);

  // Booked from the list: confirmed, and the places left follow.
  const booked = await request(gz)
    .post('/api/v1/medical/bookings')
    .set(resident)
    .send({ hospitalCity: FS, hospitalCode: offered.hospitalCode, slotId: offered.slotId })
    .expect(202);
  await waitFor('the booking to be confirmed', async () => {
    const b = (await request(gz).get(`/api/v1/medical/bookings/${booked.body.id}`).set(resident).expect(200)).body as BookingBody;
    return b.state === 'confirmed' ? b : undefined;
  });
  const remaining = async () => (await list()).find((s) => s.slotId === offered.slotId)!.remaining;
  await waitFor('one place left in the list', async () => (await remaining()) === 1);
  // The resident's own bookings, newest first, include it; a clerk sees it too.
  const mine = await walkPages<BookingBody & { slotId: string }>(gz, '/api/v1/medical/bookings', resident, 5);
  expect(mine.find((b) => b.id === booked.body.id)).toMatchObject({ state: 'confirmed', slotId: offered.slotId });
  const clerk = bearer(await c.token(GZ, 'clerk'));
  const theirs = await walkPages<BookingBody>(gz, '/api/v1/medical/bookings', clerk, 50);
  expect(theirs.some((b) => b.id === booked.body.id)).toBe(true);
  // Another person's booking (a clerk books for someone else) is not in the resident's list.
  const other = await request(gz)
    .post('/api/v1/medical/bookings')
    .set(clerk)
    .send({
      hospitalCity: FS,
      hospitalCode: offered.hospitalCode,
      slotId: later[0]!.slotId,
      person: { idNumber: retireeId(), name: '区伯' },
    })
    .expect(202);
  expect((await walkPages<BookingBody>(gz, '/api/v1/medical/bookings', resident, 5)).some((b) => b.id === other.body.id)).toBe(false);
  // Cancelled: the place comes back.
  await request(gz).post(`/api/v1/medical/bookings/${booked.body.id}/cancel`).set(resident).expect(200);
  await waitFor('two places again', async () => (await remaining()) === 2);

  // Bad input: problem+json with stable codes.
  const problem = (r: request.Response, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.body.code).toBe(code);
  };
  problem(await offer(inDays(-1)), 422, 'MEDICAL_SLOT_INVALID');
  problem(await offer(inDays(400)), 422, 'MEDICAL_SLOT_INVALID');
  problem(await offer(inDays(3), 0), 400, 'VALIDATION_FAILED');
  problem(
    await request(fs)
      .post('/api/v1/medical/slots')
      .set(h.headers)
      .send({ department: 'x\u0000', startsAt: inDays(3), capacity: 1 }),
    400,
    'VALIDATION_FAILED',
  );
  problem(
    await request(fs).post('/api/v1/medical/slots').set(h.headers).send({ department, startsAt: 'tomorrow', capacity: 1 }),
    400,
    'VALIDATION_FAILED',
  );
  // A day is not an instant: a slot starts at a date-time with its offset.
  problem(
    await request(fs)
      .post('/api/v1/medical/slots')
      .set(h.headers)
      .send({ department, startsAt: inDays(3).slice(0, 10), capacity: 1 }),
    400,
    'VALIDATION_FAILED',
  );
  // A Foshan hospital's key at Guangzhou's node is not a key there; a resident offers nothing.
  expect(
    (
      await request(gz)
        .post('/api/v1/medical/slots')
        .set(h.headers)
        .send({ department, startsAt: inDays(3), capacity: 1 })
    ).status,
  ).toBe(401);
  expect(
    (
      await request(gz)
        .post('/api/v1/medical/slots')
        .set(resident)
        .send({ department, startsAt: inDays(3), capacity: 1 })
    ).status,
  ).toBe(403);
  problem(await request(gz).get(`/api/v1/medical/slots?hospitalCity=${GZ}`).set(resident), 422, 'MEDICAL_CITY_UNKNOWN');
  problem(await request(gz).get(`/api/v1/medical/slots?hospitalCity=${FS}&cursor=nope`).set(resident), 400, 'MEDICAL_INVALID_CURSOR');
  problem(await request(gz).get('/api/v1/medical/slots').set(resident), 400, 'VALIDATION_FAILED');
  problem(await request(gz).get('/api/v1/medical/bookings?cursor=bad').set(resident), 400, 'MEDICAL_INVALID_CURSOR');
};

/**
 * 预约挂号, 停诊: a Foshan hospital sees who booked its slot (masked, paged, audited), then withdraws it. Foshan releases both places at once and
 * refuses any later booking of it; Guangzhou ends both bookings (withdrawn, with the hospital's reason), drops the slot from its
 * listing and leaves the booking of another slot alone. Withdrawing again answers the same; another hospital's slot, a slot
 * that has started and bad input are problem+json. Audited at both cities.
 */
export const slotWithdrawn = async (c: TestCluster): Promise<void> => {
  const gz = c.baseUrl(GZ);
  const fs = c.baseUrl(FS);
  const h = await hospital(c, FS);
  const otherHospital = await hospital(c, FS);
  const department = `耳鼻喉科${randomInt(0, 1_000_000)}`;
  const startsAt = new Date(Math.floor(Date.now() / 86_400_000 + 9) * 86_400_000 + 3_600_000).toISOString();
  const offer = async () =>
    (await request(fs).post('/api/v1/medical/slots').set(h.headers).send({ department, startsAt, capacity: 3 }).expect(201))
      .body as SlotBody;
  const [slot, kept] = [await offer(), await offer()];
  const clerk = bearer(await c.token(GZ, 'clerk'));
  const { book, read, answered } = clerkBookings(c, clerk, h.code);
  const listed = async () =>
    (await walkPages<SlotBody>(gz, `/api/v1/medical/slots?hospitalCity=${FS}&department=${encodeURIComponent(department)}`, clerk, 5)).map(
      (s) => s.slotId,
    );
  const withdraw = (slotId: string, body: unknown, headers = h.headers) =>
    request(fs)
      .post(`/api/v1/medical/slots/${slotId}/withdrawal`)
      .set(headers)
      .send(body as object);
  const problem = (r: request.Response, status: number, code: string) => {
    expect({ status: r.status, code: r.body.code }).toEqual({ status, code });
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
  };

  const first = await book(slot.slotId, '甲伯');
  const second = await book(slot.slotId, '乙姨');
  const elsewhere = await book(kept.slotId, '丙叔');
  for (const b of [first, second, elsewhere]) expect(await answered(b.body.id)).toMatchObject({ state: 'confirmed' });
  await waitFor('Guangzhou to list both slots', async () => ((await listed()).length === 2 ? true : undefined));

  // Not this hospital's slot, not a slot id, no reason, a NUL byte, a blank reason, a clerk: refused, nothing changes.
  problem(await withdraw(slot.slotId, { reason: '停诊' }, otherHospital.headers), 404, 'MEDICAL_SLOT_NOT_FOUND');
  problem(await withdraw('not-a-slot', { reason: '停诊' }), 404, 'MEDICAL_SLOT_NOT_FOUND');
  problem(await withdraw(slot.slotId, {}), 400, 'VALIDATION_FAILED');
  problem(await withdraw(slot.slotId, { reason: '停\u0000诊' }), 400, 'VALIDATION_FAILED');
  problem(await withdraw(slot.slotId, { reason: '   ' }), 422, 'MEDICAL_SLOT_INVALID');
  expect((await withdraw(slot.slotId, { reason: '停诊' }, bearer(await c.token(FS, 'clerk')))).status).toBe(403);
  const places = async (id: string) =>
    (await c.query<{ booked: number }>(FS, `SELECT booked FROM medical.booking_slot WHERE id = $1`, [id]))[0]!.booked;
  expect(await places(slot.slotId)).toBe(2);

  // The hospital's list of who is coming: its own slot only, masked, in the order confirmed, paged; every read audited.
  type Hold = {
    bookingId: string;
    patientCity: string;
    patient: { name: string; idNumber: string };
    confirmedAt: string;
    releasedAt: string | null;
  };
  const holds = () => walkPages<Hold>(fs, `/api/v1/medical/slots/${slot.slotId}/bookings`, h.headers, 1);
  const coming = await holds();
  expect(coming.map((x) => x.bookingId).sort()).toEqual([first.body.id, second.body.id].sort());
  expect(coming.map((x) => x.confirmedAt)).toEqual(coming.map((x) => x.confirmedAt).sort()); // in the order confirmed
  expect(coming[0]).toMatchObject({
    patientCity: GZ,
    patient: { name: '甲*', idNumber: expect.stringMatching(/^\d{3}\*{11}\d{3}[\dX]$/) },
  });
  expect(coming.every((x) => x.releasedAt === null)).toBe(true);
  problem(await request(fs).get(`/api/v1/medical/slots/${slot.slotId}/bookings`).set(otherHospital.headers), 404, 'MEDICAL_SLOT_NOT_FOUND');
  problem(await request(fs).get(`/api/v1/medical/slots/${slot.slotId}/bookings?cursor=nope`).set(h.headers), 400, 'MEDICAL_INVALID_CURSOR');
  expect(
    (
      await request(fs)
        .get(`/api/v1/medical/slots/${slot.slotId}/bookings`)
        .set(bearer(await c.token(FS, 'clerk')))
    ).status,
  ).toBe(403);
  expect(
    await c.query(FS, `SELECT count(*)::int AS n FROM platform.audit_log WHERE action = 'medical.booking.hold.list' AND resource = $1`, [
      `medical-slot:${slot.slotId}`,
    ]),
  ).toEqual([{ n: 2 }]); // two pages of one

  const done = await withdraw(slot.slotId, { reason: '专家停诊' }).expect(200);
  expect(done.body).toMatchObject({ slotId: slot.slotId, remaining: 0, withdrawn: { reason: '专家停诊', at: expect.any(String) } });
  expect((await withdraw(slot.slotId, { reason: '别的原因' }).expect(200)).body.withdrawn).toEqual(done.body.withdrawn);
  // Foshan: both places released at once, the other slot untouched.
  expect(await places(slot.slotId)).toBe(0);
  expect(await places(kept.slotId)).toBe(1);
  expect((await holds()).map((x) => x.releasedAt !== null)).toEqual([true, true]);

  // Guangzhou: both bookings withdrawn with the reason, the other one still confirmed, the slot no longer listed.
  for (const b of [first, second])
    expect(
      await waitFor(`booking ${b.body.id} to be withdrawn`, async () => {
        const v = await read(b.body.id);
        return v.state === 'withdrawn' ? v : undefined;
      }),
    ).toMatchObject({
      state: 'withdrawn',
      refusal: 'MEDICAL_SLOT_WITHDRAWN',
      reason: expect.stringContaining('专家停诊'),
      withdrawnAt: done.body.withdrawn.at,
    });
  expect((await read(elsewhere.body.id)).state).toBe('confirmed');
  await waitFor('the withdrawn slot to leave the listing', async () => ((await listed()).join() === kept.slotId ? true : undefined));
  problem(
    await request(gz).post(`/api/v1/medical/bookings/${first.body.id}/cancel`).set(clerk).send({}),
    409,
    'MEDICAL_BOOKING_NOT_CANCELLABLE',
  );

  // Booking it now (a stale listing, or an id kept from before): refused by Foshan.
  const late = await book(slot.slotId, '丁伯');
  expect(await answered(late.body.id)).toMatchObject({ state: 'refused', refusal: 'MEDICAL_SLOT_NOT_FOUND' });
  expect(await places(slot.slotId)).toBe(0);

  // Audited: the withdrawal at Foshan (how many places it released), the bookings it ended at Guangzhou.
  const [withdrawal] = await c.query<{ detail: { released: number; reason: string } }>(
    FS,
    `SELECT detail FROM platform.audit_log WHERE action = 'medical.slot.withdraw' AND resource = $1`,
    [`medical-slot:${slot.slotId}`],
  );
  expect(withdrawal?.detail).toMatchObject({ released: 2, reason: '专家停诊' });
  const [ended] = await c.query<{ detail: { bookings: { booking: string }[] } }>(
    GZ,
    `SELECT detail FROM platform.audit_log WHERE action = 'medical.booking.withdrawn' AND resource = $1`,
    [`medical-slot:${slot.slotId}`],
  );
  expect(ended?.detail.bookings.map((b) => b.booking).sort()).toEqual([first.body.id, second.body.id].sort());

  // A slot that has started can no longer be withdrawn.
  await c.query(FS, `UPDATE medical.booking_slot SET starts_at = now() - interval '1 minute' WHERE id = $1`, [kept.slotId]);
  problem(await withdraw(kept.slotId, { reason: '专家停诊' }), 409, 'MEDICAL_SLOT_STARTED');
};
