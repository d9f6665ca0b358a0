import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import request from 'supertest';
import { loadCalendar } from '@guangfo/catalogue';
import { computeResidentIdCheckChar, computeSocialCreditCodeCheckChar, toShanghaiDate } from '@guangfo/kernel';
import { hashApiKey } from '@guangfo/platform';
import { addMonths, monthsFromTo } from '@guangfo/social-insurance';
import { type TestCluster, waitFor } from './cluster.js';

/**
 * 社保 scenarios, shared by the embedded run (test/e2e/social-insurance.e2e-spec.ts) and the real
 * Kafka + PostgreSQL run (test/integration/social-insurance.int-spec.ts). Three cities: Guangzhou and
 * Foshan (one province) and the out-of-province fixture city 长沙 (seeds/fixtures/out-of-province).
 */
export const GZ = '440100';
export const FS = '440600';
export const CS = '430100';
export const OUT_OF_PROVINCE_SEEDS = 'seeds/fixtures/out-of-province';

export interface SocialWorld extends TestCluster {
  tokenWith(
    city: string,
    claims: { sub: string; role: string; hall?: string; idv?: { idNumber: string; name: string; assurance: string } },
  ): Promise<string>;
}

const id17 = (first17: string) => `${first17}${computeResidentIdCheckChar(first17)}`;
const uscc = (first17: string) => `${first17}${computeSocialCreditCodeCheckChar(first17)}`;
export const EMPLOYER = { [GZ]: uscc('91440101MA5C12345'), [FS]: uscc('91440604MA4W12345'), [CS]: uscc('91430102MA4L12345') };

const bearer = async (c: SocialWorld, city: string, role: 'clerk' | 'admin') => ({ authorization: `Bearer ${await c.token(city, role)}` });
const residentOf = async (c: SocialWorld, city: string, who: { idNumber: string; name: string }) => ({
  authorization: `Bearer ${await c.tokenWith(city, { sub: `si-${who.idNumber.slice(-6)}`, role: 'resident', idv: { ...who, assurance: 'real-name' } })}`,
});

/** An employer's partner system: an API key with the report scope (stored as the platform stores keys), bound to its 统一社会信用代码 by the admin. */
const employerKey = async (c: SocialWorld, city: string): Promise<Record<string, string>> => {
  const key = `si-${city}-${randomUUID()}`;
  const id = `si-employer-${city}`;
  await c.query(
    city,
    `INSERT INTO platform.api_key (id, name, city_code, key_hash, scopes) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET key_hash = EXCLUDED.key_hash, scopes = EXCLUDED.scopes`,
    [id, `示范用人单位 ${city}`, city, hashApiKey(key), ['social-insurance:report']],
  );
  // The city's admin binds the key to the employer (the only employer it reports for).
  await request(c.baseUrl(city))
    .post('/api/v1/social-insurance/employers')
    .set(await bearer(c, city, 'admin'))
    .send({ partnerId: id, employerUscc: EMPLOYER[city as keyof typeof EMPLOYER], name: `示范用人单位 ${city}` })
    .expect(200);
  return { 'x-api-key': key };
};

/** Months of employee pension reported by the city's employer: base, personal and account credit in fen (employer 16 % of the base). */
const report = async (
  c: SocialWorld,
  city: string,
  who: { idNumber: string; name: string },
  months: string[],
  baseFen: number,
  personalFen = Math.round(baseFen * 0.08),
  scheme = 'employee-pension',
): Promise<void> => {
  const key = await employerKey(c, city);
  for (let i = 0; i < months.length; i += 200) {
    const reports = months.slice(i, i + 200).map((month) => ({
      idNumber: who.idNumber,
      name: who.name,
      scheme,
      month,
      employerUscc: EMPLOYER[city as keyof typeof EMPLOYER],
      baseFen,
      employerFen: Math.round(baseFen * (scheme === 'employee-pension' ? 0.16 : 0.005)),
      personalFen,
      personalAccountFen: scheme === 'employee-pension' ? personalFen : 0,
    }));
    const r = await request(c.baseUrl(city)).post('/api/v1/social-insurance/contributions').set(key).send({ reports });
    expect(r.status).toBe(200);
  }
};

const thisMonth = () => toShanghaiDate(new Date()).slice(0, 7);

/** Nothing personal travels in clear: no raw ID number in any event a city stored to send. */
const noRawIdInOutbox = async (c: SocialWorld, idNumber: string): Promise<void> => {
  for (const city of [GZ, FS, CS]) {
    const rows = await c.query<{ n: string }>(city, `SELECT count(*) AS n FROM platform.outbox WHERE envelope::text LIKE $1`, [
      `%${idNumber}%`,
    ]);
    expect(Number(rows[0]!.n)).toBe(0);
  }
};

type Listed = { id: string; createdAt: string; state?: string; outcome?: string | null; person?: { idNumber: string } };

/**
 * Walks a list endpoint page by page (`limit` per page) and checks the cursor contract on the way:
 * no item twice, newest first (createdAt, then id, descending), every page but the last full.
 */
const listAll = async (c: SocialWorld, city: string, auth: Record<string, string>, path: string, limit = 2): Promise<Listed[]> => {
  const items: Listed[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 500; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = `/api/v1/social-insurance/${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await request(c.baseUrl(city)).get(url).set(auth).expect(200);
    const page = r.body as { items: Listed[]; nextCursor: string | null };
    items.push(...page.items);
    if (!page.nextCursor) break;
    expect(page.items).toHaveLength(limit);
    cursor = page.nextCursor;
  }
  expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
  const keys = items.map((i) => `${i.createdAt}|${i.id}`);
  expect(keys).toEqual([...keys].sort().reverse());
  return items;
};

/** Guangzhou 2008–2015, then Foshan 2016–2025: the resident sees one combined record and claims in Foshan, aggregated without a transfer. */
export const inProvinceRetirement = async (c: SocialWorld): Promise<void> => {
  const who = { idNumber: id17('44010619650312001'), name: '黄志强' };
  await report(c, GZ, who, monthsFromTo('2008-01', '2015-12'), 600_000);
  await report(c, FS, who, monthsFromTo('2016-01', '2025-12'), 800_000);
  const me = await residentOf(c, FS, who);

  // Refused without consent.
  const refused = await request(c.baseUrl(FS)).post('/api/v1/social-insurance/record-requests').set(me).send({ consent: false });
  expect(refused.status).toBe(422);
  expect(refused.body.code).toBe('SI_CONSENT_REQUIRED');

  const asked = await request(c.baseUrl(FS)).post('/api/v1/social-insurance/record-requests').set(me).send({ consent: true }).expect(202);
  const record = await waitFor('the combined record', async () => {
    const r = await request(c.baseUrl(FS)).get(`/api/v1/social-insurance/record-requests/${asked.body.id}`).set(me).expect(200);
    return r.body.complete ? r.body : undefined;
  });
  expect(record.cities).toEqual([
    { city: FS, status: 'own', months: 120 },
    { city: GZ, status: 'answered', months: 96 },
    { city: CS, status: 'answered', months: 0 },
  ]);
  expect(record.monthsByScheme).toEqual({ 'employee-pension': 216 });
  expect(record.periods.map((p: { city: string; from: string; to: string }) => [p.city, p.from, p.to])).toEqual([
    [GZ, '2008-01', '2015-12'],
    [FS, '2016-01', '2025-12'],
  ]);
  expect(record.person.idNumber).not.toBe(who.idNumber); // masked
  // Another resident cannot read it.
  const other = await residentOf(c, FS, { idNumber: id17('44060419800101001'), name: '路人甲' });
  expect((await request(c.baseUrl(FS)).get(`/api/v1/social-insurance/record-requests/${asked.body.id}`).set(other)).status).toBe(404);

  // The claim in Foshan: Guangzhou's months aggregated, no transfer.
  const filed = await request(c.baseUrl(FS))
    .post('/api/v1/social-insurance/pension-claims')
    .set(me)
    .send({ hukouRegion: '440000' })
    .expect(202);
  const claim = await waitFor('the claim aggregated', async () => {
    const r = await request(c.baseUrl(FS)).get(`/api/v1/social-insurance/pension-claims/${filed.body.id}`).set(me).expect(200);
    return r.body.state === 'aggregated' ? r.body : undefined;
  });
  expect(claim.aggregation).toMatchObject({
    aggregatedWithoutTransfer: true,
    pensionMonths: 216,
    pensionMonthsByCity: { [GZ]: 96, [FS]: 120 },
    duplicateMonths: [],
    lastInsuredCity: FS,
    handledHere: true,
    pensionPlace: { region: '440000', rule: 'hukou' },
  });
  expect(claim.refunds).toEqual([]);
  // The claim asked Guangzhou only (same province), not the out-of-province city; no transfer anywhere.
  const asks = await c.query<{ to_city: string }>(FS, `SELECT to_city FROM platform.outbox WHERE type = $1 AND subject = $2`, [
    'gov.guangfo.social-insurance.record-requested.v1',
    `record-request/${(await c.query<{ request_id: string }>(FS, `SELECT request_id FROM social_insurance.pension_claim WHERE id = $1`, [filed.body.id]))[0]!.request_id}`,
  ]);
  expect(asks.map((a) => a.to_city)).toEqual([GZ]);
  for (const city of [GZ, FS]) {
    const t = await c.query<{ n: string }>(
      city,
      `SELECT count(*) AS n FROM platform.outbox WHERE type LIKE 'gov.guangfo.social-insurance.transfer-%' AND subject LIKE 'transfer/%' AND to_city = $1`,
      [city === GZ ? FS : GZ],
    );
    expect(Number(t[0]!.n)).toBe(0);
  }
  // Guangzhou audited what it disclosed, to whom and why.
  const audit = await c.query<{ actor: string; detail: { purpose: string } }>(
    GZ,
    `SELECT actor, detail FROM platform.audit_log WHERE action = 'social-insurance.record.disclose' ORDER BY seq`,
  );
  expect(audit.map((a) => [a.actor, a.detail.purpose])).toEqual(
    expect.arrayContaining([
      [`city:${FS}`, 'own-record'],
      [`city:${FS}`, 'pension-claim'],
    ]),
  );
  await noRawIdInOutbox(c, who.idNumber);
};

/** Months paid in both cities: found at aggregation, Guangzhou refunds its month once (in fen); a second claim refunds nothing. */
export const duplicateMonthRefundedOnce = async (c: SocialWorld): Promise<void> => {
  const who = { idNumber: id17('44060419660520002'), name: '何丽娟' };
  await report(c, GZ, who, monthsFromTo('2014-01', '2016-06'), 500_000);
  await report(c, FS, who, monthsFromTo('2016-06', '2025-12'), 700_000);
  const clerk = await bearer(c, FS, 'clerk');
  const claimOnce = async () => {
    const filed = await request(c.baseUrl(FS))
      .post('/api/v1/social-insurance/pension-claims')
      .set(clerk)
      .send({ idNumber: who.idNumber, name: who.name, hukouRegion: '440000' })
      .expect(202);
    return waitFor('the claim aggregated and its refunds settled', async () => {
      const r = await request(c.baseUrl(FS)).get(`/api/v1/social-insurance/pension-claims/${filed.body.id}`).set(clerk).expect(200);
      return r.body.state === 'aggregated' && r.body.refunds.every((x: { state: string }) => x.state === 'refunded') ? r.body : undefined;
    });
  };
  const first = await claimOnce();
  expect(first.aggregation).toMatchObject({
    duplicateMonths: ['2016-06'],
    pensionMonths: 144,
    pensionMonthsByCity: { [GZ]: 30, [FS]: 115 },
  });
  // Foshan (the claim city, last insured) keeps 2016-06; Guangzhou refunds its copy: 8 % + 16 % of a 5 000-yuan base, in fen 40 000 + 80 000.
  expect(first.refunds).toEqual([
    { id: expect.any(String), direction: 'requested', city: GZ, months: ['2016-06'], refundFen: 120_000, state: 'refunded' },
  ]);
  const paid = await c.query<{ refund_fen: string; lines: unknown }>(
    GZ,
    `SELECT refund_fen, lines FROM social_insurance.refund WHERE id = $1 AND direction = 'paid'`,
    [first.refunds[0].id],
  );
  expect(paid).toEqual([{ refund_fen: '120000', lines: [{ month: '2016-06', personalFen: 40_000, employerFen: 80_000 }] }]);
  const marked = await c.query<{ n: string }>(GZ, `SELECT count(*) AS n FROM social_insurance.contribution WHERE refunded_by = $1`, [
    first.refunds[0].id,
  ]);
  expect(Number(marked[0]!.n)).toBe(1);

  // Claimed again: the month is no longer a duplicate, nothing is refunded twice.
  const second = await claimOnce();
  expect(second.aggregation).toMatchObject({ duplicateMonths: [], pensionMonths: 144, pensionMonthsByCity: { [GZ]: 29, [FS]: 115 } });
  expect(second.refunds).toEqual([]);
  const all = await c.query<{ n: string }>(
    GZ,
    `SELECT count(*) AS n FROM social_insurance.refund r WHERE direction = 'paid' AND '2016-06' = ANY(r.months) AND r.case_id IN ($1, $2)`,
    [first.id, second.id],
  );
  expect(Number(all[0]!.n)).toBe(1);
};

/** Guangzhou → 长沙 (another province): the three steps with working-day deadlines and the hand-computed amounts of docs/social-insurance.md. */
export const crossProvinceTransfer = async (c: SocialWorld): Promise<void> => {
  const who = { idNumber: id17('44010619900101003'), name: '林建国' };
  // The hand-computed example: 2022-07..12 at a base of 8 000.33 yuan (8 % = 640.03 credited), 2023-01..06 at 9 000 yuan.
  await report(c, GZ, who, monthsFromTo('2022-07', '2022-12'), 800_033, 64_003);
  await report(c, GZ, who, monthsFromTo('2023-01', '2023-06'), 900_000, 72_000);
  const cs = await bearer(c, CS, 'clerk');
  const gz = await bearer(c, GZ, 'clerk');

  // Within the province there is no transfer: Foshan refuses one from Guangzhou.
  const inProvince = await request(c.baseUrl(FS))
    .post('/api/v1/social-insurance/transfers')
    .set(await bearer(c, FS, 'clerk'))
    .send({ idNumber: who.idNumber, name: who.name, fromCity: GZ, certificateNo: 'PZ-440100-2026-000001', hukouRegion: '440000' });
  expect(inProvince.status).toBe(422);
  expect(inProvince.body.code).toBe('SI_TRANSFER_NOT_CROSS_PROVINCE');

  // Step 1: the application at the new place (safe to retry with an Idempotency-Key).
  const application = {
    idNumber: who.idNumber,
    name: who.name,
    fromCity: GZ,
    certificateNo: 'PZ-440100-2026-000002',
    hukouRegion: '440000',
    residentSub: `si-${who.idNumber.slice(-6)}`,
  };
  const key = { 'idempotency-key': `cs-window-${randomUUID()}` };
  const applied = await request(c.baseUrl(CS)).post('/api/v1/social-insurance/transfers').set(cs).set(key).send(application).expect(201);
  const replayed = await request(c.baseUrl(CS)).post('/api/v1/social-insurance/transfers').set(cs).set(key).send(application).expect(200);
  expect(replayed.body.id).toBe(applied.body.id);
  const reused = await request(c.baseUrl(CS))
    .post('/api/v1/social-insurance/transfers')
    .set(cs)
    .set(key)
    .send({ ...application, certificateNo: 'PZ-other' });
  expect([reused.status, reused.body.code]).toEqual([409, 'SI_IDEMPOTENCY_KEY_REUSED']);
  expect(applied.headers.etag).toBe('"1"');
  expect(applied.body).toMatchObject({
    state: 'applied',
    fromCity: GZ,
    toCity: CS,
    temporaryAccount: false,
    nextStep: { step: 'contact-letter-sent', city: CS },
  });
  const id = applied.body.id as string;
  const calendar = loadCalendar('seeds/calendar');
  const appliedOn = applied.body.timeline[0].on as string;
  expect(applied.body.deadlines).toEqual([
    { step: 'contact-letter-sent', city: CS, dueOn: calendar.addWorkingDays(appliedOn, 15), doneOn: null, late: false },
  ]);
  // The old place cannot take the new place's step; a stale If-Match is refused.
  expect(
    (await request(c.baseUrl(CS)).post(`/api/v1/social-insurance/transfers/${id}/contact-letter`).set(cs).set('if-match', '"7"').send({}))
      .status,
  ).toBe(412);

  // Step 2: the 联系函.
  const letter = await request(c.baseUrl(CS))
    .post(`/api/v1/social-insurance/transfers/${id}/contact-letter`)
    .set(cs)
    .set('if-match', '"1"')
    .send({})
    .expect(200);
  expect(letter.body.state).toBe('contact-letter-sent');
  const atGz = await waitFor('the letter at the old place', async () => {
    const r = await request(c.baseUrl(GZ)).get(`/api/v1/social-insurance/transfers/${id}`).set(gz);
    return r.status === 200 ? r.body : undefined;
  });
  expect(atGz.timeline).toEqual(letter.body.timeline);
  expect(atGz.nextStep).toEqual({ step: 'funds-transferred', city: GZ });
  // If-Match is required on every step (428 without it), and the old place's step is not the new place's to take.
  expect((await request(c.baseUrl(CS)).post(`/api/v1/social-insurance/transfers/${id}/funds`).set(cs).send({})).status).toBe(428);
  expect(
    (await request(c.baseUrl(CS)).post(`/api/v1/social-insurance/transfers/${id}/funds`).set(cs).set('if-match', '"2"').send({})).body.code,
  ).toBe('SI_TRANSFER_NOT_YOUR_STEP');

  // Step 3: the record and the funds, amounts as computed by hand.
  const sent = await request(c.baseUrl(GZ))
    .post(`/api/v1/social-insurance/transfers/${id}/funds`)
    .set(gz)
    .set('if-match', `"${atGz.version}"`)
    .send({})
    .expect(200);
  const sentOn = sent.body.timeline[2].on as string;
  expect(sent.body.amounts).toMatchObject({
    personalAccount: { preReformFen: 0, fromReformFen: 816_018, interestFen: 37_025, totalFen: 853_043 },
    pooled: {
      years: [
        { year: 2022, months: 6, baseSumFen: 4_800_198, pooledFen: 576_024 },
        { year: 2023, months: 6, baseSumFen: 5_400_000, pooledFen: 648_000 },
      ],
      totalFen: 1_224_024,
    },
    totalFen: 2_077_067,
  });
  expect(sent.body.amounts.personalAccount.yearsWithoutRate).toContain(Number(sentOn.slice(0, 4)) - 1);
  expect(sent.body.funds).toEqual([
    { reference: `ZY-${GZ}-${id.slice(0, 8)}`, direction: 'out', fromCity: GZ, toCity: CS, amountFen: 2_077_067 },
  ]);

  // Step 4: 接续 at the new place; what arrived equals what left.
  const atCs = await waitFor('the funds at the new place', async () => {
    const r = await request(c.baseUrl(CS)).get(`/api/v1/social-insurance/transfers/${id}`).set(cs).expect(200);
    return r.body.state === 'funds-transferred' ? r.body : undefined;
  });
  const done = await request(c.baseUrl(CS))
    .post(`/api/v1/social-insurance/transfers/${id}/continue`)
    .set(cs)
    .set('if-match', `"${atCs.version}"`)
    .send({})
    .expect(200);
  expect(done.body).toMatchObject({ state: 'continued', receivedFen: 2_077_067, nextStep: null });
  expect(done.body.funds).toEqual([
    { reference: `ZY-${GZ}-${id.slice(0, 8)}`, direction: 'in', fromCity: GZ, toCity: CS, amountFen: 2_077_067 },
  ]);
  const letterOn = done.body.timeline[1].on as string;
  expect(done.body.deadlines).toEqual([
    { step: 'contact-letter-sent', city: CS, dueOn: calendar.addWorkingDays(appliedOn, 15), doneOn: letterOn, late: false },
    { step: 'funds-transferred', city: GZ, dueOn: calendar.addWorkingDays(letterOn, 15), doneOn: sentOn, late: false },
    { step: 'continued', city: CS, dueOn: calendar.addWorkingDays(sentOn, 15), doneOn: done.body.timeline[3].on, late: false },
  ]);
  // Both cities see the same timeline.
  const finalGz = await waitFor('the old place closes its copy', async () => {
    const r = await request(c.baseUrl(GZ)).get(`/api/v1/social-insurance/transfers/${id}`).set(gz).expect(200);
    return r.body.state === 'continued' ? r.body : undefined;
  });
  expect(finalGz.timeline).toEqual(done.body.timeline);
  expect(finalGz.receivedFen).toBe(2_077_067);
  // The mover follows it from his account; the same account with another verified identity sees nothing.
  const mine = await request(c.baseUrl(CS))
    .get(`/api/v1/social-insurance/transfers/${id}`)
    .set(await residentOf(c, CS, who))
    .expect(200);
  expect(mine.body).toMatchObject({ state: 'continued', receivedFen: 2_077_067 });
  const impostor = await c.tokenWith(CS, {
    sub: `si-${who.idNumber.slice(-6)}`,
    role: 'resident',
    idv: { idNumber: id17('43010219900101002'), name: '别人', assurance: 'real-name' },
  });
  expect(
    (
      await request(c.baseUrl(CS))
        .get(`/api/v1/social-insurance/transfers/${id}`)
        .set({ authorization: `Bearer ${impostor}` })
    ).status,
  ).toBe(404);
  // The clerk queue lists it (no personal data), newest first, with cursor pages.
  const queue = await request(c.baseUrl(GZ)).get('/api/v1/social-insurance/transfers?limit=1').set(gz).expect(200);
  expect(queue.body.items).toEqual([{ id, fromCity: GZ, toCity: CS, state: 'continued', next: null, createdAt: expect.any(String) }]);
  expect(JSON.stringify(queue.body)).not.toContain(who.idNumber);
  const badCursor = await request(c.baseUrl(GZ)).get('/api/v1/social-insurance/transfers?cursor=nonsense').set(gz);
  expect([badCursor.status, badCursor.body.code]).toEqual([400, 'SI_INVALID_CURSOR']);
  await noRawIdInOutbox(c, who.idNumber);
};

const registerRetiree = async (c: SocialWorld, who: { idNumber: string; name: string }, firstMonth: string, lastConfirmedOn: string) =>
  (
    await request(c.baseUrl(GZ))
      .post('/api/v1/social-insurance/retirees')
      .set(await bearer(c, GZ, 'clerk'))
      .send({ ...who, residenceCity: FS, monthlyPensionFen: 420_000, firstMonth, lastConfirmedOn })
      .expect(201)
  ).body as { id: string };

const runPayments = async (c: SocialWorld, month: string) =>
  (
    await request(c.baseUrl(GZ))
      .post('/api/v1/social-insurance/payment-runs')
      .set(await bearer(c, GZ, 'clerk'))
      .send({ month })
      .expect(200)
  ).body as {
    retirees: { retireeId: string; status: string; suspendedFrom?: string; paid: { month: string; amountFen: number; kind: string }[] }[];
  };

const retireeAt = async (c: SocialWorld, id: string) =>
  (
    await request(c.baseUrl(GZ))
      .get(`/api/v1/social-insurance/retirees/${id}`)
      .set(await bearer(c, GZ, 'clerk'))
      .expect(200)
  ).body;

/** A Guangzhou pensioner living in Foshan misses the 12-month check: suspended from the next month; Foshan confirms; paid back. */
export const retireeSuspendedAndPaidBack = async (c: SocialWorld): Promise<void> => {
  const who = { idNumber: id17('44010619550101005'), name: '梁伯' };
  const now = thisMonth();
  const lastConfirmedOn = `${addMonths(now, -14)}-01`; // valid through the month it lapses: now − 2
  const r = await registerRetiree(c, who, addMonths(now, -15), lastConfirmedOn);
  const paid = (await runPayments(c, addMonths(now, -2))).retirees.find((x) => x.retireeId === r.id)!;
  expect(paid.paid).toHaveLength(14);
  const lapsed = (await runPayments(c, addMonths(now, -1))).retirees.find((x) => x.retireeId === r.id)!;
  expect(lapsed).toEqual({ retireeId: r.id, status: 'suspended', suspendedFrom: addMonths(now, -1), paid: [] });
  expect((await retireeAt(c, r.id)).status).toBe('suspended');

  // Foshan confirms (资格认证 where the retiree lives) and tells Guangzhou.
  await request(c.baseUrl(FS))
    .post('/api/v1/social-insurance/eligibility-confirmations')
    .set(await bearer(c, FS, 'clerk'))
    .send({ idNumber: who.idNumber, payingCity: GZ, method: 'face-recognition' })
    .expect(202);
  const today = toShanghaiDate(new Date());
  await waitFor('the confirmation at the paying city', async () => (await retireeAt(c, r.id)).lastConfirmedOn === today || undefined);
  const resumed = (await runPayments(c, now)).retirees.find((x) => x.retireeId === r.id)!;
  expect(resumed).toEqual({
    retireeId: r.id,
    status: 'active',
    paid: [
      { month: addMonths(now, -1), amountFen: 420_000, kind: 'back-pay' },
      { month: now, amountFen: 420_000, kind: 'regular' },
    ],
  });
  const view = await retireeAt(c, r.id);
  expect(view).toMatchObject({ status: 'active', paidFen: 16 * 420_000 });
  expect(view.payments).toHaveLength(16);
  await noRawIdInOutbox(c, who.idNumber);
};

/** A death notice from Foshan: payment stops from the month after; the months paid after it are recovered. */
export const deathNoticeStopsAndRecovers = async (c: SocialWorld): Promise<void> => {
  const who = { idNumber: id17('44010619500101007'), name: '区婆' };
  const now = thisMonth();
  const r = await registerRetiree(c, who, addMonths(now, -6), `${addMonths(now, -1)}-01`);
  const paid = (await runPayments(c, now)).retirees.find((x) => x.retireeId === r.id)!;
  expect(paid.paid).toHaveLength(7);
  await request(c.baseUrl(FS))
    .post('/api/v1/social-insurance/stop-notices')
    .set(await bearer(c, FS, 'clerk'))
    .send({ idNumber: who.idNumber, payingCity: GZ, kind: 'death', eventDate: `${addMonths(now, -3)}-15` })
    .expect(202);
  const view = await waitFor('the stop at the paying city', async () => {
    const v = await retireeAt(c, r.id);
    return v.status === 'stopped' ? v : undefined;
  });
  expect(view.stop).toEqual({ kind: 'death', eventDate: `${addMonths(now, -3)}-15`, stopFrom: addMonths(now, -2) });
  expect(view.recoveries).toEqual([
    { id: expect.any(String), reason: 'death', months: [addMonths(now, -2), addMonths(now, -1), now], amountFen: 3 * 420_000 },
  ]);
  const again = (await runPayments(c, now)).retirees.find((x) => x.retireeId === r.id)!;
  expect(again).toEqual({ retireeId: r.id, status: 'stopped', paid: [] });
  await noRawIdInOutbox(c, who.idNumber);
};

/** Bad input is problem+json with a stable code, never a 500. */
export const badInputIsProblemJson = async (c: SocialWorld): Promise<void> => {
  const key = await employerKey(c, GZ);
  const foreign = await request(c.baseUrl(GZ))
    .post('/api/v1/social-insurance/contributions')
    .set(key)
    .send({
      reports: [
        {
          idNumber: id17('44010619650312001'),
          name: '某',
          scheme: 'employee-pension',
          month: '2020-01',
          employerUscc: EMPLOYER[FS],
          baseFen: 1,
          employerFen: 0,
          personalFen: 0,
          personalAccountFen: 0,
        },
      ],
    });
  expect(foreign.status).toBe(403);
  expect(foreign.body.code).toBe('SI_EMPLOYER_NOT_BOUND');
  const future = await request(c.baseUrl(GZ))
    .post('/api/v1/social-insurance/contributions')
    .set(key)
    .send({
      reports: [
        {
          idNumber: '440106199001010010',
          name: '某',
          scheme: 'employee-pension',
          month: '2999-01',
          employerUscc: EMPLOYER[GZ],
          baseFen: 1,
          employerFen: 0,
          personalFen: 2,
          personalAccountFen: 0,
        },
      ],
    });
  expect(future.status).toBe(422);
  expect(future.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(future.body.code).toBe('SI_INVALID_REPORT');
  expect(future.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
    'reports.0.idNumber',
    'reports.0.month',
    'reports.0.personalFen',
  ]);
  const negative = await request(c.baseUrl(GZ))
    .post('/api/v1/social-insurance/contributions')
    .set(key)
    .send({ reports: [{ baseFen: -1 }] });
  expect(negative.status).toBe(400);
  expect(negative.body.code).toBe('VALIDATION_FAILED');
  const notUuid = await request(c.baseUrl(GZ))
    .get('/api/v1/social-insurance/transfers/x')
    .set(await bearer(c, GZ, 'clerk'));
  expect(notUuid.status).toBe(404);
  expect(notUuid.body.code).toBe('SI_TRANSFER_NOT_FOUND');
  const future2 = await request(c.baseUrl(GZ))
    .post('/api/v1/social-insurance/payment-runs')
    .set(await bearer(c, GZ, 'clerk'))
    .send({ month: addMonths(thisMonth(), 1) });
  expect(future2.status).toBe(422);
  expect(future2.body.code).toBe('SI_INVALID_MONTH');
};

/**
 * 数据比对 without ID numbers: Guangzhou's benefit roll against Foshan's death records on HMAC-SM3 keyed
 * hashes; the hit opens a joint investigation both cities' clerks see, each revealing only its own
 * person; no raw ID number is in any event sent, and Foshan learns no one it did not know.
 */
export const crossCheckHitWithoutRawIds = async (c: SocialWorld): Promise<void> => {
  const dead = { idNumber: id17('44010619520101009'), name: '冯叔' };
  const alive = { idNumber: id17('44010619530202008'), name: '邓姨' };
  const now = thisMonth();
  await registerRetiree(c, dead, addMonths(now, -3), `${addMonths(now, -1)}-01`);
  await registerRetiree(c, alive, addMonths(now, -3), `${addMonths(now, -1)}-01`);
  const fs = await bearer(c, FS, 'clerk');
  const gz = await bearer(c, GZ, 'clerk');
  const deathOn = `${addMonths(now, -1)}-20`;
  await request(c.baseUrl(FS))
    .post('/api/v1/social-insurance/civil-records')
    .set(fs)
    .send({ idNumber: dead.idNumber, source: 'death-records', eventDate: deathOn })
    .expect(201);
  await request(c.baseUrl(FS))
    .post('/api/v1/social-insurance/civil-records')
    .set(fs)
    .send({ idNumber: id17('44060419400101001'), source: 'prison-records', eventDate: `${addMonths(now, -2)}-03` })
    .expect(201);
  const personsAtFs = async () => Number((await c.query<{ n: string }>(FS, `SELECT count(*) AS n FROM social_insurance.person`))[0]!.n);
  const before = await personsAtFs();

  const started = await request(c.baseUrl(GZ)).post('/api/v1/social-insurance/cross-checks').set(gz).send({ city: FS }).expect(202);
  expect(started.body).toMatchObject({ otherCity: FS, trigger: 'on-demand', state: 'sent' });
  const check = await waitFor('the cross-check answered', async () => {
    const r = await request(c.baseUrl(GZ)).get(`/api/v1/social-insurance/cross-checks/${started.body.id}`).set(gz).expect(200);
    return r.body.state === 'answered' ? r.body : undefined;
  });
  expect(check.hits).toBe(1);
  const [investigation] = check.investigations as string[];

  // Guangzhou's clerk sees the person Guangzhou pays; Foshan's clerk the record Foshan holds — the same investigation id.
  const atGz = await request(c.baseUrl(GZ)).get(`/api/v1/social-insurance/investigations/${investigation}`).set(gz).expect(200);
  expect(atGz.body).toMatchObject({
    side: 'paying',
    otherCity: FS,
    source: 'death-records',
    eventDate: deathOn,
    person: { idNumber: dead.idNumber },
  });
  const atFs = await waitFor('the investigation at Foshan', async () => {
    const r = await request(c.baseUrl(FS)).get(`/api/v1/social-insurance/investigations/${investigation}`).set(fs);
    return r.status === 200 ? r.body : undefined;
  });
  expect(atFs).toMatchObject({ side: 'registry', otherCity: GZ, source: 'death-records', person: { idNumber: dead.idNumber } });

  // Both cities' clerks list it (open), their own person masked.
  for (const [city, auth] of [
    [GZ, gz],
    [FS, fs],
  ] as const) {
    const items = await listAll(c, city, auth, 'investigations?state=open');
    const mine = items.find((i) => i.id === investigation);
    expect(mine).toMatchObject({ state: 'open', outcome: null, person: { idNumber: expect.stringContaining('*') } });
    expect(JSON.stringify(items)).not.toContain(dead.idNumber);
  }

  // Guangzhou's clerk closes it: If-Match required, the outcome and reason recorded; Foshan's copy closes by the addressed event.
  const close = (city: string, auth: Record<string, string>) =>
    request(c.baseUrl(city)).post(`/api/v1/social-insurance/investigations/${investigation}/close`).set(auth);
  const reason = '死亡登记核实无误，停发并追回多发待遇';
  const noIfMatch = await close(GZ, gz).send({ outcome: 'confirmed', reason });
  expect([noIfMatch.status, noIfMatch.body.code]).toEqual([428, 'PRECONDITION_REQUIRED']);
  const stale = await close(GZ, gz).set('if-match', '"5"').send({ outcome: 'confirmed', reason });
  expect([stale.status, stale.body.code]).toEqual([412, 'PRECONDITION_FAILED']);
  expect(atGz.headers.etag).toBe('"1"');
  const withId = await close(GZ, gz)
    .set('if-match', '"1"')
    .send({ outcome: 'confirmed', reason: `${dead.idNumber} 已死亡` });
  expect([withId.status, withId.body.code]).toEqual([422, 'SI_INVALID_QUERY']);
  const closed = await close(GZ, gz).set('if-match', '"1"').send({ outcome: 'confirmed', reason }).expect(200);
  expect(closed.headers.etag).toBe('"2"');
  expect(closed.body).toMatchObject({ state: 'closed', version: 2, closed: { outcome: 'confirmed', reason, city: GZ } });
  const closedAtFs = await waitFor('the closing at Foshan', async () => {
    const r = await request(c.baseUrl(FS)).get(`/api/v1/social-insurance/investigations/${investigation}`).set(fs).expect(200);
    return r.body.state === 'closed' ? r.body : undefined;
  });
  expect(closedAtFs).toMatchObject({ side: 'registry', closed: { outcome: 'confirmed', reason, city: GZ, on: closed.body.closed.on } });
  const again = await close(FS, fs).set('if-match', `"${closedAtFs.version}"`).send({ outcome: 'unfounded', reason: '复核' });
  expect([again.status, again.body.code]).toEqual([409, 'SI_INVESTIGATION_CLOSED']);
  for (const [city, auth] of [
    [GZ, gz],
    [FS, fs],
  ] as const) {
    const items = await listAll(c, city, auth, 'investigations?state=closed');
    expect(items.find((i) => i.id === investigation)).toMatchObject({ state: 'closed', outcome: 'confirmed' });
  }

  // The events sent carry keyed hashes only: no raw ID number of anyone on the roll or in the records.
  const sent = [
    ...(await c.query<{ envelope: { data: { hashes?: string[] } } }>(GZ, `SELECT envelope FROM platform.outbox WHERE subject = $1`, [
      `cross-check/${started.body.id}`,
    ])),
    ...(await c.query<{ envelope: { data: { hashes?: string[] } } }>(FS, `SELECT envelope FROM platform.outbox WHERE subject = $1`, [
      `cross-check/${started.body.id}`,
    ])),
  ];
  expect(sent).toHaveLength(2);
  const text = JSON.stringify(sent);
  for (const who of [dead, alive]) expect(text).not.toContain(who.idNumber);
  expect(sent[0]!.envelope.data.hashes!.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
  // Foshan learned no one: the roll's other people did not become persons there.
  expect(await personsAtFs()).toBe(before);
  const closing = await c.query<{ envelope: unknown }>(GZ, `SELECT envelope FROM platform.outbox WHERE subject = $1`, [
    `investigation/${investigation}`,
  ]);
  expect(closing).toHaveLength(1);
  expect(JSON.stringify(closing)).not.toContain(dead.idNumber);
};

const shiftDays = (date: string, n: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** 工伤认定 in the employer's city, the result issued as a credential, accepted by the other city's clerk; a 社保卡 verifies in the other city. */
export const workInjuryRecognisedAcross = async (c: SocialWorld): Promise<void> => {
  const worker = { idNumber: id17('44010619880808001'), name: '钟师傅' };
  const today = toShanghaiDate(new Date());
  const injuryDate = shiftDays(today, -5);
  await report(c, GZ, worker, [...new Set([injuryDate.slice(0, 7), today.slice(0, 7)])], 600_000, 0, 'work-injury');
  const gz = await bearer(c, GZ, 'clerk');
  const fs = await bearer(c, FS, 'clerk');
  const body = { ...worker, employerUscc: EMPLOYER[GZ], injuryDate, applicant: 'employer', clearFacts: true };

  const late = await request(c.baseUrl(GZ))
    .post('/api/v1/social-insurance/work-injury-cases')
    .set(gz)
    .send({ ...body, injuryDate: shiftDays(today, -40) });
  expect([late.status, late.body.code]).toEqual([422, 'SI_WORK_INJURY_APPLICATION_LATE']);
  const elsewhere = await request(c.baseUrl(FS)).post('/api/v1/social-insurance/work-injury-cases').set(fs).send(body);
  expect([elsewhere.status, elsewhere.body.code]).toEqual([422, 'SI_WORK_INJURY_NOT_INSURED_HERE']);

  const filed = await request(c.baseUrl(GZ)).post('/api/v1/social-insurance/work-injury-cases').set(gz).send(body).expect(201);
  expect(filed.body).toMatchObject({ state: 'accepted', acceptedOn: today, dueOn: shiftDays(today, 15), clearFacts: true });

  // Guangzhou's human-resources window issues the determination as an electronic credential.
  const hr = { authorization: `Bearer ${await c.tokenWith(GZ, { sub: 'gz-rs-clerk', role: 'clerk', hall: 'GZ-RS-01' })}` };
  const issue = async (typeCode: string) =>
    (
      await request(c.baseUrl(GZ))
        .post('/api/v1/credentials')
        .set(hr)
        .send({
          typeCode,
          holder: { name: worker.name, code: worker.idNumber, codeType: '111' },
          validFrom: today,
          attributes: { injuryDate },
        })
        .expect(201)
    ).body as { id: string; document: Record<string, unknown> };
  const determination = await issue('WORK_INJURY_DETERMINATION');
  const decide = () =>
    request(c.baseUrl(GZ))
      .post(`/api/v1/social-insurance/work-injury-cases/${filed.body.id}/decide`)
      .set(gz)
      .send({ outcome: 'recognised', credential: determination.document });
  const read = await request(c.baseUrl(GZ)).get(`/api/v1/social-insurance/work-injury-cases/${filed.body.id}`).set(gz).expect(200);
  expect(read.headers.etag).toBe('"1"');
  const noIfMatch = await decide();
  expect([noIfMatch.status, noIfMatch.body.code]).toEqual([428, 'PRECONDITION_REQUIRED']);
  const staleIfMatch = await decide().set('if-match', '"2"');
  expect([staleIfMatch.status, staleIfMatch.body.code, staleIfMatch.body.currentVersion]).toEqual([412, 'PRECONDITION_FAILED', 1]);
  const decided = await decide().set('if-match', read.headers.etag!).expect(200);
  expect(decided.headers.etag).toBe('"2"');
  // Deciding again on the old version is stale; on the new one, already decided.
  expect((await decide().set('if-match', '"1"')).status).toBe(412);
  expect((await decide().set('if-match', '"2"')).body.code).toBe('SI_WORK_INJURY_ALREADY_DECIDED');
  expect(decided.body).toMatchObject({ state: 'decided', outcome: 'recognised', credential: { id: determination.id } });

  // Foshan's clerk accepts it from Foshan's own copy of Guangzhou's issuer keys (once replicated).
  const accepted = await waitFor('Foshan accepting the determination', async () => {
    const r = await request(c.baseUrl(FS))
      .post('/api/v1/social-insurance/work-injury-recognitions')
      .set(fs)
      .send({ credential: determination.document });
    return r.status === 201 ? r.body : undefined;
  });
  expect(accepted).toMatchObject({ valid: true, credential: { type: 'WORK_INJURY_DETERMINATION', issuerCity: GZ, id: determination.id } });
  expect(accepted.credential.holder.code).not.toBe(worker.idNumber);
  const forged = { ...determination.document, holder: { ...(determination.document.holder as object), name: '钟师傅二' } };
  const refused = await request(c.baseUrl(FS))
    .post('/api/v1/social-insurance/work-injury-recognitions')
    .set(fs)
    .send({ credential: forged });
  expect([refused.status, refused.body.code]).toEqual([422, 'SI_CREDENTIAL_REJECTED']);

  // 社保卡: issued in Guangzhou, verified in Foshan.
  const card = await issue('SOCIAL_SECURITY_CARD');
  const verified = await waitFor('Foshan verifying the card', async () => {
    const r = await request(c.baseUrl(FS))
      .post('/api/v1/social-insurance/card-verifications')
      .set(fs)
      .send({ credential: card.document })
      .expect(200);
    return r.body.valid ? r.body : undefined;
  });
  expect(verified).toMatchObject({ valid: true, reasons: [], credential: { type: 'SOCIAL_SECURITY_CARD', issuerCity: GZ } });
};

/** 医保关系转移接续 Guangzhou → Foshan: released within 10 working days, continued within 5; a 2-month gap is paid up with benefits back-dated. */
export const medicalTransferWithGap = async (c: SocialWorld): Promise<void> => {
  const who = { idNumber: id17('44010619850505002'), name: '罗小姐' };
  const now = thisMonth();
  await report(c, GZ, who, monthsFromTo(addMonths(now, -30), addMonths(now, -5)), 600_000, 12_000, 'employee-medical');
  await report(c, FS, who, monthsFromTo(addMonths(now, -2), now), 650_000, 13_000, 'employee-medical');
  const gz = await bearer(c, GZ, 'clerk');
  const fs = await bearer(c, FS, 'clerk');
  const calendar = loadCalendar('seeds/calendar');

  const applied = await request(c.baseUrl(FS))
    .post('/api/v1/social-insurance/medical-transfers')
    .set(fs)
    .send({ ...who, fromCity: GZ })
    .expect(201);
  const id = applied.body.id as string;
  const appliedOn = applied.body.timeline[0].on as string;
  expect(applied.body.deadlines).toEqual([
    { step: 'released', city: GZ, dueOn: calendar.addWorkingDays(appliedOn, 10), doneOn: null, late: false },
  ]);
  expect(applied.headers.etag).toBe('"1"');
  expect(
    (await request(c.baseUrl(FS)).post(`/api/v1/social-insurance/medical-transfers/${id}/release`).set(fs).set('if-match', '"1"')).body
      .code,
  ).toBe('SI_TRANSFER_NOT_YOUR_STEP');

  const atOldPlace = await waitFor('the request at the old place', async () => {
    const r = await request(c.baseUrl(GZ)).get(`/api/v1/social-insurance/medical-transfers/${id}`).set(gz);
    return r.status === 200 ? r : undefined;
  });
  // If-Match is required (428 without it) and must be the version read (412 when stale).
  const release = () => request(c.baseUrl(GZ)).post(`/api/v1/social-insurance/medical-transfers/${id}/release`).set(gz);
  const missing = await release();
  expect([missing.status, missing.body.code]).toEqual([428, 'PRECONDITION_REQUIRED']);
  const stale = await release().set('if-match', '"7"');
  expect([stale.status, stale.body.code]).toEqual([412, 'PRECONDITION_FAILED']);
  expect(atOldPlace.headers.etag).toBe(`"${atOldPlace.body.version}"`);
  const released = await release().set('if-match', atOldPlace.headers.etag!).expect(200);
  expect(released.headers.etag).toBe(`"${released.body.version}"`);
  expect(released.body).toMatchObject({ state: 'released', insuredMonths: 26, lastPaidMonth: addMonths(now, -5) });
  const atNewPlace = await waitFor('the release at the new place', async () => {
    const r = await request(c.baseUrl(FS)).get(`/api/v1/social-insurance/medical-transfers/${id}`).set(fs).expect(200);
    return r.body.state === 'released' ? r : undefined;
  });
  const cont = () => request(c.baseUrl(FS)).post(`/api/v1/social-insurance/medical-transfers/${id}/continue`).set(fs);
  expect((await cont()).status).toBe(428);
  expect((await cont().set('if-match', `"${atNewPlace.body.version - 1}"`)).status).toBe(412);
  const done = await cont().set('if-match', atNewPlace.headers.etag!).expect(200);
  const releasedOn = done.body.timeline[1].on as string;
  expect(done.body).toMatchObject({ state: 'continued', gap: { kind: 'pay-up', gapMonths: 2, backDated: true } });
  expect(done.body.deadlines).toEqual([
    { step: 'released', city: GZ, dueOn: calendar.addWorkingDays(appliedOn, 10), doneOn: releasedOn, late: false },
    { step: 'continued', city: FS, dueOn: calendar.addWorkingDays(releasedOn, 5), doneOn: done.body.timeline[2].on, late: false },
  ]);
  const atGz = await waitFor('the old place sees the continuation', async () => {
    const r = await request(c.baseUrl(GZ)).get(`/api/v1/social-insurance/medical-transfers/${id}`).set(gz).expect(200);
    return r.body.state === 'continued' ? r.body : undefined;
  });
  expect(atGz.timeline).toEqual(done.body.timeline);
  await noRawIdInOutbox(c, who.idNumber);
};

/** A month paid both in Guangzhou and in 长沙 is found at transfer: Guangzhou refunds its copy (the new place keeps it) and leaves it out of the amounts. */
export const duplicateFoundAtTransfer = async (c: SocialWorld): Promise<void> => {
  const who = { idNumber: id17('44010619910303004'), name: '唐先生' };
  await report(c, GZ, who, monthsFromTo('2024-01', '2024-06'), 500_000);
  await report(c, CS, who, monthsFromTo('2024-06', '2024-12'), 450_000);
  const cs = await bearer(c, CS, 'clerk');
  const gz = await bearer(c, GZ, 'clerk');
  const applied = await request(c.baseUrl(CS))
    .post('/api/v1/social-insurance/transfers')
    .set(cs)
    .send({ idNumber: who.idNumber, name: who.name, fromCity: GZ, certificateNo: 'PZ-440100-2026-000003', hukouRegion: '440000' })
    .expect(201);
  const id = applied.body.id as string;
  await request(c.baseUrl(CS))
    .post(`/api/v1/social-insurance/transfers/${id}/contact-letter`)
    .set(cs)
    .set('if-match', '"1"')
    .send({})
    .expect(200);
  const atGz = await waitFor('the letter at the old place', async () => {
    const r = await request(c.baseUrl(GZ)).get(`/api/v1/social-insurance/transfers/${id}`).set(gz);
    return r.status === 200 ? r.body : undefined;
  });
  const sent = await request(c.baseUrl(GZ))
    .post(`/api/v1/social-insurance/transfers/${id}/funds`)
    .set(gz)
    .set('if-match', `"${atGz.version}"`)
    .send({})
    .expect(200);
  // 2024-06 refunded by Guangzhou: 8 % + 16 % of 5 000 yuan = 120 000 fen; five months move:
  // pooled 12 % × 5 × 500 000 = 300 000; personal 5 × 40 000 = 200 000 (2024 credits earn interest from 2025: no rate in the table).
  expect(sent.body.refund).toEqual({ months: ['2024-06'], refundFen: 120_000 });
  expect(sent.body.amounts).toMatchObject({
    personalAccount: { fromReformFen: 200_000, interestFen: 0, totalFen: 200_000 },
    pooled: { years: [{ year: 2024, months: 5, baseSumFen: 2_500_000, pooledFen: 300_000 }], totalFen: 300_000 },
    totalFen: 500_000,
  });
  const refunded = await c.query<{ refund_fen: string; months: string[] }>(
    GZ,
    `SELECT refund_fen, months FROM social_insurance.refund WHERE case_id = $1`,
    [id],
  );
  expect(refunded).toEqual([{ refund_fen: '120000', months: ['2024-06'] }]);
  // The new place receives the same: it continues with what left.
  const atCs = await waitFor('the funds at the new place', async () => {
    const r = await request(c.baseUrl(CS)).get(`/api/v1/social-insurance/transfers/${id}`).set(cs).expect(200);
    return r.body.state === 'funds-transferred' ? r.body : undefined;
  });
  const done = await request(c.baseUrl(CS))
    .post(`/api/v1/social-insurance/transfers/${id}/continue`)
    .set(cs)
    .set('if-match', `"${atCs.version}"`)
    .send({})
    .expect(200);
  expect(done.body).toMatchObject({ receivedFen: 500_000, refund: { months: ['2024-06'], refundFen: 120_000 } });
};

/**
 * The clerk lists (claims, retirees, investigations, work-injury cases, medical transfers): pages of
 * two walk the whole list without duplicates and match one large page; personal data masked; each
 * page's read audited; a cursor not issued by the API → 400 SI_INVALID_CURSOR; a resident lists
 * only their own claims.
 */
export const listsPagedMaskedAndOwn = async (c: SocialWorld): Promise<void> => {
  const gz = await bearer(c, GZ, 'clerk');
  const fs = await bearer(c, FS, 'clerk');
  const now = thisMonth();
  // Fresh ID numbers per run (valid dates; distinct last six digits, which name the residents' test accounts).
  const r = 100 + Math.floor(Math.random() * 400);
  const people = [1, 2, 3].map((k) => ({ idNumber: id17(`4401061956010${k}${r}`), name: `列表${k}` }));
  // Three retirees paid by Guangzhou, three medical transfers into Foshan, two residents' claims in Foshan.
  const retirees: string[] = [];
  for (const who of people) retirees.push((await registerRetiree(c, who, addMonths(now, -2), `${addMonths(now, -1)}-01`)).id);
  const medical: string[] = [];
  for (const who of people)
    medical.push(
      (
        await request(c.baseUrl(FS))
          .post('/api/v1/social-insurance/medical-transfers')
          .set(fs)
          .send({ ...who, fromCity: GZ })
          .expect(201)
      ).body.id as string,
    );
  const [a, b] = [
    { idNumber: id17(`44060419700101${r}`), name: '陈一' },
    { idNumber: id17(`44060419710101${r + 450}`), name: '陈二' },
  ];
  const claimOf = async (who: { idNumber: string; name: string }) =>
    (
      await request(c.baseUrl(FS))
        .post('/api/v1/social-insurance/pension-claims')
        .set(await residentOf(c, FS, who))
        .send({ hukouRegion: '440000' })
        .expect(202)
    ).body.id as string;
  const claimA = await claimOf(a);
  const claimB = await claimOf(b);

  const walks: [string, Record<string, string>, string, string[], string[]][] = [
    [GZ, gz, 'retirees', retirees, people.map((p) => p.idNumber)],
    [GZ, gz, `retirees?residenceCity=${FS}&stopped=false`, retirees, []],
    [FS, fs, 'medical-transfers', medical, people.map((p) => p.idNumber)],
    [FS, fs, 'medical-transfers?direction=in&state=applied', medical, []],
    [FS, fs, 'pension-claims', [claimA, claimB], [a.idNumber, b.idNumber]],
    [GZ, gz, 'investigations', [], []],
    [FS, fs, 'investigations', [], []],
    [GZ, gz, 'work-injury-cases', [], []],
  ];
  for (const [city, auth, path, expected, raw] of walks) {
    const walked = await listAll(c, city, auth, path);
    const ids = walked.map((i) => i.id);
    for (const id of expected) expect(ids).toContain(id);
    if (walked.length <= 100) {
      const one = await request(c.baseUrl(city))
        .get(`/api/v1/social-insurance/${path}${path.includes('?') ? '&' : '?'}limit=100`)
        .set(auth)
        .expect(200);
      expect(one.body.items.map((i: Listed) => i.id)).toEqual(ids);
    }
    const text = JSON.stringify(walked);
    for (const idNumber of raw) expect(text).not.toContain(idNumber);
    for (const i of walked) if (i.person) expect(i.person.idNumber).toContain('*');
  }
  // The other city's medical transfers carry the same ids on the old place, once the requests arrived.
  const outOfGz = await waitFor('the medical requests at Guangzhou', async () => {
    const items = await listAll(c, GZ, gz, 'medical-transfers?direction=out', 3);
    return medical.every((id) => items.some((i) => i.id === id)) ? items : undefined;
  });
  expect(outOfGz.length).toBeGreaterThanOrEqual(3);

  // Each page read is audited.
  const audited = await c.query<{ action: string }>(
    GZ,
    `SELECT DISTINCT action FROM platform.audit_log WHERE action LIKE 'social-insurance.%.list' ORDER BY action`,
  );
  expect(audited.map((r) => r.action)).toEqual(
    expect.arrayContaining([
      'social-insurance.investigation.list',
      'social-insurance.medical-transfer.list',
      'social-insurance.retiree.list',
      'social-insurance.work-injury.list',
    ]),
  );

  // A resident lists only their own claims; the clerk sees both.
  const mine = await listAll(c, FS, await residentOf(c, FS, a), 'pension-claims', 1);
  expect(mine.map((i) => i.id)).toEqual([claimA]);
  const theirs = await listAll(c, FS, await residentOf(c, FS, b), 'pension-claims', 1);
  expect(theirs.map((i) => i.id)).toEqual([claimB]);

  // Cursors the API did not issue, and limits out of range.
  for (const path of ['pension-claims', 'retirees', 'investigations', 'work-injury-cases', 'medical-transfers']) {
    const auth = path === 'pension-claims' || path === 'medical-transfers' ? fs : gz;
    const city = auth === fs ? FS : GZ;
    const bad = await request(c.baseUrl(city)).get(`/api/v1/social-insurance/${path}?cursor=not-ours`).set(auth);
    expect([bad.status, bad.body.code]).toEqual([400, 'SI_INVALID_CURSOR']);
    const forged = Buffer.from(JSON.stringify({ c: '2026-01-01T00:00:00.000Z', i: 'x' })).toString('base64url');
    expect((await request(c.baseUrl(city)).get(`/api/v1/social-insurance/${path}?cursor=${forged}`).set(auth)).body.code).toBe(
      'SI_INVALID_CURSOR',
    );
    const tooMany = await request(c.baseUrl(city)).get(`/api/v1/social-insurance/${path}?limit=101`).set(auth);
    expect([tooMany.status, tooMany.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  }
  // Residents have no clerk lists.
  expect(
    (
      await request(c.baseUrl(GZ))
        .get('/api/v1/social-insurance/retirees')
        .set(await residentOf(c, GZ, a))
    ).status,
  ).toBe(403);
};
