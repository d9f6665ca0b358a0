import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { expect } from '@jest/globals';
import request from 'supertest';
import { parse } from 'yaml';
import { findContract } from '@guangfo/contracts';
import { formatCredentialNumber, signCredential, type SignedCredential } from '@guangfo/credentials';
import { sm2PublicKeyFromPrivateKey, sm2Sign } from '@guangfo/gm-crypto';
import { computeSocialCreditCodeCheckChar } from '@guangfo/kernel';
import { openPersonalFields, sealPersonalFields, type SignedEvent, signingInput, toTransportMessage } from '@guangfo/messaging';
import { hashApiKey } from '@guangfo/platform';
import { verifyWebhookSignature } from '@guangfo/webhooks';
import { type TestCluster, waitFor } from './cluster.js';
import { issuerKeyOf } from './credentials.scenarios.js';

/**
 * 跨城通办 scenarios, run on the embedded transport (test/e2e/affairs.e2e-spec.ts) and on real Kafka
 * with separate node processes (test/integration/affairs.int-spec.ts).
 */

export const GZ = '440100';
export const FS = '440600';

export interface Person {
  username: string;
  city: string;
  role: 'resident' | 'clerk' | 'supervisor';
  hall?: string;
  /** Residents: the real-name-verified identity their token carries (idv claim). */
  identity?: { idNumber: string; name: string; assurance: 'real-name' };
}

/** People of seeds/demo/users.yaml (the Kafka suite mints tokens for the same subjects). */
export const PEOPLE = {
  fsResident: {
    username: 'fs-resident',
    city: FS,
    role: 'resident',
    identity: { idNumber: '44060419920505002X', name: '李小红', assurance: 'real-name' },
  },
  gzResident: {
    username: 'gz-resident',
    city: GZ,
    role: 'resident',
    identity: { idNumber: '440106199001010013', name: '陈小明', assurance: 'real-name' },
  },
  fsClerk: { username: 'fs-clerk', city: FS, role: 'clerk', hall: 'FS-CC-01' },
  fsClerk2: { username: 'fs-clerk-2', city: FS, role: 'clerk', hall: 'FS-CC-01' },
  gzClerk: { username: 'gz-clerk', city: GZ, role: 'clerk', hall: 'GZ-TH-01' },
  gzClerk2: { username: 'gz-clerk-2', city: GZ, role: 'clerk', hall: 'GZ-TH-01' },
  gzSupervisor: { username: 'gz-supervisor', city: GZ, role: 'supervisor', hall: 'GZ-TH-01' },
  fsSupervisor: { username: 'fs-supervisor', city: FS, role: 'supervisor', hall: 'FS-CC-01' },
} satisfies Record<string, Person>;

/** The claims of a person's token (residents: with their verified identity, when they have one). */
export const claimsOf = (p: Person) => ({
  sub: p.username,
  role: p.role,
  ...(p.hall ? { hall: p.hall } : {}),
  ...(p.identity ? { idv: p.identity } : {}),
});

/** Where the scenarios run, and how they get a token for a person. */
export interface AffairsWorld {
  cluster: TestCluster;
  token(person: Person): Promise<string>;
}

const FS_RESIDENT_ID = '44060419920505002X';
const SHA = (c: string) => c.repeat(64);
const pdf = (name: string, c = 'a') => ({ fileName: `${name}.pdf`, mediaType: 'application/pdf', sizeBytes: 48_213, sha256: SHA(c) });

/** A proxy filing: a Foshan resident moves hukou to Guangzhou, filed at a Foshan window (XK00201000). */
export const hukouFiling = (over: Record<string, unknown> = {}) => ({
  itemCode: 'XK00201000',
  mode: 'proxy',
  administeringCity: GZ,
  applicant: { name: '李小红', idNumber: FS_RESIDENT_ID, sub: 'fs-resident', identityCheck: 'id-card-reader' },
  materials: [
    { materialId: 'household-register', file: pdf('household-register', 'a') },
    { materialId: 'id-card', file: pdf('id-card', 'b') },
    { materialId: 'residence-permit', file: pdf('residence-permit', 'c') },
    { materialId: 'home', file: pdf('lease', 'd') },
    { materialId: 'contributions', file: pdf('contributions', 'e') },
  ],
  note: 'FS-INTERNAL: 申请人现场出示身份证原件',
  ...over,
});

interface Res {
  status: number;
  body: any;
  headers: Record<string, string>;
}

/** A tiny HTTP client acting as one person at one city's node. */
export const as = async (w: AffairsWorld, person: Person, city = person.city) => {
  const token = await w.token(person);
  const base = w.cluster.baseUrl(city);
  const auth = (r: request.Test) => r.set('authorization', `Bearer ${token}`);
  return {
    get: async (path: string): Promise<Res> => auth(request(base).get(`/api/v1${path}`)),
    getWith: async (path: string, headers: Record<string, string>): Promise<Res> => {
      let r = auth(request(base).get(`/api/v1${path}`));
      for (const [k, v] of Object.entries(headers)) r = r.set(k, v);
      return r;
    },
    post: async (path: string, body: object = {}, headers: Record<string, string> = {}): Promise<Res> => {
      let r = auth(request(base).post(`/api/v1${path}`));
      for (const [k, v] of Object.entries(headers)) r = r.set(k, v);
      return r.send(body);
    },
    /** A clerk step with If-Match = the version given (or the current one). */
    step: async (caseId: string, action: string, body: object = {}, version?: number): Promise<Res> => {
      const v = version ?? ((await auth(request(base).get(`/api/v1/cases/${caseId}`))).body as { version: number }).version;
      return auth(request(base).post(`/api/v1/cases/${caseId}/${action}`))
        .set('if-match', `"${v}"`)
        .send(body);
    },
  };
};

const ok = (r: Res, status = 200): any => {
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
};

const expectProblem = (r: Res, status: number, code: string) => {
  expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
};

/** Waits until `city`'s copy of a case reaches a version (and state). */
export const converged = async (w: AffairsWorld, city: string, caseId: string, version: number, state?: string): Promise<any> => {
  const clerk = await as(w, city === GZ ? PEOPLE.gzClerk : PEOPLE.fsClerk);
  return waitFor(`${city} to reach version ${version}${state ? ` (${state})` : ''} of ${caseId}`, async () => {
    const r = await clerk.get(`/cases/${caseId}`);
    return r.status === 200 && r.body.version === version && (!state || r.body.state === state) ? r.body : undefined;
  });
};

/** The due date a city keeps on its case row (what its clerk queue sorts and filters by). */
const storedDueDate = async (w: AffairsWorld, city: string, caseId: string): Promise<string | null> =>
  (
    await w.cluster.query<{ due: string | null }>(city, `SELECT to_char(due_date, 'YYYY-MM-DD') AS due FROM affairs.case WHERE id = $1`, [
      caseId,
    ])
  )[0]!.due;

/** The shared, replicated part of a timeline (what both cities must agree on). */
const shared = (timeline: any[]) =>
  timeline.map(({ seq, kind, at, actor, fromState, toState, reasonCode, detail, authorCity }) => ({
    seq,
    kind,
    at,
    actor,
    fromState,
    toState,
    reasonCode,
    detail,
    authorCity,
  }));

/** Files the hukou case at the Foshan window and forwards it; returns its id once Guangzhou has it. */
export const fileAndForward = async (w: AffairsWorld, over: Record<string, unknown> = {}): Promise<string> => {
  const fsClerk = await as(w, PEOPLE.fsClerk);
  const filed = ok(await fsClerk.post('/cases', hukouFiling(over)), 201);
  ok(await fsClerk.step(filed.id, 'forward', {}, 1));
  await converged(w, GZ, filed.id, 2, 'forwarded');
  return filed.id as string;
};

/** Files, forwards and has Guangzhou accept. */
export const acceptedCase = async (w: AffairsWorld, over: Record<string, unknown> = {}): Promise<string> => {
  const id = await fileAndForward(w, over);
  ok(await (await as(w, PEOPLE.gzClerk)).step(id, 'accept', {}, 2));
  await converged(w, FS, id, 3, 'accepted');
  return id;
};

/**
 * 异地代收代办 end to end: a Foshan resident files at a Foshan window for a Guangzhou item → Foshan
 * intake → forwarded → Guangzhou accepts → one 补正 notice → the resident supplies it → Guangzhou
 * approves → delivered at the Foshan window → 办结. Both cities then show the same timeline and state.
 */
export const proxyCaseEndToEnd = async (w: AffairsWorld): Promise<string> => {
  const fsClerk = await as(w, PEOPLE.fsClerk);
  const gzClerk = await as(w, PEOPLE.gzClerk);
  const gzClerk2 = await as(w, PEOPLE.gzClerk2);
  const resident = await as(w, PEOPLE.fsResident);

  // 申请 at the Foshan window, made safe to retry with an Idempotency-Key.
  const key = `fs-window-${randomUUID()}`;
  const first = await fsClerk.post('/cases', hukouFiling(), { 'idempotency-key': key });
  const filed = ok(first, 201);
  expect(first.headers.etag).toBe('"1"');
  expect(filed).toMatchObject({
    state: 'submitted',
    version: 1,
    mode: 'proxy',
    receivingCity: FS,
    administeringCity: GZ,
    holderCity: FS,
    heldHere: true,
    requiresIntake: true,
  });
  expect(filed.applicant.idNumber).toBe('440***********002X');
  const replay = await fsClerk.post('/cases', hukouFiling(), { 'idempotency-key': key });
  expect(replay.status).toBe(200);
  expect(replay.body.id).toBe(filed.id);
  expectProblem(
    await fsClerk.post(
      '/cases',
      hukouFiling({ applicant: { name: '李小红', idNumber: FS_RESIDENT_ID, sub: 'someone-else', identityCheck: 'id-card-reader' } }),
      { 'idempotency-key': key },
    ),
    409,
    'CASE_IDEMPOTENCY_KEY_REUSED',
  );
  const id: string = filed.id;

  // Guangzhou gets its copy; the intake step is Foshan's, not Guangzhou's.
  const gzCopy = await converged(w, GZ, id, 1, 'submitted');
  expect(gzCopy.heldHere).toBe(false);
  expectProblem(await gzClerk.step(id, 'accept', {}, 1), 409, 'CASE_ILLEGAL_TRANSITION');

  // Foshan intake: form and identity checked → forwarded (If-Match required).
  expectProblem(await fsClerk.post(`/cases/${id}/forward`, {}), 428, 'PRECONDITION_REQUIRED');
  const fwd = ok(await fsClerk.step(id, 'forward', { note: 'FS-INTERNAL: 身份核验通过' }, 1));
  expect(fwd).toMatchObject({ state: 'forwarded', version: 2, holderCity: GZ, heldHere: false });
  await converged(w, GZ, id, 2, 'forwarded');

  // Guangzhou: a claim the other clerk sees, then one 补正 notice before 受理 (行政许可法 art. 32(4)).
  const claimed = ok(await gzClerk.post(`/cases/${id}/claim`, { ttlMinutes: 15 }));
  expect(claimed.claim).toMatchObject({ clerk: 'gz-clerk', hall: 'GZ-TH-01' });
  const queue = ok(await gzClerk2.get('/cases?held=true&state=forwarded&limit=100'));
  expect(queue.items.find((i: any) => i.id === id)?.claim).toMatchObject({ clerk: 'gz-clerk' });
  expectProblem(await gzClerk2.post(`/cases/${id}/claim`, {}), 409, 'CASE_CLAIMED_BY_OTHER');
  expectProblem(await gzClerk2.step(id, 'accept', {}, 2), 409, 'CASE_CLAIMED_BY_OTHER');
  expectProblem(await fsClerk.step(id, 'accept', {}, 2), 403, 'CASE_NOT_YOUR_DUTY');

  // One 补正 notice, within 5 working days of receipt and before 受理; the case goes to the applicant's city.
  const asked = ok(
    await gzClerk.step(
      id,
      'request-supplement',
      { items: [{ materialId: 'contributions', description: '请补充近 12 个月的社会保险缴费证明（加盖公章）' }] },
      2,
    ),
  );
  expect(asked).toMatchObject({ state: 'supplement-requested', version: 3, holderCity: FS, deadline: { clockStarted: false } });
  expect(asked.supplement.items).toEqual([
    { id: 's1', materialId: 'contributions', description: '请补充近 12 个月的社会保险缴费证明（加盖公章）' },
  ]);
  await converged(w, FS, id, 3, 'supplement-requested');

  // The resident sees the notice, their full ID number, and a stopped clock; then answers.
  const mine = ok(await resident.get(`/cases/${id}`));
  expect(mine.applicant.idNumber).toBe(FS_RESIDENT_ID);
  expect(mine.deadline.clockPaused).toBe(true);
  expect(mine.notes).toBeUndefined();
  expect(ok(await resident.get('/cases')).items.map((i: any) => i.id)).toContain(id);
  const answered = ok(
    await resident.post(`/cases/${id}/supplement`, { responses: [{ itemId: 's1', file: pdf('contributions-stamped', 'f') }] }),
  );
  expect(answered).toMatchObject({ state: 'forwarded', version: 4, holderCity: GZ });
  expect(answered.materials.find((m: any) => m.materialId === 'contributions')).toMatchObject({
    status: 'supplemented',
    evidence: { fileName: 'contributions-stamped.pdf' },
  });
  await converged(w, GZ, id, 4, 'forwarded');

  // 受理 once the materials are complete: the clock runs from acceptance (art. 42).
  const accepted = ok(await gzClerk.step(id, 'accept', { note: 'GZ-INTERNAL: 材料初审无误' }, 4));
  expect(accepted).toMatchObject({ state: 'accepted', version: 5, deadline: { clockStarted: true, acceptance: { deemed: false } } });
  expect(accepted.deadline.startDate).toBe(accepted.deadline.acceptance.acceptedOn);
  await converged(w, FS, id, 5, 'accepted');
  // The due date each city stores for its queue counts the step just taken (written here, or applied from the other city).
  expect(accepted.deadline.dueDate).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/));
  for (const city of [GZ, FS]) expect(await storedDueDate(w, city, id)).toBe(accepted.deadline.dueDate);

  // 审查 and 决定 (准予) in Guangzhou; the result goes back to Foshan.
  ok(await gzClerk.step(id, 'review', {}, 5));
  const decided = ok(await gzClerk.step(id, 'decide', { outcome: 'approved', certificateNo: 'GZ-HK-2026-000123' }, 6));
  expect(decided).toMatchObject({ state: 'decided', outcome: 'approved', holderCity: FS, deadline: { stage: 'delivery' } });
  await converged(w, FS, id, 7, 'decided');
  for (const city of [GZ, FS]) expect(await storedDueDate(w, city, id)).toBe(decided.deadline.dueDate);

  // 送达 at the Foshan window, then 办结.
  expectProblem(await gzClerk.step(id, 'deliver', { method: 'window-pickup' }, 7), 403, 'CASE_NOT_YOUR_DUTY');
  ok(await fsClerk.step(id, 'deliver', { method: 'window-pickup' }, 7));
  const done = ok(await fsClerk.step(id, 'complete', {}, 8));
  expect(done).toMatchObject({ state: 'completed', version: 9, holderCity: null, deadline: { stage: 'closed' } });

  // Both cities show the same timeline and state.
  const gzView = await converged(w, GZ, id, 9, 'completed');
  const fsView = ok(await fsClerk.get(`/cases/${id}`));
  expect(shared(gzView.timeline)).toEqual(shared(fsView.timeline));
  expect(gzView.timeline.map((e: any) => e.kind)).toEqual([
    'filed',
    'forwarded',
    'supplement-requested',
    'supplemented',
    'accepted',
    'review-started',
    'decided',
    'delivered',
    'completed',
  ]);
  expect(gzView.timeline.map((e: any) => e.authorCity)).toEqual([FS, FS, GZ, FS, GZ, GZ, GZ, FS, FS]);
  for (const k of ['state', 'outcome', 'version', 'materials', 'decision', 'delivery', 'supplement'] as const)
    expect(gzView[k]).toEqual(fsView[k]);
  expect(gzView.deadline.decisionDueDate).toBe(fsView.deadline.decisionDueDate);

  // Internal notes stay in their city; they never travel.
  expect(fsView.notes.map((n: any) => n.text)).toEqual(['FS-INTERNAL: 申请人现场出示身份证原件', 'FS-INTERNAL: 身份核验通过']);
  expect(gzView.notes.map((n: any) => n.text)).toEqual(['GZ-INTERNAL: 材料初审无误']);
  for (const [city, marker] of [
    [FS, 'FS-INTERNAL'],
    [GZ, 'GZ-INTERNAL'],
  ] as const) {
    const leaked = await w.cluster.query(
      city,
      `SELECT count(*)::int AS n FROM platform.outbox WHERE subject = $1 AND envelope::text LIKE $2`,
      [id, `%${marker}%`],
    );
    expect(leaked[0]).toEqual({ n: 0 });
  }
  // The ID number is stored encrypted, never in clear, in either city.
  for (const city of [FS, GZ]) {
    const [row] = await w.cluster.query<{ masked: string; clear: boolean }>(
      city,
      `SELECT applicant_id_masked AS masked, (aggregate::text LIKE '%' || $2 || '%' OR applicant_id_cipher LIKE '%' || $2 || '%') AS clear FROM affairs.case WHERE id = $1`,
      [id, FS_RESIDENT_ID],
    );
    expect(row).toEqual({ masked: '440***********002X', clear: false });
  }

  // 好差评, once. A rating changes the view but not the version (the ETag): a revalidating client must
  // still get the rating, never a 304, and the view (personal data) is not stored by caches.
  const beforeRating = await resident.get(`/cases/${id}`);
  expect(beforeRating.headers['cache-control']).toBe('private, no-store');
  ok(await resident.post(`/cases/${id}/evaluate`, { rating: 5, comment: '两地跑变一地办，很方便' }));
  const revalidated = await resident.getWith(`/cases/${id}`, { 'if-none-match': beforeRating.headers['etag']! });
  expect(revalidated.status).toBe(200);
  expect(revalidated.headers['etag']).toBe(beforeRating.headers['etag']);
  expect(revalidated.body.evaluation?.rating).toBe(5);
  expectProblem(await resident.post(`/cases/${id}/evaluate`, { rating: 4 }), 409, 'CASE_ALREADY_EVALUATED');
  await waitFor('the rating in Guangzhou', async () => (await gzClerk.get(`/cases/${id}`)).body.evaluation?.rating === 5);

  // Every write and every read of the case is audited, in each city.
  const fsAudit = (
    await w.cluster.query<{ action: string }>(FS, `SELECT DISTINCT action FROM platform.audit_log WHERE resource = $1`, [`case:${id}`])
  ).map((r) => r.action);
  expect(fsAudit).toEqual(
    expect.arrayContaining([
      'case.file',
      'case.file.replayed',
      'case.forward',
      'case.read',
      'case.supplement',
      'case.deliver',
      'case.complete',
      'case.evaluate',
      'case.replicated.accepted',
      'case.replicated.decided',
    ]),
  );
  const gzAudit = (
    await w.cluster.query<{ action: string }>(GZ, `SELECT DISTINCT action FROM platform.audit_log WHERE resource = $1`, [`case:${id}`])
  ).map((r) => r.action);
  expect(gzAudit).toEqual(
    expect.arrayContaining([
      'case.replicated.filed',
      'case.claim',
      'case.accept',
      'case.request-supplement',
      'case.decide',
      'case.read',
      'case.replicated.completed',
      'case.replicated.evaluated',
    ]),
  );
  return id;
};

/** 撤回: at once while Foshan holds the case; by request (202) once Guangzhou holds it; refused after the decision. */
export const withdrawals = async (w: AffairsWorld): Promise<void> => {
  const fsClerk = await as(w, PEOPLE.fsClerk);
  const gzClerk = await as(w, PEOPLE.gzClerk);
  const resident = await as(w, PEOPLE.fsResident);

  // Still at intake in Foshan: withdrawn here and now.
  const early = ok(await fsClerk.post('/cases', hukouFiling()), 201);
  const w1 = ok(await resident.post(`/cases/${early.id}/withdraw`, { reason: '材料准备不全，下次再来' }));
  expect(w1).toMatchObject({ state: 'withdrawn', version: 2, holderCity: null });
  await converged(w, GZ, early.id, 2, 'withdrawn');
  expectProblem(await fsClerk.step(early.id, 'forward', {}, 2), 409, 'CASE_ILLEGAL_TRANSITION');

  // Accepted in Guangzhou: the request travels; Guangzhou writes the withdrawal.
  const id = await acceptedCase(w);
  const requested = await resident.post(`/cases/${id}/withdraw`, { reason: '已决定暂不迁移户口' });
  expect(requested.status).toBe(202);
  expect(requested.body.state).toBe('accepted');
  expect(requested.body.requests).toEqual([expect.objectContaining({ kind: 'withdraw', status: 'pending' })]);
  expectProblem(await resident.post(`/cases/${id}/withdraw`, {}), 409, 'CASE_WITHDRAWAL_PENDING');
  const fsDone = await converged(w, FS, id, 4, 'withdrawn');
  expect(fsDone.timeline[3]).toMatchObject({
    kind: 'withdrawn',
    authorCity: GZ,
    actor: { role: 'resident', id: 'fs-resident', city: FS },
    detail: { requestId: requested.body.requests[0].id, reason: '已决定暂不迁移户口' },
  });
  expect(fsDone.requests[0].status).toBe('applied');
  await converged(w, GZ, id, 4, 'withdrawn');
  expectProblem(await gzClerk.step(id, 'decide', { outcome: 'approved' }, 4), 409, 'CASE_ILLEGAL_TRANSITION');

  // Decided: too late to withdraw.
  const late = await acceptedCase(w);
  ok(await gzClerk.step(late, 'decide', { outcome: 'approved' }, 3));
  await converged(w, FS, late, 4, 'decided');
  expectProblem(await resident.post(`/cases/${late}/withdraw`, {}), 409, 'CASE_ILLEGAL_TRANSITION');

  // A request still on its way while Guangzhou decides (put straight into Foshan's table, as if its
  // event had not been delivered yet): Foshan, holding the case for delivery, refuses it in the timeline.
  const raced = await acceptedCase(w);
  const requestId = randomUUID();
  await w.cluster.query(
    FS,
    `INSERT INTO affairs.case_request (id, case_id, kind, origin_city, status, payload, created_at) VALUES ($1, $2, 'withdraw', $3, 'pending', $4, now())`,
    [
      requestId,
      raced,
      FS,
      JSON.stringify({ actor: { role: 'resident', id: 'fs-resident', city: FS }, requestedAt: new Date().toISOString(), knownVersion: 3 }),
    ],
  );
  ok(await gzClerk.step(raced, 'decide', { outcome: 'approved' }, 3));
  const refused = await converged(w, FS, raced, 5, 'decided');
  expect(refused.timeline[4]).toMatchObject({
    kind: 'withdrawal-refused',
    fromState: 'decided',
    toState: 'decided',
    reasonCode: 'ALREADY_DECIDED',
    authorCity: FS,
    detail: { requestId },
  });
  expect(refused.requests).toEqual([expect.objectContaining({ id: requestId, status: 'refused' })]);
  await converged(w, GZ, raced, 5, 'decided');
  ok(await fsClerk.step(raced, 'deliver', { method: 'window-pickup' }, 5));
};

/** 不予受理 by Guangzhou (with a reason code), seen in both cities; a 差评 opens a remediation in the responsible city only. */
export const notAccepted = async (w: AffairsWorld): Promise<void> => {
  const gzClerk = await as(w, PEOPLE.gzClerk);
  const resident = await as(w, PEOPLE.fsResident);
  const id = await fileAndForward(w);
  expectProblem(await gzClerk.step(id, 'reject', { reasonCode: 'OTHER' }, 2), 422, 'CASE_REASON_REQUIRED');
  expectProblem(await gzClerk.step(id, 'reject', { reasonCode: 'NOT_A_CODE' }, 2), 400, 'VALIDATION_FAILED');
  const r = ok(await gzClerk.step(id, 'reject', { reasonCode: 'NOT_ELIGIBLE', reason: '申请人在广州无合法稳定住所' }, 2));
  expect(r).toMatchObject({ state: 'not-accepted', holderCity: null, deadline: { stage: 'closed' } });
  const fsView = await converged(w, FS, id, 3, 'not-accepted');
  expect(fsView.timeline[2]).toMatchObject({
    kind: 'not-accepted',
    reasonCode: 'NOT_ELIGIBLE',
    detail: { reason: '申请人在广州无合法稳定住所' },
  });
  expectProblem(await gzClerk.step(id, 'accept', {}, 3), 409, 'CASE_ILLEGAL_TRANSITION');

  // 差评 → a remediation due after the responsible city's period (15 working days in the 2026.1 catalogue), for its supervisors.
  ok(await resident.post(`/cases/${id}/evaluate`, { rating: 2, comment: '不予受理的理由没有提前告知' }));
  // 谁办理、谁负责: Guangzhou refused to accept, so only Guangzhou remediates.
  const gzSupervisor = await as(w, PEOPLE.gzSupervisor);
  const task = await waitFor('remediation in Guangzhou', async () =>
    ok(await gzSupervisor.get('/remediations?status=open')).items.find((x: any) => x.caseId === id),
  );
  expect(task).toMatchObject({
    rating: 2,
    level: 'dissatisfied',
    status: 'open',
    provisional: false,
    dueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
  });
  const fsSupervisor = await as(w, PEOPLE.fsSupervisor);
  await waitFor(
    'the rating in Foshan',
    async () => (await (await as(w, PEOPLE.fsClerk)).get(`/cases/${id}`)).body.evaluation?.rating === 2,
  );
  expect(ok(await fsSupervisor.get('/remediations?status=open')).items.find((x: any) => x.caseId === id)).toBeUndefined();
  expectProblem(await gzClerk.get('/remediations'), 403, 'FORBIDDEN_ROLE');
};

/**
 * 追评 (国办发〔2019〕51号 好差评): after a 差评 and its remediation in the responsible city, the applicant
 * adds one follow-up rating; Guangzhou's task shows whether she is now satisfied, both cities show it.
 */
export const followUpAfterRemediation = async (w: AffairsWorld): Promise<void> => {
  const gzClerk = await as(w, PEOPLE.gzClerk);
  const resident = await as(w, PEOPLE.fsResident);
  const id = await fileAndForward(w);
  ok(await gzClerk.step(id, 'reject', { reasonCode: 'NOT_ELIGIBLE', reason: '申请人在广州无合法稳定住所' }, 2));
  await converged(w, FS, id, 3, 'not-accepted');
  expectProblem(await resident.post(`/cases/${id}/evaluate/follow-up`, { rating: 4 }), 409, 'CASE_NOT_EVALUATED');
  ok(await resident.post(`/cases/${id}/evaluate`, { rating: 1, comment: '不予受理的理由没有讲清楚' }));
  const gzSupervisor = await as(w, PEOPLE.gzSupervisor);
  const task = await waitFor('remediation in Guangzhou', async () =>
    ok(await gzSupervisor.get('/remediations?status=open')).items.find((x: any) => x.caseId === id),
  );
  expect(task.followUp).toBeNull();
  ok(await gzSupervisor.post(`/remediations/${task.id}/resolve`, { resolution: '已电话回访，说明不予受理的依据' }));
  // Only the applicant: another resident does not see the case, a clerk has no such step.
  expectProblem(await (await as(w, PEOPLE.gzResident)).post(`/cases/${id}/evaluate/follow-up`, { rating: 5 }), 404, 'CASE_NOT_FOUND');
  expectProblem(await gzClerk.post(`/cases/${id}/evaluate/follow-up`, { rating: 5 }), 403, 'FORBIDDEN_ROLE');
  expectProblem(await resident.post(`/cases/${id}/evaluate/follow-up`, { rating: 6 }), 400, 'VALIDATION_FAILED');
  const after = ok(await resident.post(`/cases/${id}/evaluate/follow-up`, { rating: 4, comment: '回访后清楚了' }));
  expect(after.evaluation).toMatchObject({
    rating: 1,
    followUp: { rating: 4, level: 'satisfied', comment: '回访后清楚了', followedUpAt: expect.any(String) },
  });
  expectProblem(await resident.post(`/cases/${id}/evaluate/follow-up`, { rating: 5 }), 409, 'CASE_ALREADY_FOLLOWED_UP');
  const closed = await waitFor('the follow-up on the Guangzhou task', async () =>
    ok(await gzSupervisor.get('/remediations?status=closed')).items.find((x: any) => x.caseId === id && x.followUp !== null),
  );
  expect(closed.followUp).toEqual({ rating: 4, satisfied: true, afterResolution: true, at: after.evaluation.followUp.followedUpAt });
  const gzView = await waitFor('the follow-up in Guangzhou', async () => {
    const v = ok(await gzClerk.get(`/cases/${id}`));
    return v.evaluation?.followUp ? v : undefined;
  });
  expect(gzView.evaluation.followUp).toEqual(after.evaluation.followUp);
};

/** A civil date `n` days from now (UTC), e.g. for an expected end that is never in the past. */
const inDays = (n: number): string => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** 不予 decision after review and a special procedure (clock paused), delivered by mail. */
export const deniedDecision = async (w: AffairsWorld): Promise<void> => {
  const fsClerk = await as(w, PEOPLE.fsClerk);
  const gzClerk = await as(w, PEOPLE.gzClerk);
  const id = await acceptedCase(w);
  ok(await gzClerk.step(id, 'review', {}, 3));
  // 行政许可法 art. 45: only the listed procedures, with the expected end stated in writing.
  expectProblem(
    await gzClerk.step(id, 'special-procedure', { procedure: 'ON_SITE_INSPECTION', expectedEnd: inDays(14) }, 4),
    400,
    'VALIDATION_FAILED',
  );
  expectProblem(await gzClerk.step(id, 'special-procedure', { procedure: 'HEARING' }, 4), 400, 'VALIDATION_FAILED');
  const hearing = ok(await gzClerk.step(id, 'special-procedure', { procedure: 'HEARING', expectedEnd: inDays(14) }, 4));
  expect(hearing).toMatchObject({ state: 'special-procedure', deadline: { clockPaused: true } });
  expect(hearing.timeline[hearing.timeline.length - 1].detail).toEqual({ procedure: 'HEARING', expectedEnd: inDays(14) });
  expectProblem(await gzClerk.step(id, 'decide', { outcome: 'denied', reasonCode: 'HEARING_FINDINGS' }, 5), 409, 'CASE_ILLEGAL_TRANSITION');
  ok(await gzClerk.step(id, 'resume', { result: '听证结束' }, 5));
  expectProblem(await gzClerk.step(id, 'decide', { outcome: 'denied' }, 6), 422, 'CASE_REASON_REQUIRED');
  const denied = ok(
    await gzClerk.step(id, 'decide', { outcome: 'denied', reasonCode: 'HEARING_FINDINGS', reason: '听证查明住所证明与实际不符' }, 6),
  );
  expect(denied).toMatchObject({ state: 'decided', outcome: 'denied', decision: { outcome: 'denied', reasonCode: 'HEARING_FINDINGS' } });
  await converged(w, FS, id, 7, 'decided');
  expectProblem(await fsClerk.step(id, 'deliver', { method: 'mail' }, 7), 422, 'CASE_REASON_REQUIRED');
  ok(await fsClerk.step(id, 'deliver', { method: 'mail', trackingNumber: 'EMS1234567890CN', carrier: 'EMS' }, 7));
  ok(await fsClerk.step(id, 'complete', {}, 8));
  const gzView = await converged(w, GZ, id, 9, 'completed');
  expect(gzView).toMatchObject({ outcome: 'denied', delivery: { method: 'mail', trackingNumber: 'EMS1234567890CN' } });
  expect(gzView.timeline.map((e: any) => e.kind)).toEqual([
    'filed',
    'forwarded',
    'accepted',
    'review-started',
    'special-procedure-started',
    'special-procedure-ended',
    'decided',
    'delivered',
    'completed',
  ]);
};

/** 全程网办 of a Foshan resident for a Guangzhou item (QR00101000), filed online with her own token. */
const onlineFiling = {
  itemCode: 'QR00101000',
  mode: 'online',
  administeringCity: GZ,
  materials: [
    { materialId: 'residence-permit', file: pdf('residence-permit', 'c') },
    { materialId: 'contributions', file: pdf('contributions') },
    { materialId: 'years', file: pdf('years', 'b') },
  ],
};

/**
 * A filing answers with the case as it was written, without reading it back: the 201 body must be exactly what a read of
 * the case gives the same person right after (a clerk's filing with its internal note, its replay under the same
 * Idempotency-Key, and a resident's own online filing with her ID number in clear).
 */
export const filingAnswersAsRead = async (w: AffairsWorld): Promise<void> => {
  const fsClerk = await as(w, PEOPLE.fsClerk);
  const key = `answers-as-read-${Date.now()}`;
  const filed = ok(await fsClerk.post('/cases', hukouFiling(), { 'idempotency-key': key }), 201);
  expect(filed.notes).toEqual([expect.objectContaining({ seq: 1, text: 'FS-INTERNAL: 申请人现场出示身份证原件' })]);
  expect(ok(await fsClerk.get(`/cases/${filed.id}`))).toEqual(filed);
  expect(ok(await fsClerk.post('/cases', hukouFiling(), { 'idempotency-key': key }), 200)).toEqual(filed);

  const resident = await as(w, PEOPLE.fsResident);
  const online = ok(await resident.post('/cases', onlineFiling), 201);
  expect(online.applicant.idNumber).toBe(FS_RESIDENT_ID);
  expect(ok(await resident.get(`/cases/${online.id}`))).toEqual(online);
};

/** 全程网办: the resident files at home; the case lands in Guangzhou's queue with no intake step. */
export const onlineCase = async (w: AffairsWorld): Promise<void> => {
  const resident = await as(w, PEOPLE.fsResident);
  const fsClerk = await as(w, PEOPLE.fsClerk);
  const gzClerk = await as(w, PEOPLE.gzClerk);
  const body = onlineFiling;
  expectProblem(await resident.post('/cases', { ...body, mode: 'proxy' }), 422, 'CASE_ROUTE_NOT_ALLOWED');
  expectProblem(await resident.post('/cases', { ...body, channel: 'window' }), 422, 'CASE_ROUTE_NOT_ALLOWED');
  // The applicant is the token's verified identity: filing as someone else is refused, whatever the body says.
  expectProblem(
    await resident.post('/cases', { ...body, applicant: { name: '王五', idNumber: '11010519491231002X' } }),
    403,
    'CASE_APPLICANT_NOT_SELF',
  );
  expectProblem(
    await resident.post('/cases', { ...body, applicant: { name: '王五', idNumber: FS_RESIDENT_ID } }),
    403,
    'CASE_APPLICANT_NOT_SELF',
  );
  // Sending one's own identity is allowed (and redundant).
  expectProblem(
    await resident.post('/cases', {
      ...body,
      applicant: { name: '李小红', idNumber: FS_RESIDENT_ID },
      materials: body.materials.slice(0, 2),
    }),
    422,
    'CASE_MATERIALS_INCOMPLETE',
  );
  expectProblem(await resident.post('/cases', { ...body, materials: body.materials.slice(0, 2) }), 422, 'CASE_MATERIALS_INCOMPLETE');
  expectProblem(
    await resident.post('/cases', {
      ...body,
      materials: [...body.materials.slice(0, 2), { materialId: 'years', credential: { type: 'ID_CARD', id: 'x', document: {} } }],
    }),
    422,
    'CASE_MATERIALS_INVALID',
  );
  const filed = ok(await resident.post('/cases', body), 201);
  expect(filed).toMatchObject({
    mode: 'online',
    channel: 'online',
    receivingCity: GZ,
    administeringCity: GZ,
    requiresIntake: false,
    holderCity: GZ,
    heldHere: false,
    applicant: { sub: 'fs-resident', idNumber: FS_RESIDENT_ID },
  });
  expectProblem(await fsClerk.step(filed.id, 'forward', {}, 1), 409, 'CASE_ILLEGAL_TRANSITION');
  const gzCopy = await converged(w, GZ, filed.id, 1, 'submitted');
  expect(gzCopy.availableActions.map((a: any) => a.action)).toEqual(['accept', 'reject', 'request-supplement', 'withdraw']);
  ok(await gzClerk.step(filed.id, 'accept', {}, 1));
  ok(await gzClerk.step(filed.id, 'decide', { outcome: 'approved' }, 2));
  ok(await gzClerk.step(filed.id, 'deliver', { method: 'electronic' }, 3));
  ok(await gzClerk.step(filed.id, 'complete', {}, 4));
  const fsView = await converged(w, FS, filed.id, 5, 'completed');
  expect(fsView.timeline.map((e: any) => e.authorCity)).toEqual([FS, GZ, GZ, GZ, GZ]);
};

/**
 * 多地联办: a Guangzhou resident living in Foshan applies for a Foshan residence permit at a Foshan
 * window; Foshan receives and decides, Guangzhou (her own city) keeps a copy. The 补正 notice goes to
 * her city, where she answers it. And 退件 at a Foshan intake.
 */
export const jointCaseAndReturn = async (w: AffairsWorld): Promise<void> => {
  const fsClerk = await as(w, PEOPLE.fsClerk);
  const gzResident = await as(w, PEOPLE.gzResident);
  const fsResident = await as(w, PEOPLE.fsResident);
  const filed = ok(
    await fsClerk.post('/cases', {
      itemCode: 'GG00202000440600001', // the implementation code works too
      mode: 'joint',
      administeringCity: FS,
      applicantCity: GZ,
      applicant: { name: '陈小明', idNumber: '440106199001010013', sub: 'gz-resident', identityCheck: 'id-card-inspection' },
      materials: [
        { materialId: 'id-card', file: pdf('id-card', 'a') },
        { materialId: 'photo', file: pdf('photo', 'b') },
        { materialId: 'home', missing: true },
        { materialId: 'job-or-study', file: pdf('job-or-study', 'c') },
      ],
    }),
    201,
  );
  expect(filed).toMatchObject({
    itemCode: 'GG00202000',
    mode: 'joint',
    applicantCity: GZ,
    receivingCity: FS,
    administeringCity: FS,
    requiresIntake: false,
    participants: [FS, GZ],
    holderCity: FS,
  });
  const id: string = filed.id;
  // Art. 32: with a required material missing, accept is not offered (and refused); 补正 is.
  expect(filed.availableActions.map((a: any) => a.action)).toEqual(['reject', 'request-supplement', 'withdraw']);
  expectProblem(await fsClerk.step(id, 'accept', {}, 1), 422, 'CASE_MATERIALS_INCOMPLETE');
  const asked = ok(await fsClerk.step(id, 'request-supplement', { items: [] }, 1));
  expect(asked).toMatchObject({ state: 'supplement-requested', holderCity: GZ });
  expect(asked.supplement.items).toEqual([expect.objectContaining({ id: 's1', materialId: 'home' })]);
  await converged(w, GZ, id, 2, 'supplement-requested');
  expectProblem(await fsResident.get(`/cases/${id}`), 404, 'CASE_NOT_FOUND');
  const mine = ok(await gzResident.get(`/cases/${id}`));
  expect(mine.applicant.idNumber).toBe('440106199001010013');
  ok(await gzResident.post(`/cases/${id}/supplement`, { responses: [{ itemId: 's1', file: pdf('home', 'd') }] }));
  await converged(w, FS, id, 3, 'submitted');
  for (const [action, body, v] of [
    ['accept', {}, 3],
    ['decide', { outcome: 'approved' }, 4],
    ['deliver', { method: 'window-pickup' }, 5],
    ['complete', {}, 6],
  ] as const) {
    ok(await fsClerk.step(id, action, body, v));
  }
  const gzView = await converged(w, GZ, id, 7, 'completed');
  expect(gzView.timeline.map((e: any) => `${e.kind}@${e.authorCity}`)).toEqual([
    'filed@440600',
    'supplement-requested@440600',
    'supplemented@440100',
    'accepted@440600',
    'decided@440600',
    'delivered@440600',
    'completed@440600',
  ]);

  // 退件 at intake: the receiving city returns the application with a reason code.
  const returned = ok(await fsClerk.post('/cases', hukouFiling()), 201);
  const back = ok(
    await fsClerk.step(returned.id, 'return', { reasonCode: 'IDENTITY_NOT_VERIFIED', reason: '申请人未能出示身份证原件' }, 1),
  );
  expect(back).toMatchObject({ state: 'returned', holderCity: null, deadline: { stage: 'closed' } });
  const gzReturned = await converged(w, GZ, returned.id, 2, 'returned');
  expect(gzReturned.timeline[1]).toMatchObject({ kind: 'returned', reasonCode: 'IDENTITY_NOT_VERIFIED', authorCity: FS });
  expectProblem(await (await as(w, PEOPLE.gzClerk)).step(returned.id, 'accept', {}, 2), 409, 'CASE_ILLEGAL_TRANSITION');
};

/**
 * 行政许可法 art. 32(4): intake problem goes to 补正, not 退件. The Foshan window finds a required
 * material missing: 退件 for incomplete materials is refused; the window gives the one 补正 notice
 * (within the 5-working-day window), the resident supplies it, the window forwards, Guangzhou accepts.
 */
export const intakeProblemToSupplement = async (w: AffairsWorld): Promise<void> => {
  const fsClerk = await as(w, PEOPLE.fsClerk);
  const gzClerk = await as(w, PEOPLE.gzClerk);
  const resident = await as(w, PEOPLE.fsResident);
  const materials = hukouFiling().materials.map((m) => (m.materialId === 'home' ? { materialId: 'home', missing: true } : m));
  const filed = ok(await fsClerk.post('/cases', hukouFiling({ materials })), 201);
  const id: string = filed.id;
  expect(filed.availableActions).toEqual([
    { action: 'forward', performer: 'receiving', city: FS },
    { action: 'return', performer: 'receiving', city: FS },
    { action: 'request-supplement', performer: 'receiving', city: FS },
    { action: 'withdraw', performer: 'applicant', city: FS },
  ]);
  expectProblem(await fsClerk.step(id, 'return', { reasonCode: 'FORM_INCOMPLETE' }, 1), 400, 'VALIDATION_FAILED');
  await converged(w, GZ, id, 1, 'submitted');
  expectProblem(await gzClerk.step(id, 'request-supplement', { items: [] }, 1), 403, 'CASE_NOT_YOUR_DUTY');
  const asked = ok(await fsClerk.step(id, 'request-supplement', { items: [] }, 1));
  expect(asked).toMatchObject({ state: 'supplement-requested', holderCity: FS });
  expect(asked.supplement.items).toEqual([expect.objectContaining({ id: 's1', materialId: 'home' })]);
  await converged(w, GZ, id, 2, 'supplement-requested');
  const back = ok(await resident.post(`/cases/${id}/supplement`, { responses: [{ itemId: 's1', file: pdf('lease', 'f') }] }));
  expect(back).toMatchObject({ state: 'submitted', holderCity: FS, version: 3 });
  ok(await fsClerk.step(id, 'forward', {}, 3));
  const gzCopy = await converged(w, GZ, id, 4, 'forwarded');
  // One notice per case (一次性告知): Guangzhou accepts, it cannot ask again.
  expect(gzCopy.availableActions.map((a: any) => a.action)).toEqual(['accept', 'reject', 'withdraw']);
  ok(await gzClerk.step(id, 'accept', {}, 4));
  const fsView = await converged(w, FS, id, 5, 'accepted');
  expect(fsView.timeline.map((e: any) => `${e.kind}@${e.authorCity}`)).toEqual([
    'filed@440600',
    'supplement-requested@440600',
    'supplemented@440600',
    'forwarded@440600',
    'accepted@440100',
  ]);
};

/** Object-level access: other residents get 404, the wrong city 403, partners need cases:read. */
export const accessRules = async (w: AffairsWorld): Promise<void> => {
  const id = await fileAndForward(w);
  const gzResident = await as(w, PEOPLE.gzResident);
  const fsClerkAtGz = await as(w, PEOPLE.fsClerk, GZ);
  const gzClerkAtFs = await as(w, PEOPLE.gzClerk, FS);

  // Another resident: the case does not exist for them (404, not 403), and it is not in their list.
  expectProblem(await gzResident.get(`/cases/${id}`), 404, 'CASE_NOT_FOUND');
  expectProblem(await gzResident.post(`/cases/${id}/withdraw`, {}), 404, 'CASE_NOT_FOUND');
  expect(ok(await gzResident.get('/cases?limit=100')).items.map((i: any) => i.id)).not.toContain(id);
  expectProblem(await (await as(w, PEOPLE.gzResident, FS)).get(`/cases/${id}`), 403, 'FORBIDDEN_CITY');
  // A clerk calling the other city's node.
  expectProblem(await fsClerkAtGz.get(`/cases/${id}`), 403, 'FORBIDDEN_CITY');
  expectProblem(await gzClerkAtFs.step(id, 'forward', {}, 2), 403, 'FORBIDDEN_CITY');
  // A resident may not act as a clerk; a clerk may not withdraw for the applicant.
  const resident = await as(w, PEOPLE.fsResident);
  expectProblem(await resident.step(id, 'forward', {}, 2), 403, 'FORBIDDEN_ROLE');
  expectProblem(await (await as(w, PEOPLE.fsClerk)).post(`/cases/${id}/withdraw`, {}), 403, 'FORBIDDEN_ROLE');
  expectProblem(await resident.get('/cases/00000000-0000-4000-8000-000000000000'), 404, 'CASE_NOT_FOUND');

  // Partners: without cases:read 403; with it, only the cases of the items granted to them (others look
  // absent), with names and ID numbers masked and no notes.
  const noScope = `it-partner-noscope-${randomUUID()}`;
  const withScope = `it-partner-cases-${randomUUID()}`;
  const otherItems = `it-partner-other-${randomUUID()}`;
  await w.cluster.query(
    GZ,
    `INSERT INTO platform.api_key (id, name, city_code, key_hash, scopes, case_item_grants) VALUES ($1, 'no scope', $2, $3, $4, '{}'), ($5, 'reader', $2, $6, $7, $8), ($9, 'reader of other items', $2, $10, $7, $11)`,
    [
      `p-${noScope.slice(-12)}`,
      GZ,
      hashApiKey(noScope),
      ['credentials:verify'],
      `p-${withScope.slice(-12)}`,
      hashApiKey(withScope),
      ['cases:read'],
      ['XK00201000'],
      `p-${otherItems.slice(-12)}`,
      hashApiKey(otherItems),
      ['QR00101000'],
    ],
  );
  const partner = (key: string) => request(w.cluster.baseUrl(GZ)).get(`/api/v1/cases/${id}`).set('x-api-key', key);
  expectProblem(await partner(noScope), 403, 'FORBIDDEN_SCOPE');
  expectProblem(await partner(otherItems), 404, 'CASE_NOT_FOUND');
  const otherList = await request(w.cluster.baseUrl(GZ)).get('/api/v1/cases?limit=100').set('x-api-key', otherItems);
  expect(otherList.status).toBe(200);
  expect(otherList.body.items.every((i: any) => i.itemCode === 'QR00101000')).toBe(true);
  const seen = ok(await partner(withScope));
  expect(seen.applicant).toEqual({ name: '李*红', idNumber: '440***********002X' });
  expect(seen.notes).toBeUndefined();
  expect(seen.timeline[0].actor.id).toBe('***');
  const list = await request(w.cluster.baseUrl(GZ)).get('/api/v1/cases?limit=100').set('x-api-key', withScope);
  expect(list.status).toBe(200);
  expect(list.body.items.map((i: any) => i.id)).toContain(id);
  expect(list.body.items.every((i: any) => i.itemCode === 'XK00201000')).toBe(true);
  expectProblem(
    await request(w.cluster.baseUrl(GZ)).post(`/api/v1/cases/${id}/accept`).set('x-api-key', withScope).set('if-match', '"2"').send({}),
    403,
    'FORBIDDEN_SCOPE',
  );

  // A clerk sees the case, but not the other city's notes, and only a masked ID number.
  const gzView = ok(await (await as(w, PEOPLE.gzClerk)).get(`/cases/${id}`));
  expect(gzView.applicant.idNumber).toBe('440***********002X');
  expect(gzView.notes).toEqual([]);

  // Reads and denied reads are audited.
  const audited = await w.cluster.query<{ actor: string; outcome: string }>(
    GZ,
    `SELECT actor, outcome FROM platform.audit_log WHERE resource = $1 AND action = 'case.read'`,
    [`case:${id}`],
  );
  expect(audited).toEqual(
    expect.arrayContaining([
      { actor: 'resident:gz-resident', outcome: 'denied' },
      { actor: 'clerk:gz-clerk', outcome: 'success' },
    ]),
  );
};

/**
 * Identity binding, written as the attacks that used to work: a clerk files a stranger's case and
 * links it to a resident's account; a resident without a verified identity files online. The
 * stranger's ID number never reaches the resident, and the account is linked only when its
 * verified identity is the applicant's.
 */
export const identityBinding = async (w: AffairsWorld): Promise<void> => {
  const fsClerk = await as(w, PEOPLE.fsClerk);
  const fsResident = await as(w, PEOPLE.fsResident);
  const STRANGER_ID = '11010519491231002X';
  // A window filing must say how identity was checked in person.
  const noCheck = await fsClerk.post('/cases', hukouFiling({ applicant: { name: '王五', idNumber: STRANGER_ID, sub: 'fs-resident' } }));
  expectProblem(noCheck, 422, 'CASE_APPLICANT_INVALID');
  expect(noCheck.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'applicant.identityCheck' })]));
  expectProblem(await fsClerk.post('/cases', hukouFiling({ applicant: undefined })), 422, 'CASE_APPLICANT_INVALID');
  const strangers = ok(
    await fsClerk.post(
      '/cases',
      hukouFiling({ applicant: { name: '王五', idNumber: STRANGER_ID, sub: 'fs-resident', identityCheck: 'id-card-reader' } }),
    ),
    201,
  );
  // The account named by the clerk is not this applicant: the case does not exist for it.
  const read = await fsResident.get(`/cases/${strangers.id}`);
  expectProblem(read, 404, 'CASE_NOT_FOUND');
  expect(JSON.stringify(read.body)).not.toContain(STRANGER_ID);
  const mine = ok(await fsResident.get('/cases?limit=100'));
  expect(mine.items.map((i: any) => i.id)).not.toContain(strangers.id);
  expect(JSON.stringify(mine)).not.toContain(STRANGER_ID);
  expectProblem(await fsResident.post(`/cases/${strangers.id}/withdraw`, {}), 404, 'CASE_NOT_FOUND');
  // The clerk's view records the in-person check on the filing entry.
  const clerkView = ok(await fsClerk.get(`/cases/${strangers.id}`));
  expect(clerkView.timeline[0].detail.identityCheck).toBe('in-person:id-card-reader');
  expect(clerkView.applicant.idNumber).toBe('110***********002X');
  // Her own window filing, linked to her account, is hers: shown unmasked.
  const hers = ok(await fsClerk.post('/cases', hukouFiling()), 201);
  expect(ok(await fsResident.get(`/cases/${hers.id}`)).applicant.idNumber).toBe(FS_RESIDENT_ID);
  // A token without a verified identity cannot file online, and owns nothing.
  const unverified = await as(w, { username: 'fs-resident', city: FS, role: 'resident' });
  expectProblem(await unverified.post('/cases', onlineFiling), 403, 'CASE_IDENTITY_NOT_VERIFIED');
  expectProblem(await unverified.get(`/cases/${hers.id}`), 404, 'CASE_NOT_FOUND');
  // Online filings carry the token's identity and say so.
  const filed = ok(await fsResident.post('/cases', onlineFiling), 201);
  expect(filed.applicant).toMatchObject({ name: '李小红', idNumber: FS_RESIDENT_ID, sub: 'fs-resident' });
  expect(filed.timeline[0].detail.identityCheck).toBe('token:real-name');
};

/** Two clerks decide at once with the same If-Match: exactly one wins, the other gets 412. */
export const concurrentDecisions = async (w: AffairsWorld): Promise<void> => {
  const id = await acceptedCase(w);
  const a = await as(w, PEOPLE.gzClerk);
  const b = await as(w, PEOPLE.gzClerk2);
  const results = await Promise.all([
    a.step(id, 'decide', { outcome: 'approved', certificateNo: 'A-1' }, 3),
    b.step(id, 'decide', { outcome: 'denied', reasonCode: 'REQUIREMENTS_NOT_MET' }, 3),
  ]);
  expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
  const loser = results.find((r) => r.status === 412)!;
  expect(loser.body).toMatchObject({ code: 'PRECONDITION_FAILED', currentVersion: 4 });
  const winner = results.find((r) => r.status === 200)!;
  const final = ok(await a.get(`/cases/${id}`));
  expect(final.version).toBe(4);
  expect(final.outcome).toBe(winner.body.outcome);
  expect(final.timeline.filter((e: any) => e.kind === 'decided')).toHaveLength(1);
  await converged(w, FS, id, 4, 'decided');
  // A stale version is refused even without a race.
  expectProblem(await b.step(id, 'review', {}, 3), 412, 'PRECONDITION_FAILED');
};

/** `Prefer: return=minimal` (RFC 7240): 204 with the new version in ETag, no body; the step is done all the same. */
export const minimalSteps = async (w: AffairsWorld): Promise<void> => {
  const id = await acceptedCase(w);
  const gzClerk = await as(w, PEOPLE.gzClerk);
  const r = await gzClerk.post(`/cases/${id}/review`, {}, { 'if-match': '"3"', prefer: 'return=minimal' });
  expect(r.status).toBe(204);
  expect(r.headers['etag']).toBe('"4"');
  expect(r.headers['preference-applied']).toBe('return=minimal');
  expect(r.body).toEqual({});
  const now = ok(await gzClerk.get(`/cases/${id}`));
  expect(now).toMatchObject({ version: 4, state: 'under-review' });
  // A refused step is refused the same way, with its problem document.
  expectProblem(await gzClerk.post(`/cases/${id}/review`, {}, { 'if-match': '"3"', prefer: 'return=minimal' }), 412, 'PRECONDITION_FAILED');
  // Another preference alone changes nothing.
  const full = await gzClerk.post(
    `/cases/${id}/decide`,
    { outcome: 'approved', certificateNo: 'M-1' },
    { 'if-match': '"4"', prefer: 'return=representation' },
  );
  expect(full.status).toBe(200);
  expect(full.body).toMatchObject({ id, version: 5, state: 'decided' });
  await converged(w, FS, id, 5, 'decided');
};

/** The clerk queue: this city's cases by due date, filters and cursor pages. */
export const clerkQueue = async (w: AffairsWorld): Promise<void> => {
  const ids = [await fileAndForward(w), await fileAndForward(w), await fileAndForward(w)];
  const gzClerk = await as(w, PEOPLE.gzClerk);
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: any = ok(await gzClerk.get(`/cases?state=forwarded&item=XK00201000&held=true&limit=2${cursor ? `&cursor=${cursor}` : ''}`));
    for (const i of page.items) expect(i).toMatchObject({ state: 'forwarded', itemCode: 'XK00201000', heldHere: true });
    seen.push(...page.items.map((i: any) => i.id));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < 100);
  expect(seen).toEqual(expect.arrayContaining(ids));
  expect(new Set(seen).size).toBe(seen.length);
  const all = ok(await gzClerk.get('/cases?state=forwarded&limit=100')).items as any[];
  const dues = all.map((i) => i.deadline.dueDate ?? '9999-12-31');
  expect([...dues].sort()).toEqual(dues);
  expectProblem(await gzClerk.get('/cases?state=bogus'), 400, 'CASE_INVALID_QUERY');
  expectProblem(await gzClerk.get('/cases?cursor=nonsense'), 400, 'CASE_INVALID_CURSOR');
  expectProblem(await gzClerk.get('/cases?due=soon'), 400, 'VALIDATION_FAILED');

  // A case received from Foshan belongs to no Guangzhou hall (every hall's list shows it) until a clerk of one takes a
  // step on it (no claim here); a later step by a clerk of another hall does not move it.
  const inHall = async (hall: string) => (ok(await gzClerk.get(`/cases?hall=${hall}&limit=100`)).items as any[]).map((i) => i.id);
  expect(await inHall('GZ-OTHER-09')).toContain(ids[0]);
  ok(await gzClerk.step(ids[0]!, 'accept', {}, 2));
  expect(await inHall('GZ-TH-01')).toContain(ids[0]);
  expect(await inHall('GZ-OTHER-09')).not.toContain(ids[0]);
  const other = await as(w, { username: 'gz-clerk-2', city: GZ, role: 'clerk', hall: 'GZ-OTHER-09' });
  ok(await other.step(ids[0]!, 'review', {}, 3));
  expect(await inHall('GZ-TH-01')).toContain(ids[0]);
  expect(await inHall('GZ-OTHER-09')).not.toContain(ids[0]);
};

// ---- Embedded only: the clock and forged deliveries need the sandbox's in-process nodes and demo keys.

export interface ClockControl {
  /** Sets "now" for the affairs domain of every city node. */
  setNow(instant: string): void;
  reset(): void;
}

/** A deadline across a public holiday: filed 2026-09-30, the 10 working days skip National Day. */
export const deadlineAcrossNationalDay = async (w: AffairsWorld, clock: ClockControl): Promise<void> => {
  try {
    clock.setNow('2026-09-30T09:30:00+08:00');
    const fsClerk = await as(w, PEOPLE.fsClerk);
    const filed = ok(await fsClerk.post('/cases', hukouFiling()), 201);
    expect(filed.filedAt).toBe('2026-09-30T01:30:00.000Z');
    expect(filed.deadline).toMatchObject({
      stage: 'decision',
      startDate: '2026-09-30',
      committedWorkingDays: 10,
      decisionDueDate: '2026-10-20',
      legalDueDate: '2026-11-03',
      dueDate: '2026-10-20',
      remainingWorkingDays: 10,
      nearDue: false,
      overdue: false,
    });
    ok(await fsClerk.step(filed.id, 'forward', {}, 1));
    await converged(w, GZ, filed.id, 2, 'forwarded');
    const gzClerk = await as(w, PEOPLE.gzClerk);

    clock.setNow('2026-10-15T10:00:00+08:00'); // Thursday: 16, 19, 20 left
    const near = ok(await gzClerk.get(`/cases/${filed.id}`));
    expect(near.deadline).toMatchObject({ dueDate: '2026-10-20', remainingWorkingDays: 3, nearDue: true, overdue: false });
    expect(ok(await gzClerk.get('/cases?due=near&limit=100')).items.map((i: any) => i.id)).toContain(filed.id);

    clock.setNow('2026-10-21T10:00:00+08:00');
    const late = ok(await gzClerk.get(`/cases/${filed.id}`));
    expect(late.deadline).toMatchObject({ overdue: true, nearDue: false, remainingWorkingDays: -1 });
    expect(ok(await gzClerk.get('/cases?due=overdue&limit=100')).items.map((i: any) => i.id)).toContain(filed.id);
    expect(ok(await gzClerk.get('/cases?due=2026-10-20&limit=100')).items.map((i: any) => i.id)).toContain(filed.id);
  } finally {
    clock.reset();
  }
};

interface Secrets {
  cities: Record<string, { signingKey: { keyId: string; privateKeyHex: string }; encryptionKey: { keyId: string; privateKeyHex: string } }>;
}

/**
 * Re-signs an event as its author city with the sandbox's demo key (a new id: the inbox sees a new
 * event). Sealed personal fields are bound to the event id, so they are opened with the addressee's
 * demo encryption key and sealed again for the new id.
 */
const resign = (e: SignedEvent, data: unknown, subject: string): SignedEvent => {
  const secrets = parse(readFileSync('seeds/demo/secrets.yaml', 'utf8')) as Secrets;
  const city = e.source.split('/')[2];
  const key = secrets.cities[city].signingKey;
  const { sig: _sig, ...rest } = e;
  const id = randomUUID();
  const personal = findContract(e.type)?.personal;
  if (personal?.length && e.tocity) {
    const enc = secrets.cities[e.tocity].encryptionKey;
    const opened = openPersonalFields(data, personal, enc, { id: e.id, type: e.type, source: e.source, tocity: e.tocity });
    data = sealPersonalFields(
      opened,
      personal,
      { keyId: enc.keyId, publicKey: sm2PublicKeyFromPrivateKey(enc.privateKeyHex) },
      { id, type: e.type, source: e.source, tocity: e.tocity },
    );
  }
  const unsigned = { ...rest, id, subject, data, sigkeyid: key.keyId };
  return { ...unsigned, sig: sm2Sign(signingInput(unsigned as SignedEvent), key.privateKeyHex) } as SignedEvent;
};

/**
 * Per-case ordering at the database: Foshan's filing and forwarding of a new case reach Guangzhou
 * in reverse order and the forwarding twice (as another event); Guangzhou buffers, applies in
 * sequence, drops the duplicate, and ends where Foshan is.
 */
export const outOfOrderDelivery = async (w: AffairsWorld): Promise<void> => {
  const source = await fileAndForward(w);
  const envelopes = (
    await w.cluster.query<{ envelope: SignedEvent<any> }>(
      FS,
      `SELECT envelope FROM platform.outbox WHERE subject = $1 AND to_city = $2 ORDER BY seq`,
      [source, GZ],
    )
  ).map((r) => r.envelope);
  const [filedEv, forwardedEv] = envelopes;
  expect([filedEv.type, forwardedEv.type]).toEqual(['gov.guangfo.affairs.case-filed.v1', 'gov.guangfo.affairs.case-forwarded.v1']);
  const copy = randomUUID();
  const filed = resign(filedEv, { ...filedEv.data, caseId: copy }, copy);
  const forwarded = resign(forwardedEv, { ...forwardedEv.data, caseId: copy }, copy);
  const again = resign(forwardedEv, { ...forwardedEv.data, caseId: copy }, copy);
  await w.cluster.inject(GZ, toTransportMessage(forwarded));
  const buffered = await waitFor('the early entry buffered', async () => {
    const rows = await w.cluster.query<{ seq: number }>(GZ, `SELECT seq FROM affairs.pending_entry WHERE case_id = $1`, [copy]);
    return rows.length ? rows : undefined;
  });
  expect(buffered).toEqual([{ seq: 2 }]);
  await w.cluster.inject(GZ, toTransportMessage(filed));
  await w.cluster.inject(GZ, toTransportMessage(again));
  const view = await converged(w, GZ, copy, 2, 'forwarded');
  expect(view.timeline.map((e: any) => e.seq)).toEqual([1, 2]);
  expect(await w.cluster.query(GZ, `SELECT 1 FROM affairs.pending_entry WHERE case_id = $1`, [copy])).toHaveLength(0);
  // A forged step (Foshan "accepting" for Guangzhou) is refused and dead-lettered, not applied.
  const acceptedType = forwardedEv.type.replace('case-forwarded', 'case-accepted');
  const forged = resign(
    { ...forwardedEv, type: acceptedType },
    {
      caseId: copy,
      entry: {
        ...forwardedEv.data.entry,
        seq: 3,
        kind: 'accepted',
        fromState: 'forwarded',
        toState: 'accepted',
        reasonCode: 'MATERIALS_COMPLETE',
        detail: {},
      },
      status: { state: 'accepted', version: 3, holder: GZ, outcome: null },
    },
    copy,
  );
  await w.cluster.inject(GZ, toTransportMessage(forged));
  await waitFor(
    'the forged step dead-lettered',
    async () =>
      (await w.cluster.query(GZ, `SELECT 1 FROM platform.dead_letter WHERE event_id = $1 AND reason_code = 'HANDLER_FAILED'`, [forged.id]))
        .length > 0,
  );
  expect(ok(await (await as(w, PEOPLE.gzClerk)).get(`/cases/${copy}`)).version).toBe(2);
};

/**
 * Partner webhooks (sandbox: loopback URLs are allowed): a Guangzhou hospital subscribed to
 * `affairs.case.status-changed` for the hukou item is told of each step of a case Guangzhou keeps,
 * signed with its secret, with ids, state and reason code only (no name, no ID number).
 */
export const partnerWebhook = async (w: AffairsWorld): Promise<void> => {
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const partner = (r: request.Test) => r.set('x-api-key', 'DEMO-gz-hospital-key-0001');
  const sub = await partner(request(w.cluster.baseUrl(GZ)).post('/api/v1/webhooks/subscriptions')).send({
    url: `http://127.0.0.1:${port}/hooks/cases`,
    eventTypes: ['affairs.case.status-changed'],
    itemCodes: ['XK00201000'],
    description: 'affairs e2e',
  });
  try {
    expect(sub.status).toBe(201);
    const id = await acceptedCase(w);
    const mine = () => received.map((r) => ({ ...r, json: JSON.parse(r.body) })).filter((r) => r.json.subject === id);
    const got = await waitFor('three notifications', async () => (mine().length >= 3 ? mine() : undefined));
    expect(got.map((r) => r.json.data.step).sort()).toEqual(['accepted', 'filed', 'forwarded']);
    for (const r of got) {
      expect(r.json).toMatchObject({
        eventType: 'affairs.case.status-changed',
        itemCode: 'XK00201000',
        city: GZ,
        data: { caseId: id, administeringCity: GZ },
      });
      expect(
        verifyWebhookSignature({
          secret: sub.body.secret,
          timestamp: String(r.headers['x-guangfo-timestamp']),
          body: r.body,
          signature: String(r.headers['x-guangfo-signature']),
        }),
      ).toBe(true);
      expect(r.body).not.toMatch(/李小红|44060419920505002X|002X/);
    }
  } finally {
    await partner(request(w.cluster.baseUrl(GZ)).delete(`/api/v1/webhooks/subscriptions/${sub.body.id}`));
    await new Promise((r) => server.close(r));
  }
};

/** A fictional Foshan public-security bureau with a valid 统一社会信用代码 check character. */
const fsPolice = () => {
  const base = '11440600007502002';
  return { name: '佛山市公安局', code: `${base}${computeSocialCreditCodeCheckChar(base)}` };
};

/** A PDF of `size` bytes (a real %PDF header, random body). */
const pdfBytes = (size: number): Buffer => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(size - 9)]);

/**
 * 免提交 and the claim check, across cities: a Foshan resident files at a Foshan window for a
 * Guangzhou-administered item, presenting a Foshan-issued electronic 户口簿 in place of the paper
 * one and a 20 MB scan uploaded at the window. Foshan verifies the credential at filing; the
 * Guangzhou clerk sees it verified and downloads the scan from Guangzhou's own node, byte-identical.
 * A revoked credential and someone else's credential are refused at filing.
 */
export const mutualRecognitionAndClaimCheck = async (w: AffairsWorld): Promise<void> => {
  const fsClerk = await as(w, PEOPLE.fsClerk);
  const fsBase = w.cluster.baseUrl(FS);
  const clerkToken = await w.token(PEOPLE.fsClerk);
  const today = new Date().toISOString().slice(0, 10);
  const nextYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
  const issueTo = async (holder: { name: string; code: string }) =>
    ok(
      await fsClerk.post('/credentials', {
        typeCode: 'HOUSEHOLD_REGISTER',
        holder: { ...holder, codeType: '111' },
        issuer: fsPolice(),
        validFrom: today,
        validTo: nextYear,
      }),
      201,
    );

  const credential = await issueTo({ name: '李小红', code: FS_RESIDENT_ID });
  const scan = pdfBytes(20 * 1024 * 1024);
  const scanSha = createHash('sha256').update(scan).digest('hex');
  const upload = await request(fsBase)
    .post('/api/v1/files')
    .set('authorization', `Bearer ${clerkToken}`)
    .attach('file', scan, { filename: 'id-card-scan.pdf', contentType: 'application/pdf' });
  const uploaded = ok(upload as unknown as Res, 201);
  expect(uploaded).toMatchObject({ sha256: scanSha, sizeBytes: scan.length, mediaType: 'application/pdf' });

  const withEvidence = (cred: { id: string; document: unknown }) =>
    hukouFiling({
      materials: [
        { materialId: 'household-register', credential: { type: 'HOUSEHOLD_REGISTER', id: cred.id, document: cred.document } },
        { materialId: 'id-card', fileId: uploaded.id, sha256: scanSha },
        { materialId: 'residence-permit', file: pdf('residence-permit', 'c') },
        { materialId: 'home', file: pdf('lease', 'd') },
        { materialId: 'contributions', file: pdf('contributions', 'e') },
      ],
    });
  const filed = ok(await fsClerk.post('/cases', withEvidence(credential)), 201);
  const recognised = {
    materialId: 'household-register',
    status: 'provided',
    evidence: expect.objectContaining({
      kind: 'credential',
      credentialType: 'HOUSEHOLD_REGISTER',
      credentialId: credential.id,
      verification: 'verified',
      verifiedBy: FS,
      issuerCity: FS,
      credentialNumber: credential.number,
      verifiedAt: expect.any(String),
    }),
  };
  expect(filed.materials).toEqual(expect.arrayContaining([expect.objectContaining(recognised)]));
  expect(filed.materials.find((m: any) => m.materialId === 'id-card').evidence).toMatchObject({
    kind: 'file-ref',
    fileId: uploaded.id,
    sha256: scanSha,
    sizeBytes: scan.length,
    ownerCity: FS,
  });

  // The Guangzhou clerk (administering city) sees the credential verified, after intake and forwarding.
  ok(await fsClerk.step(filed.id, 'forward', {}, 1));
  const gzCopy = await converged(w, GZ, filed.id, 2, 'forwarded');
  expect(gzCopy.materials).toEqual(expect.arrayContaining([expect.objectContaining(recognised)]));
  // …and downloads the scan from Guangzhou's own node: fetched by claim check, hash-verified, identical.
  const gzToken = await w.token(PEOPLE.gzClerk);
  const copy = await waitFor(
    'the scan replicated to Guangzhou',
    async () => {
      const r = await request(w.cluster.baseUrl(GZ))
        .get(`/api/v1/files/${uploaded.id}`)
        .set('authorization', `Bearer ${gzToken}`)
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      return r.status === 200 ? (r.body as Buffer) : undefined;
    },
    60_000,
    250,
  );
  expect(copy.length).toBe(scan.length);
  expect(createHash('sha256').update(copy).digest('hex')).toBe(scanSha);

  // Someone else's credential, and a revoked one, are refused at filing with the reason.
  const other = await issueTo({ name: '陈小明', code: '440106199001010013' });
  const mismatch = await fsClerk.post('/cases', withEvidence(other));
  expectProblem(mismatch, 422, 'CASE_CREDENTIAL_REJECTED');
  expect(mismatch.body.detail).toMatch(/HOLDER_MISMATCH/);
  // Signed with Foshan's genuine issuer key, bypassing the issue API, for a body not authorised to issue 户口簿: refused with the verifier's reason.
  const { proof: _proof, ...fields } = credential.document as SignedCredential;
  const clinic = `12440600MB2C00002${computeSocialCreditCodeCheckChar('12440600MB2C00002')}`;
  const forged = signCredential(
    {
      ...fields,
      id: randomUUID(),
      number: formatCredentialNumber(clinic, Number(today.slice(0, 4)), 99_999_997),
      issuer: { name: '佛山市公安局', code: clinic, city: FS },
    },
    await issuerKeyOf(w.cluster, FS),
  );
  const unauthorised = await fsClerk.post('/cases', withEvidence({ id: forged.id, document: forged }));
  expectProblem(unauthorised, 422, 'CASE_CREDENTIAL_REJECTED');
  expect(unauthorised.body.detail).toMatch(/ISSUER_NOT_AUTHORISED/);
  ok(await fsClerk.post(`/credentials/${credential.id}/revoke`, { reasonCode: 'WITHDRAWN', reason: '户口已迁出' }));
  const revoked = await fsClerk.post('/cases', withEvidence(credential));
  expectProblem(revoked, 422, 'CASE_CREDENTIAL_REJECTED');
  expect(revoked.body.detail).toMatch(/REVOKED/);
  expect(revoked.body.errors).toEqual([expect.objectContaining({ field: 'materials.0.credential', rule: 'credentialVerified' })]);
};
