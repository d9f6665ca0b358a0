import { expect } from '@jest/globals';
import request from 'supertest';
import type { TestCluster } from './cluster.js';
import { FS, GZ, hospital, type Hospital, registerInGuangzhou, retireeId } from './medical.scenarios.js';

/**
 * The national interfaces around the daily reconciliation, at Foshan (the treating city) for a Guangzhou-insured person:
 * 5206 (cumulative figures, whose knowledge each is), 9101 / 9102 (the 3202 detail file uploaded, the result downloaded),
 * 3203 / 3204 (the hospital's clearing application at its own agency, and its reversal before the agency processes it).
 */

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const LINES = [{ lineNo: 1, code: 'A-001', name: '阿莫西林胶囊', quantity: 1, unitPriceFen: 30_000 }];
const HEADER = 'setl_id,kind,medfee_sumamt,fund_pay_sumamt,acct_pay,psn_cash_pay';

const settleOnce = async (c: TestCluster, h: Hospital, idNumber: string) => {
  const fs = c.baseUrl(FS);
  const v = await request(fs)
    .post('/api/v1/medical/visits')
    .set(h.headers)
    .send({ idNumber, visitType: 'outpatient', msgid: h.msgid() })
    .expect(201);
  await request(fs).post(`/api/v1/medical/visits/${v.body.id}/fee-lines`).set(h.headers).send({ lines: LINES }).expect(200);
  return (await request(fs).post(`/api/v1/medical/visits/${v.body.id}/settlement`).set(h.headers).send({ msgid: h.msgid() }).expect(201))
    .body as {
    id: string;
    settledOn: string;
    totals: { medfee_sumamt: number; fund_pay_sumamt: number; hifp_pay: number; acct_pay: number; psn_cash_pay: number };
  };
};

const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

/** Two settlements and one reversal on one day; 5206 over REST and the envelope; the day reconciled through 9101 / 3202 / 9102 and 3201. */
export const settleAndReconcileThroughFiles = async (
  c: TestCluster,
): Promise<{
  h: Hospital;
  day: string;
  kept: { id: string; fund: number; acct: number; cash: number; total: number };
  lateSettler: Hospital;
  neverReconciled: Hospital;
}> => {
  const fs = c.baseUrl(FS);
  const idNumber = retireeId();
  const filing = await registerInGuangzhou(c, { kind: 'resettled-retiree', idNumber, name: '梁伯', accountBalanceFen: 0 });
  const h = await hospital(c, FS);
  const other = await hospital(c, FS);
  const a = await settleOnce(c, h, idNumber);
  const b = await settleOnce(c, h, idNumber);
  await request(fs).post(`/api/v1/medical/settlements/${a.id}/reversal`).set(h.headers).send({ msgid: h.msgid() }).expect(200);
  const day = b.settledOn;
  const kept = {
    id: b.id,
    fund: b.totals.fund_pay_sumamt,
    acct: b.totals.acct_pay,
    cash: b.totals.psn_cash_pay,
    total: b.totals.medfee_sumamt,
  };
  // tertiary outpatient, long-term 备案: (300.00 − 100.00) × 60 % = 120.00 yuan from the fund.
  expect(kept).toMatchObject({ fund: 12_000, acct: 0, cash: 18_000, total: 30_000 });

  // 5206 over REST: the insured city's cap (its policy) and grant, Foshan's own use; what was used elsewhere is bounded, not known.
  const cum = await request(fs).get(`/api/v1/medical/persons/${filing.personId}/cumulative`).set(h.headers).expect(200);
  expect(cum.body).toMatchObject({
    personId: filing.personId,
    insuredCity: GZ,
    year: Number(day.slice(0, 4)),
    policyVersion: expect.any(String),
    settledHere: { count: 1, medfeeFen: 30_000, fundFen: 12_000, acctFen: 0, cashFen: 18_000 },
  });
  expect(cum.body.pots).toEqual([
    {
      pot: 'hifp',
      insuredCity: { capFen: 60_000_000, grantedFen: 5_000_000 },
      treatingCity: { consumedFen: 12_000, returnedFen: 0, availableFen: 4_988_000, topUpRequested: false },
      elsewhereAtMostFen: 55_000_000,
    },
    {
      pot: 'acct',
      insuredCity: { capFen: null, grantedFen: 0 },
      // An empty account: nothing granted, so Foshan has asked Guangzhou for a top-up (running low).
      treatingCity: { consumedFen: 0, returnedFen: 0, availableFen: 0, topUpRequested: true },
      elsewhereAtMostFen: null,
    },
  ]);
  const env = (infno: string, input: Record<string, unknown>, who = h, msgid = who.msgid()) =>
    request(fs)
      .post('/api/v1/medical/national')
      .set(who.headers)
      .send({ infno, msgid, mdtrtarea_admvs: FS, insuplc_admdvs: GZ, signtype: 'SM2', input });
  const cumEnv = await env('5206', { data: { psn_no: filing.personId } }).expect(200);
  expect(cumEnv.body.output.cumulative[0]).toEqual({
    pot: 'hifp',
    year: Number(day.slice(0, 4)),
    granted: 50_000,
    used: 120,
    returned: 0,
    available: 49_880,
    cap: 600_000,
    used_elsewhere_at_most: 550_000,
    source: { cap: 'insured-city', granted: 'insured-city', used: 'treating-city', returned: 'treating-city', available: 'treating-city' },
  });
  expect(cumEnv.body.output.setl_sum).toEqual({
    source: 'treating-city',
    setl_cnt: 1,
    medfee_sumamt: 300,
    fund_pay_sumamt: 120,
    acct_pay: 0,
    psn_cash_pay: 180,
  });
  const nobody = await request(fs).get(`/api/v1/medical/persons/00000000-0000-4000-8000-000000000000/cumulative`).set(h.headers);
  expect({ status: nobody.status, code: nobody.body.code }).toEqual({ status: 422, code: 'MEDICAL_NOT_REGISTERED' });
  const notUuid = await request(fs).get(`/api/v1/medical/persons/abc/cumulative`).set(h.headers);
  expect({ status: notUuid.status, code: notUuid.body.code }).toEqual({ status: 422, code: 'MEDICAL_PERSON_INVALID' });

  // 9101: content checks before anything is stored — a PDF, a CSV that is not a detail file, bytes that are not UTF-8.
  const upload = (bytes: Buffer, name: string, type: string, who = h) =>
    request(fs).post('/api/v1/medical/files').set(who.headers).attach('file', bytes, { filename: name, contentType: type });
  for (const [bytes, type] of [
    [Buffer.from('%PDF-1.7\n%âãÏÓ\n'), 'application/pdf'],
    [Buffer.from('a,b,c\n1,2,3\n'), 'text/csv'],
    [Buffer.from(`${HEADER}\n${kept.id},settlement,300.001,120.00,0.00,180.00\n`), 'text/csv'],
    [Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0xff, 0xfe, 0x00])]), 'text/csv'],
  ] as const) {
    const r = await upload(bytes, 'detail.csv', type);
    expect({ status: r.status, code: r.body.code }).toEqual({ status: 422, code: 'MEDICAL_FILE_INVALID' });
  }
  // The hospital's file lacks the reversal of the day.
  const detail = [HEADER, `${a.id},settlement,300.00,120.00,0.00,180.00`, `${kept.id},settlement,300.00,120.00,0.00,180.00`].join('\r\n');
  const up = await upload(Buffer.from(detail), '3202-明细.csv', 'text/csv').expect(201);
  expect(up.body).toMatchObject({
    fileId: expect.any(String),
    fileName: '3202-明细.csv',
    mediaType: 'text/csv',
    purpose: 'upload',
    lines: 2,
  });

  // 3202 naming the file: the reversal is missing at the hospital; the result is a file to download (9102).
  const both = await request(fs)
    .post('/api/v1/medical/reconciliations/details')
    .set(h.headers)
    .send({ day, file: detail, fileId: up.body.fileId });
  expect({ status: both.status, code: both.body.code }).toEqual({ status: 400, code: 'MEDICAL_INVALID_REQUEST' });
  const notMine = await request(fs)
    .post('/api/v1/medical/reconciliations/details')
    .set(other.headers)
    .send({ day, fileId: up.body.fileId });
  expect({ status: notMine.status, code: notMine.body.code }).toEqual({ status: 404, code: 'MEDICAL_FILE_NOT_FOUND' });
  const rec = await request(fs)
    .post('/api/v1/medical/reconciliations/details')
    .set(h.headers)
    .send({ day, fileId: up.body.fileId })
    .expect(200);
  expect(rec.body).toMatchObject({
    infno: '3202',
    matched: false,
    detailFileId: up.body.fileId,
    resultFileId: expect.any(String),
    detailMismatches: [{ settlementId: a.id, kind: 'reversal', reason: 'MISSING_AT_HOSPITAL' }],
  });
  const result = await request(fs)
    .get(`/api/v1/medical/files/${rec.body.resultFileId}`)
    .set(h.headers)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
    });
  expect(result.status).toBe(200);
  expect(result.headers['content-type']).toMatch(/^text\/csv/);
  const rows = (result.body as string).trim().split('\n');
  expect(rows[0]).toBe(`${HEADER},result,fields`);
  expect(rows.slice(1).sort()).toEqual(
    [
      `${a.id},reversal,300.00,120.00,0.00,180.00,MISSING_AT_HOSPITAL,`,
      `${a.id},settlement,300.00,120.00,0.00,180.00,MATCHED,`,
      `${kept.id},settlement,300.00,120.00,0.00,180.00,MATCHED,`,
    ].sort(),
  );
  const stranger = await request(fs).get(`/api/v1/medical/files/${rec.body.resultFileId}`).set(other.headers);
  expect({ status: stranger.status, code: stranger.body.code }).toEqual({ status: 404, code: 'MEDICAL_FILE_NOT_FOUND' });

  // The same through the envelope: 9101 with the file in base64, 3202 by REST naming it, 9102 gives the bytes back.
  const fixed = `${detail}\r\n${a.id},reversal,300.00,120.00,0.00,180.00\r\n`;
  const up2 = await env('9101', {
    fsUploadIn: { in: Buffer.from(fixed).toString('base64'), filename: 'detail.csv', fixmedins_code: h.code },
  }).expect(200);
  expect(up2.body.output).toMatchObject({ file_qury_no: expect.any(String), filename: 'detail.csv', lines: 3 });
  const back = await env('9102', { fsDownloadIn: { file_qury_no: up2.body.output.file_qury_no } }).expect(200);
  expect(Buffer.from(back.body.output.out as string, 'base64').toString('utf8')).toBe(fixed);
  const theirs = await env('9102', { fsDownloadIn: { file_qury_no: up2.body.output.file_qury_no } }, other);
  expect({ status: theirs.status, code: theirs.body.code }).toEqual({ status: 404, code: 'MEDICAL_FILE_NOT_FOUND' });
  const rec2 = await request(fs)
    .post('/api/v1/medical/reconciliations/details')
    .set(h.headers)
    .send({ day, fileId: up2.body.output.file_qury_no })
    .expect(200);
  expect(rec2.body).toMatchObject({ matched: true, detailMismatches: [], totalsMismatches: [] });
  expect(yuan(kept.total)).toBe('300.00');

  // Two more hospitals of the day: one reconciles (matched) and then settles again; one never reconciles.
  const lateSettler = await hospital(c, FS);
  await settleOnce(c, lateSettler, idNumber);
  await request(fs)
    .post('/api/v1/medical/reconciliations/totals')
    .set(lateSettler.headers)
    .send({ day, totals: { count: 1, medfeeFen: 30_000, fundFen: 12_000, acctFen: 0, cashFen: 18_000 } })
    .expect(200)
    .expect((res) => expect(res.body.matched).toBe(true));
  await settleOnce(c, lateSettler, idNumber);
  const neverReconciled = await hospital(c, FS);
  await settleOnce(c, neverReconciled, idNumber);
  return { h, day, kept, lateSettler, neverReconciled };
};

/**
 * 3203 / 3204, after the day above is over (the caller moves Foshan's clock past it): the period must be closed and each of
 * its days reconciled as the records stand; the sums are the agency's; idempotent on msgid; no overlap; reversed only until
 * the agency processes it.
 */
export const clearingApplication = async (
  c: TestCluster,
  r: { h: Hospital; day: string; lateSettler: Hospital; neverReconciled: Hospital },
  closeTheDay: () => void,
): Promise<void> => {
  const fs = c.baseUrl(FS);
  const { h, day } = r;
  const apply = (body: Record<string, unknown>, who = h) =>
    request(fs).post('/api/v1/medical/clearing-applications').set(who.headers).send(body);
  const code = (res: request.Response) => ({ status: res.status, code: res.body.code });

  // Not over yet: today is not before today.
  expect(code(await apply({ beginOn: day, endOn: day, msgid: h.msgid() }))).toEqual({
    status: 422,
    code: 'MEDICAL_CLEARING_PERIOD_INVALID',
  });
  closeTheDay();
  expect(code(await apply({ beginOn: day, endOn: '2000-01-01', msgid: h.msgid() }))).toEqual({
    status: 422,
    code: 'MEDICAL_CLEARING_PERIOD_INVALID',
  });
  // A day with entries and no reconciliation; a day whose matched run is older than the day's last settlement; a run not matched.
  const never = await apply({ beginOn: day, endOn: day, msgid: r.neverReconciled.msgid() }, r.neverReconciled);
  expect(code(never)).toEqual({ status: 422, code: 'MEDICAL_CLEARING_NOT_RECONCILED' });
  expect(never.body.days).toEqual([{ day, reason: 'NOT_RECONCILED' }]);
  const late = await apply({ beginOn: day, endOn: day, msgid: r.lateSettler.msgid() }, r.lateSettler);
  expect(late.body.days).toEqual([{ day, reason: 'CHANGED_SINCE' }]);
  await request(fs)
    .post('/api/v1/medical/reconciliations/totals')
    .set(h.headers)
    .send({ day, totals: { count: 2, medfeeFen: 60_000, fundFen: 24_000, acctFen: 0, cashFen: 36_000 } })
    .expect(200);
  const notMatched = await apply({ beginOn: day, endOn: day, msgid: h.msgid() });
  expect(code(notMatched)).toEqual({ status: 422, code: 'MEDICAL_CLEARING_NOT_RECONCILED' });
  expect(notMatched.body.days).toEqual([{ day, reason: 'NOT_MATCHED' }]);
  await request(fs)
    .post('/api/v1/medical/reconciliations/totals')
    .set(h.headers)
    .send({ day, totals: { count: 1, medfeeFen: 30_000, fundFen: 12_000, acctFen: 0, cashFen: 18_000 } })
    .expect(200);

  // Declared sums must be the agency's.
  const wrong = await apply({ beginOn: day, endOn: day, msgid: h.msgid(), declared: { fundFen: 24_000, cashFen: 18_000 } });
  expect(code(wrong)).toEqual({ status: 422, code: 'MEDICAL_CLEARING_AMOUNT_MISMATCH' });
  expect(wrong.body.mismatches).toEqual([{ field: 'fundFen', hospital: 24_000, agency: 12_000 }]);

  // 3203 over REST: 201, then the same msgid → 200 with the same application; a msgid reused for another period → 409.
  const msgid = h.msgid();
  const body = { beginOn: day, endOn: day, msgid, declared: { count: 1, medfeeFen: 30_000, fundFen: 12_000, acctFen: 0, cashFen: 18_000 } };
  const applied = await apply(body).expect(201);
  const sums = { count: 1, medfeeFen: 30_000, fundFen: 12_000, acctFen: 0, cashFen: 18_000, claimFen: 12_000 };
  expect(applied.body).toMatchObject({
    hospitalCode: h.code,
    beginOn: day,
    endOn: day,
    state: 'applied',
    totals: sums,
    byInsuredCity: { [GZ]: sums },
    msgid,
  });
  const replay = await apply(body).expect(200);
  expect(replay.body.id).toBe(applied.body.id);
  const dayBefore = new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  expect(code(await apply({ ...body, beginOn: dayBefore }))).toEqual({ status: 409, code: 'MEDICAL_MSGID_REUSED' });
  const overlap = await apply({ beginOn: dayBefore, endOn: day, msgid: h.msgid() });
  expect(code(overlap)).toEqual({ status: 409, code: 'MEDICAL_CLEARING_PERIOD_OVERLAPS' });
  expect(overlap.body.applicationId).toBe(applied.body.id);

  // Another hospital neither sees nor reverses it.
  const other = await hospital(c, FS);
  expect(code(await request(fs).get(`/api/v1/medical/clearing-applications/${applied.body.id}`).set(other.headers))).toEqual({
    status: 404,
    code: 'MEDICAL_CLEARING_APPLICATION_NOT_FOUND',
  });
  expect(
    code(
      await request(fs)
        .post(`/api/v1/medical/clearing-applications/${applied.body.id}/reversal`)
        .set(other.headers)
        .send({ msgid: other.msgid() }),
    ),
  ).toEqual({ status: 404, code: 'MEDICAL_CLEARING_APPLICATION_NOT_FOUND' });
  const nothing = await apply({ beginOn: day, endOn: day, msgid: other.msgid() }, other);
  expect(code(nothing)).toEqual({ status: 422, code: 'MEDICAL_CLEARING_NOTHING_TO_CLEAR' });

  // 3204 through the envelope; the same msgid again is the same answer; a second reversal is refused.
  const env = (infno: string, input: Record<string, unknown>, m = h.msgid()) =>
    request(fs).post('/api/v1/medical/national').set(h.headers).send({ infno, msgid: m, mdtrtarea_admvs: FS, insuplc_admdvs: GZ, input });
  const revMsgid = h.msgid();
  const rev = await env('3204', { data: { clr_appy_evt_id: applied.body.id } }, revMsgid).expect(200);
  expect(rev.body.output.data).toMatchObject({ clr_appy_evt_id: applied.body.id, state: 'reversed', reversal_msgid: revMsgid });
  await env('3204', { data: { clr_appy_evt_id: applied.body.id } }, revMsgid).expect(200);
  expect(code(await env('3204', { data: { clr_appy_evt_id: applied.body.id } }))).toEqual({
    status: 409,
    code: 'MEDICAL_CLEARING_APPLICATION_REVERSED',
  });

  // 3203 again through the envelope (yuan; declared sums checked), then the agency processes it: no reversal any more.
  const again = await env('3203', {
    data: {
      begndate: day,
      enddate: day,
      fixmedins_setl_cnt: 1,
      medfee_sumamt: '300.00',
      fund_pay_sumamt: 120,
      acct_pay: 0,
      psn_cash_pay: '180',
    },
  }).expect(200);
  expect(again.body.output.data).toMatchObject({
    state: 'applied',
    begndate: day,
    fixmedins_setl_cnt: 1,
    medfee_sumamt: 300,
    fund_pay_sumamt: 120,
    psn_cash_pay: 180,
    clr_appy_sumamt: 120,
    by_insuplc_admdvs: { [GZ]: { fund_pay_sumamt: 120 } },
  });
  const id = again.body.output.data.clr_appy_evt_id as string;
  expect(code(await env('3203', { data: { begndate: day, enddate: day, fund_pay_sumamt: '120.001' } }))).toEqual({
    status: 400,
    code: 'MEDICAL_INVALID_REQUEST',
  });
  const clerk = bearer(await c.token(FS, 'clerk'));
  const pending = await request(fs).get('/api/v1/medical/clearing-applications?state=applied&limit=100').set(clerk).expect(200);
  expect(pending.body.items.map((x: { id: string }) => x.id)).toContain(id);
  expect(code(await request(fs).post(`/api/v1/medical/clearing-applications/${id}/process`).set(h.headers))).toEqual({
    status: 403,
    code: 'FORBIDDEN_SCOPE',
  });
  const processed = await request(fs).post(`/api/v1/medical/clearing-applications/${id}/process`).set(clerk).expect(200);
  expect(processed.body).toMatchObject({ id, state: 'processed', processedAt: expect.any(String) });
  await request(fs).post(`/api/v1/medical/clearing-applications/${id}/process`).set(clerk).expect(200);
  expect(
    code(await request(fs).post(`/api/v1/medical/clearing-applications/${id}/reversal`).set(h.headers).send({ msgid: h.msgid() })),
  ).toEqual({
    status: 409,
    code: 'MEDICAL_CLEARING_APPLICATION_PROCESSED',
  });
  expect(code(await request(fs).post(`/api/v1/medical/clearing-applications/${applied.body.id}/process`).set(clerk))).toEqual({
    status: 409,
    code: 'MEDICAL_CLEARING_APPLICATION_REVERSED',
  });
  const mine = await request(fs).get(`/api/v1/medical/clearing-applications/${id}`).set(h.headers).expect(200);
  expect(mine.body.state).toBe('processed');
  const badCursor = await request(fs).get('/api/v1/medical/clearing-applications?cursor=nonsense').set(clerk);
  expect(code(badCursor)).toEqual({ status: 400, code: 'MEDICAL_INVALID_CURSOR' });
};
