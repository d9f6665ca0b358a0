import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import request from 'supertest';
import { CREDENTIAL_FORMAT, type CredentialSigningKey, formatCredentialNumber, KeyEncryption, signCredential } from '@guangfo/credentials';
import { generateSm2KeyPair, sm2KeyId, Sm2Signer } from '@guangfo/gm-crypto';
import { computeSocialCreditCodeCheckChar, toShanghaiDate } from '@guangfo/kernel';
import { hashApiKey } from '@guangfo/platform';
import { type TestCluster, waitFor } from './cluster.js';

export const GZ = '440100';
export const FS = '440600';

/** Fictional data with valid check characters. */
const GZ_POLICE = { name: '广州市公安局', code: '114401000075020016' };
/** A lab partner's body: on Guangzhou's issuing-authority list for MEDICAL_TEST_REPORT only. */
const GZ_LAB = { name: '广州示范检验中心', code: '12440100MB2C000020' };
export const GZ_MARKET = { name: '广州市市场监督管理局', code: '114401000075020029' };
const HOLDER = { name: '陈小明', code: '440106199001010013', codeType: '111' };

interface Doc {
  id: string;
  number: string;
  holder: { name: string; code: string };
  proof: { keyId: string; signature: string };
  [k: string]: unknown;
}
interface CredentialBody {
  id: string;
  number: string;
  status: string;
  keyId: string;
  document: Doc;
}
interface VerificationBody {
  verificationId: string;
  valid: boolean;
  reasons: string[];
  warnings: string[];
  credential?: { id: string; holder: { name: string; code: string } };
  status?: { value: string; fresh: boolean; ageSeconds: number | null };
  presentation?: { id: string };
}
interface RegistryBody {
  keys: { issuerCity: string; keyId: string; status: string; publicKeyPem: string }[];
  streams: { issuerCity: string; asOf: string | null; behind: boolean }[];
  authorities: { issuerCity: string; code: string; name: string; credentialTypes: string[] }[];
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const subOf = (jwt: string): string => (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string }).sub;
const shiftDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const today = (): string => toShanghaiDate(new Date());

const issue = async (
  c: TestCluster,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  status = 201,
): Promise<CredentialBody> => {
  const r = await request(c.baseUrl(GZ))
    .post('/api/v1/credentials')
    .set(bearer(await c.token(GZ, 'clerk')))
    .set(headers)
    .send({
      typeCode: 'RESIDENCE_PERMIT',
      holder: HOLDER,
      issuer: GZ_POLICE,
      validFrom: today(),
      validTo: shiftDays(today(), 365),
      ...body,
    });
  expect(r.status).toBe(status);
  return r.body as CredentialBody;
};

/** A clerk of `city` verifies at their own node. */
const verifyAt = async (
  c: TestCluster,
  city: string,
  body: Record<string, unknown>,
  auth?: Record<string, string>,
): Promise<VerificationBody> => {
  const r = await request(c.baseUrl(city))
    .post('/api/v1/verifications')
    .set(auth ?? bearer(await c.token(city, 'clerk')))
    .send(body);
  expect(r.status).toBe(200);
  return r.body as VerificationBody;
};

const registryAt = async (c: TestCluster, at: string, issuer: string): Promise<RegistryBody> =>
  (await request(c.baseUrl(at)).get(`/api/v1/credentials/issuer-keys?city=${issuer}`).expect(200)).body as RegistryBody;

/** Waits until `at` has replicated `keyId` of Guangzhou with `status`. */
const keyReplicated = (c: TestCluster, at: string, keyId: string, status = 'active') =>
  waitFor(`${at} to know key ${keyId} as ${status}`, async () =>
    (await registryAt(c, at, GZ)).keys.find((k) => k.keyId === keyId && k.status === status),
  );

/** A partner system of `city` with an API key (inserted as the platform stores it: SHA-256), optionally bound to an issuing body. */
export const partner = async (
  c: TestCluster,
  city: string,
  id: string,
  scopes: string[],
  issuingBody?: string,
): Promise<Record<string, string>> => {
  const key = `it-${id}-${randomUUID()}`;
  await c.query(
    city,
    `INSERT INTO platform.api_key (id, name, city_code, key_hash, scopes, issuing_body_code) VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (id) DO UPDATE SET key_hash = EXCLUDED.key_hash, scopes = EXCLUDED.scopes, issuing_body_code = EXCLUDED.issuing_body_code`,
    [id, `测试接入方 ${id}`, city, hashApiKey(key), scopes, issuingBody ?? null],
  );
  return { 'x-api-key': key };
};

/**
 * A city's active issuer key, opened from its database as the node opens it (test only): lets a
 * test sign a document directly, the way an insider with the key could, bypassing the issue API.
 */
export const issuerKeyOf = async (c: TestCluster, city: string): Promise<CredentialSigningKey> => {
  const [row] = await c.query<{ key_id: string; private_key: string }>(
    city,
    `SELECT key_id, private_key FROM credentials.issuer_key WHERE status = 'active'`,
  );
  const signer = Sm2Signer.fromPrivateKey(new KeyEncryption(c.sealer(city)).open(row!.private_key, row!.key_id));
  return { keyId: row!.key_id, sign: (m) => signer.sign(m) };
};

const problemOf = (r: { status: number; body: unknown }) => ({ status: r.status, code: (r.body as { code?: string }).code });

/**
 * Issued in Guangzhou → verified in Foshan from the replicated key and status (no call to
 * Guangzhou) → revoked in Guangzhou → rejected in Foshan once the revocation arrives. The
 * broadcasts carry no holder data; the holder sees Foshan's verification in their access log.
 */
export const issueVerifyRevokeAcrossCities = async (c: TestCluster): Promise<void> => {
  const resident = await c.token(GZ, 'resident');
  const idempotency = { 'idempotency-key': `it-${randomUUID()}` };
  const credential = await issue(c, { holderAccount: subOf(resident) }, idempotency);
  expect(credential).toMatchObject({
    status: 'valid',
    document: { format: CREDENTIAL_FORMAT, holder: { name: HOLDER.name, code: HOLDER.code } },
  });
  expect(credential.number).toMatch(/^114401000075020016\d{12}[0-9A-Z]$/);
  expect(credential.keyId).toMatch(/^440100-[0-9a-f]{16}$/);
  expect((await issue(c, { holderAccount: subOf(resident) }, idempotency, 200)).id).toBe(credential.id); // same Idempotency-Key and body: the same credential, 200 (a replay, as POST /cases)
  const gzIssuer = bearer(await c.token(GZ, 'clerk'));
  const issueWith = (key: string, body: Record<string, unknown>) =>
    request(c.baseUrl(GZ))
      .post('/api/v1/credentials')
      .set(gzIssuer)
      .set({ 'idempotency-key': key })
      .send({
        typeCode: 'RESIDENCE_PERMIT',
        holder: HOLDER,
        issuer: GZ_POLICE,
        validFrom: today(),
        validTo: shiftDays(today(), 365),
        ...body,
      });
  expect(problemOf(await issueWith(idempotency['idempotency-key'], { holderAccount: 'someone-else' }))).toEqual({
    status: 409,
    code: 'CREDENTIAL_IDEMPOTENCY_CONFLICT',
  });
  expect(problemOf(await issueWith('x'.repeat(129), {}))).toEqual({ status: 400, code: 'CREDENTIAL_IDEMPOTENCY_KEY_INVALID' }); // checked, never truncated

  await keyReplicated(c, FS, credential.keyId);
  const atFoshan = await verifyAt(c, FS, {
    credential: credential.document,
    expectedType: 'RESIDENCE_PERMIT',
    expectedHolderCode: HOLDER.code,
    purpose: '居住证积分入学核验',
  });
  expect(atFoshan).toMatchObject({
    valid: true,
    reasons: [],
    credential: { id: credential.id, holder: { name: '陈*明', code: '440***********0013' } },
    status: { value: 'valid', fresh: true },
  });

  const gzClerk = bearer(await c.token(GZ, 'clerk'));
  const revoked = await request(c.baseUrl(GZ))
    .post(`/api/v1/credentials/${credential.id}/revoke`)
    .set(gzClerk)
    .send({ reasonCode: 'WITHDRAWN', reason: '持证人陈小明已迁出' })
    .expect(200);
  expect(revoked.body).toMatchObject({ status: 'revoked', statusReasonCode: 'WITHDRAWN' });
  expect((await verifyAt(c, GZ, { credential: credential.document })).reasons).toEqual(['REVOKED']); // the issuer is authoritative at once

  const rejected = await waitFor('Foshan to reject the revoked credential', async () => {
    const r = await verifyAt(c, FS, { credential: credential.document });
    return r.reasons.includes('REVOKED') ? r : undefined;
  });
  expect(rejected).toMatchObject({ valid: false, reasons: ['REVOKED'], status: { value: 'revoked' } });

  // Broadcast audience = public data: no holder name or ID number left Guangzhou.
  const broadcasts = await c.query<{ envelope: unknown }>(
    GZ,
    `SELECT envelope FROM platform.outbox WHERE type LIKE 'gov.guangfo.credentials.%' AND audience = 'broadcast'`,
  );
  const wire = JSON.stringify(broadcasts);
  expect(wire).toContain(credential.id);
  expect(wire).not.toContain(HOLDER.code);
  expect(wire).not.toContain(HOLDER.name);
  expect(wire).not.toContain('迁出');

  const again = await request(c.baseUrl(GZ)).post(`/api/v1/credentials/${credential.id}/reinstate`).set(gzClerk).send({});
  expect({ status: again.status, body: again.body as unknown }).toMatchObject({
    status: 409,
    body: { code: 'CREDENTIAL_TRANSITION_NOT_ALLOWED', status: 409 },
  });

  // The holder sees who verified their credential, when and for what (reported by Foshan).
  const log = await waitFor('the access log to show Foshan', async () => {
    const r = await request(c.baseUrl(GZ)).get('/api/v1/presentations/access-log').set(bearer(resident)).expect(200);
    const items = (
      r.body as { items: { verificationId: string; verifier: { kind: string; city: string }; purpose: string | null; valid: boolean }[] }
    ).items;
    return items.find((i) => i.verificationId === atFoshan.verificationId);
  });
  expect(log).toMatchObject({ verifier: { kind: 'clerk', city: FS }, purpose: '居住证积分入学核验', valid: true });
  const audited = await c.query<{ outcome: string }>(
    FS,
    `SELECT outcome FROM platform.audit_log WHERE action = 'credentials.verify' AND detail->>'verificationId' = $1`,
    [atFoshan.verificationId],
  );
  expect(audited).toEqual([{ outcome: 'success' }]);
};

/** Suspension is temporary: Foshan follows suspend and reinstate. */
export const suspendAndReinstate = async (c: TestCluster): Promise<void> => {
  const credential = await issue(c);
  await keyReplicated(c, FS, credential.keyId);
  const gzClerk = bearer(await c.token(GZ, 'clerk'));
  await request(c.baseUrl(GZ))
    .post(`/api/v1/credentials/${credential.id}/suspend`)
    .set(gzClerk)
    .send({ reasonCode: 'UNDER_REVIEW' })
    .expect(200);
  await waitFor('Foshan to see the suspension', async () =>
    (await verifyAt(c, FS, { credential: credential.document })).reasons.includes('SUSPENDED'),
  );
  await request(c.baseUrl(GZ)).post(`/api/v1/credentials/${credential.id}/reinstate`).set(gzClerk).send({ reason: '核查完毕' }).expect(200);
  await waitFor('Foshan to see the reinstatement', async () => (await verifyAt(c, FS, { credential: credential.document })).valid);
};

const run = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
};

/** Tampered, expired, unknown-issuer and malformed credentials are rejected in Foshan with the right reason; OpenSSL verifies a genuine one with Foshan's replicated key. */
export const rejectsForgedAndExpired = async (c: TestCluster): Promise<void> => {
  const genuine = await issue(c);
  const pem = (await keyReplicated(c, FS, genuine.keyId)).publicKeyPem;

  const tampered = { ...genuine.document, holder: { ...genuine.document.holder, name: '陈大明' } };
  expect(await verifyAt(c, FS, { credential: tampered })).toMatchObject({ valid: false, reasons: ['SIGNATURE_INVALID'] });

  // 存量证照: an old paper licence registered with its original dates, validity ended.
  const expired = await issue(c, { issueDate: '2024-01-02', validFrom: '2024-01-02', validTo: '2025-01-01' });
  expect(await verifyAt(c, FS, { credential: expired.document })).toMatchObject({ valid: false, reasons: ['EXPIRED'] });
  const wallet = await request(c.baseUrl(GZ))
    .get(`/api/v1/credentials/${expired.id}`)
    .set(bearer(await c.token(GZ, 'clerk')))
    .expect(200);
  expect(wallet.body.status).toBe('expired');

  // Signed by a key Guangzhou never published (a forger using Guangzhou's key id format), and by a city not in the registry.
  for (const city of [GZ, '441200']) {
    const pair = generateSm2KeyPair();
    const signer = Sm2Signer.fromPrivateKey(pair.privateKey);
    const { proof: _p, ...fields } = genuine.document;
    const forged = signCredential(
      {
        ...(fields as never as Parameters<typeof signCredential>[0]),
        id: randomUUID(),
        number: formatCredentialNumber(GZ_POLICE.code, 2026, 99_999_999),
        issuer: { ...GZ_POLICE, city },
      },
      { keyId: `${city}-${sm2KeyId(pair.publicKey)}`, sign: (m) => signer.sign(m) },
    );
    expect(await verifyAt(c, FS, { credential: forged })).toMatchObject({ valid: false, reasons: ['UNKNOWN_ISSUER'] });
  }

  const malformed = await verifyAt(c, FS, {
    credential: { ...genuine.document, holder: { ...genuine.document.holder, code: '440106199001010014' } },
  });
  expect(malformed).toMatchObject({ valid: false, reasons: ['MALFORMED'] });
  const both = await request(c.baseUrl(FS))
    .post('/api/v1/verifications')
    .set(bearer(await c.token(FS, 'clerk')))
    .send({ credential: genuine.document, presentationToken: 'x' });
  expect(both.status).toBe(400);
  expect(both.body.code).toBe('VERIFICATION_INPUT_INVALID');

  // An independent implementation (jq + OpenSSL) verifies what the service signed, with the key as Foshan replicated it.
  const dir = mkdtempSync(join(tmpdir(), 'credential-e2e-'));
  try {
    writeFileSync(join(dir, 'credential.json'), JSON.stringify(genuine.document));
    writeFileSync(join(dir, 'issuer.pem'), pem);
    const ok = run('bash', ['scripts/verify-credential-openssl.sh', join(dir, 'credential.json'), join(dir, 'issuer.pem')]);
    expect(ok.output).toContain('Signature Verified Successfully');
    expect(ok.status).toBe(0);
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(tampered));
    expect(run('bash', ['scripts/verify-credential-openssl.sh', join(dir, 'tampered.json'), join(dir, 'issuer.pem')]).status).not.toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/** Rotation keeps old credentials verifiable; retiring the old key makes every city reject what it signed (KEY_RETIRED). */
export const rotationAndRetiredKey = async (c: TestCluster): Promise<void> => {
  const old = await issue(c);
  await keyReplicated(c, FS, old.keyId);
  const admin = bearer(await c.token(GZ, 'admin'));
  const rotation = await request(c.baseUrl(GZ)).post('/api/v1/credentials/issuer-keys/rotate').set(admin).send({}).expect(201);
  const { active, rotated } = rotation.body as { active: { keyId: string }; rotated: { keyId: string; status: string } };
  expect(rotated).toMatchObject({ keyId: old.keyId, status: 'rotated' });

  await keyReplicated(c, FS, old.keyId, 'rotated');
  expect(await verifyAt(c, FS, { credential: old.document })).toMatchObject({ valid: true, warnings: ['KEY_ROTATED'] });
  const fresh = await issue(c);
  expect(fresh.keyId).toBe(active.keyId);
  await keyReplicated(c, FS, active.keyId);
  expect((await verifyAt(c, FS, { credential: fresh.document })).valid).toBe(true);

  const refused = await request(c.baseUrl(GZ)).post(`/api/v1/credentials/issuer-keys/${active.keyId}/retire`).set(admin).send({});
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('ISSUER_KEY_TRANSITION_NOT_ALLOWED');
  await request(c.baseUrl(GZ)).post(`/api/v1/credentials/issuer-keys/${old.keyId}/retire`).set(admin).send({}).expect(200);

  const rejected = await waitFor('Foshan to reject what the retired key signed', async () => {
    const r = await verifyAt(c, FS, { credential: old.document });
    return r.reasons.includes('KEY_RETIRED') ? r : undefined;
  });
  expect(rejected).toMatchObject({ valid: false, reasons: ['KEY_RETIRED'] });
  expect((await verifyAt(c, GZ, { credential: old.document })).reasons).toEqual(['KEY_RETIRED']);
  expect((await verifyAt(c, FS, { credential: fresh.document })).valid).toBe(true);
};

/** The holder presents a credential to one named verifier in the other city: only that verifier can use it, once; the holder sees every use. */
export const presentationToNamedVerifier = async (c: TestCluster): Promise<void> => {
  const resident = await c.token(GZ, 'resident');
  const credential = await issue(c, { holderAccount: subOf(resident) });
  await keyReplicated(c, FS, credential.keyId);
  const bank = await partner(c, FS, 'it-bank-fs', ['credentials:verify']);
  const other = await partner(c, FS, 'it-other-fs', ['credentials:verify']);

  const wallet = await request(c.baseUrl(GZ)).get('/api/v1/credentials').set(bearer(resident)).expect(200);
  expect((wallet.body as { items: { id: string }[] }).items.map((i) => i.id)).toContain(credential.id);

  const created = await request(c.baseUrl(GZ))
    .post('/api/v1/presentations')
    .set(bearer(resident))
    .send({
      credentialId: credential.id,
      verifier: { kind: 'partner', city: FS, id: 'it-bank-fs' },
      purpose: '开立账户核验居住证',
      ttlSeconds: 300,
    })
    .expect(201);
  const { token, qrPayload, presentationId } = created.body as { token: string; qrPayload: string; presentationId: string };
  expect(qrPayload).toBe(`GFTB-VP1:${token}`);

  const wrong = await verifyAt(c, FS, { presentationToken: token }, other);
  expect(wrong).toMatchObject({ valid: false, reasons: ['PRESENTATION_WRONG_VERIFIER'] });
  expect(wrong.credential).toBeUndefined();
  const clerk = await verifyAt(c, FS, { presentationToken: token });
  expect(clerk.reasons).toEqual(['PRESENTATION_WRONG_VERIFIER']);

  const used = await verifyAt(c, FS, { presentationToken: qrPayload, expectedHolderCode: HOLDER.code }, bank);
  expect(used).toMatchObject({
    valid: true,
    reasons: [],
    credential: { id: credential.id, holder: { name: '陈*明' } },
    presentation: { id: presentationId },
  });
  expect((await verifyAt(c, FS, { presentationToken: token }, bank)).reasons).toEqual(['PRESENTATION_ALREADY_USED']);

  // Someone else cannot present the holder's credential.
  const stranger = await request(c.baseUrl(GZ))
    .post('/api/v1/presentations')
    .set(bearer(await c.token(FS, 'resident')))
    .send({ credentialId: credential.id, verifier: { kind: 'partner', city: FS, id: 'it-bank-fs' }, purpose: '冒用' });
  expect(stranger.status).toBe(404);
  expect(stranger.body.code).toBe('CREDENTIAL_NOT_FOUND');

  const log = await waitFor('all four uses in the access log', async () => {
    const r = await request(c.baseUrl(GZ)).get('/api/v1/presentations/access-log').set(bearer(resident)).expect(200);
    const mine = (
      r.body as {
        items: {
          presentationId: string | null;
          verifier: { kind: string; id?: string };
          valid: boolean;
          reasons: string[];
          purpose: string;
        }[];
      }
    ).items.filter((i) => i.presentationId === presentationId);
    return mine.length === 4 ? mine : undefined;
  });
  expect(log.filter((i) => i.valid)).toEqual([
    expect.objectContaining({ verifier: expect.objectContaining({ kind: 'partner', id: 'it-bank-fs' }), purpose: '开立账户核验居住证' }),
  ]);
  expect(log.flatMap((i) => i.reasons).sort()).toEqual([
    'PRESENTATION_ALREADY_USED',
    'PRESENTATION_WRONG_VERIFIER',
    'PRESENTATION_WRONG_VERIFIER',
  ]);
};

/** When Foshan's copy of Guangzhou's status is older than the window it fails closed (STATUS_STALE); the next checkpoint makes it fresh again. */
export const staleStatusFailsClosed = async (c: TestCluster): Promise<void> => {
  const credential = await issue(c);
  await keyReplicated(c, FS, credential.keyId);
  await waitFor('Foshan to accept', async () => (await verifyAt(c, FS, { credential: credential.document })).valid);
  // Foshan last heard from Guangzhou two hours ago (e.g. the link was down).
  await c.query(
    FS,
    `UPDATE credentials.registry_stream SET as_of = now() - interval '2 hours', watermark_at = now() - interval '2 hours', checkpoint_at = now() - interval '2 hours' WHERE issuer_city = $1`,
    [GZ],
  );
  const stale = await verifyAt(c, FS, { credential: credential.document });
  expect(stale).toMatchObject({ valid: false, reasons: ['STATUS_STALE'], status: { fresh: false } });
  expect(stale.status!.ageSeconds).toBeGreaterThanOrEqual(7200);

  await request(c.baseUrl(GZ))
    .post('/api/v1/credentials/registry/checkpoint')
    .set(bearer(await c.token(GZ, 'admin')))
    .expect(202);
  const recovered = await waitFor('the checkpoint to make Foshan fresh again', async () => {
    const r = await verifyAt(c, FS, { credential: credential.document });
    return r.valid ? r : undefined;
  });
  expect(recovered.status).toMatchObject({ fresh: true });
  const stream = (await registryAt(c, FS, GZ)).streams.find((s) => s.issuerCity === GZ);
  expect(stream).toMatchObject({ behind: false });
};

/**
 * Who may issue what is data: a partner issues only for the body its key is bound to, and only the
 * types that body is authorised for; the issuer block comes from the binding, never the request. A
 * document signed with Guangzhou's genuine key but naming a body not authorised for its type is
 * refused by Guangzhou and, from the replicated list, by Foshan (ISSUER_NOT_AUTHORISED).
 */
export const issuingAuthorityEnforced = async (c: TestCluster): Promise<void> => {
  const lab = await partner(c, GZ, 'it-lab-gz', ['credentials:issue', 'credentials:verify'], GZ_LAB.code);
  const hukou = {
    typeCode: 'HOUSEHOLD_REGISTER',
    holder: { name: '李小红', code: '44060419920505002X', codeType: '111' },
    validFrom: today(),
    validTo: shiftDays(today(), 365),
  };
  const post = (auth: Record<string, string>, body: Record<string, unknown>) =>
    request(c.baseUrl(GZ)).post('/api/v1/credentials').set(auth).send(body);

  // The attack of the finding: the lab's key issues a 户口簿 naming 广州市公安局.
  expect(problemOf(await post(lab, { ...hukou, issuer: GZ_POLICE }))).toEqual({ status: 403, code: 'CREDENTIAL_ISSUER_MISMATCH' });
  // Without naming anyone it is the lab issuing, and the lab may not issue 户口簿.
  const notAuthorised = await post(lab, hukou);
  expect(problemOf(notAuthorised)).toEqual({ status: 403, code: 'CREDENTIAL_ISSUER_NOT_AUTHORISED' });
  expect(notAuthorised.headers['content-type']).toMatch(/^application\/problem\+json/);
  // A key bound to no body issues nothing; a clerk cannot name another body either.
  const unbound = await partner(c, GZ, 'it-unbound-gz', ['credentials:issue']);
  expect(problemOf(await post(unbound, { ...hukou, typeCode: 'MEDICAL_TEST_REPORT' }))).toEqual({
    status: 403,
    code: 'CREDENTIAL_ISSUER_UNBOUND',
  });
  const clerk = bearer(await c.token(GZ, 'clerk'));
  expect(
    problemOf(
      await post(clerk, {
        typeCode: 'BUSINESS_LICENSE',
        holder: { name: '佛山示范科技有限公司', code: '91440604MA4W67890K', codeType: '001' },
        issuer: GZ_MARKET,
        validFrom: today(),
      }),
    ),
  ).toEqual({ status: 403, code: 'CREDENTIAL_ISSUER_MISMATCH' });

  // What the lab may issue, it issues as itself.
  const report = await post(lab, { ...hukou, typeCode: 'MEDICAL_TEST_REPORT' });
  expect(report.status).toBe(201);
  expect(report.body).toMatchObject({ issuer: { ...GZ_LAB, city: GZ }, document: { issuer: { ...GZ_LAB, city: GZ } } });
  expect((report.body as CredentialBody).number.startsWith(GZ_LAB.code)).toBe(true);

  // Guangzhou's list reached Foshan on the registry stream (and Foshan shows it in its public registry view).
  await keyReplicated(c, FS, (report.body as CredentialBody).keyId);
  const listed = await waitFor("Foshan to hold Guangzhou's issuing-authority list", async () => {
    const { authorities } = await registryAt(c, FS, GZ);
    return authorities.length > 0 ? authorities : undefined;
  });
  expect(listed).toEqual(
    expect.arrayContaining([
      { issuerCity: GZ, ...GZ_LAB, credentialTypes: ['MEDICAL_TEST_REPORT'] },
      expect.objectContaining({ issuerCity: GZ, ...GZ_POLICE }),
    ]),
  );
  expect(listed.every((a) => a.issuerCity === GZ)).toBe(true);
  expect(await verifyAt(c, FS, { credential: report.body.document })).toMatchObject({ valid: true, reasons: [] });

  // Forged with Guangzhou's genuine key, bypassing the issue API: the signature is good, the issuer is not authorised.
  const key = await issuerKeyOf(c, GZ);
  const sign = (issuer: { name: string; code: string }, typeCode: string, typeName: string) =>
    signCredential(
      {
        format: CREDENTIAL_FORMAT,
        id: randomUUID(),
        number: formatCredentialNumber(issuer.code, 2026, 99_999_998),
        type: { code: typeCode, name: typeName },
        holder: hukou.holder,
        issuer: { ...issuer, city: GZ },
        issueDate: today(),
        validFrom: today(),
        validTo: shiftDays(today(), 365),
      },
      key,
    );
  const forged = sign(GZ_LAB, 'HOUSEHOLD_REGISTER', '居民户口簿');
  // …and one naming 广州市公安局 under a code that is on no list at all.
  const policeNamedByLab = sign(
    { name: GZ_POLICE.name, code: `12440100MB2C00003${computeSocialCreditCodeCheckChar('12440100MB2C00003')}` },
    'HOUSEHOLD_REGISTER',
    '居民户口簿',
  );
  for (const city of [GZ, FS]) {
    expect(await verifyAt(c, city, { credential: forged })).toMatchObject({ valid: false, reasons: ['ISSUER_NOT_AUTHORISED'] });
    expect(await verifyAt(c, city, { credential: policeNamedByLab })).toMatchObject({ valid: false, reasons: ['ISSUER_NOT_AUTHORISED'] });
  }
  // The same key signing for the body that is authorised verifies: the check is the list, not the key.
  expect(await verifyAt(c, FS, { credential: sign(GZ_POLICE, 'HOUSEHOLD_REGISTER', '居民户口簿') })).toMatchObject({
    valid: true,
    reasons: [],
  });
};

/**
 * Least privilege: staff see the holder's ID number masked (and no signed document, which holds
 * it) unless their role and a stated purpose need it; that read is audited. The holder sees it all.
 */
export const staffSeeMaskedIdNumbers = async (c: TestCluster): Promise<void> => {
  const resident = await c.token(GZ, 'resident');
  const credential = await issue(c, { holderAccount: subOf(resident) });
  const url = `/api/v1/credentials/${credential.id}`;
  const get = async (role: 'resident' | 'clerk' | 'admin' | 'supervisor', query = '') =>
    request(c.baseUrl(GZ))
      .get(`${url}${query}`)
      .set(bearer(await c.token(GZ, role)));
  const masked = { name: HOLDER.name, code: '440***********0013', codeType: '111' };

  for (const role of ['clerk', 'supervisor', 'admin'] as const) {
    const r = await get(role);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: credential.id, holder: masked });
    expect(r.body.document).toBeUndefined();
    expect(JSON.stringify(r.body)).not.toContain(HOLDER.code);
  }
  const own = await get('resident');
  expect(own.body).toMatchObject({ holder: { code: HOLDER.code }, document: { holder: { code: HOLDER.code } } });

  // With a purpose the role may state: in full, and audited with the purpose.
  const checked = await get('clerk', '?purpose=IDENTITY_CHECK');
  expect(checked.status).toBe(200);
  expect(checked.body).toMatchObject({ holder: { code: HOLDER.code }, document: { holder: { code: HOLDER.code } } });
  const audited = await c.query<{ actor: string; detail: { disclosure: string; purpose: string } }>(
    GZ,
    `SELECT actor, detail FROM platform.audit_log WHERE action = 'credentials.read' AND resource = $1 AND detail->>'disclosure' = 'full' AND detail->>'purpose' IS NOT NULL`,
    [`credential:${credential.id}`],
  );
  expect(audited).toEqual([{ actor: expect.stringMatching(/^clerk:/), detail: { disclosure: 'full', purpose: 'IDENTITY_CHECK' } }]);
  expect(problemOf(await get('clerk', '?purpose=JUDICIAL_ASSISTANCE'))).toEqual({ status: 403, code: 'CREDENTIAL_PURPOSE_NOT_PERMITTED' });
  expect((await get('supervisor', '?purpose=JUDICIAL_ASSISTANCE')).body.holder.code).toBe(HOLDER.code);
  expect(problemOf(await get('admin', '?purpose=IDENTITY_CHECK'))).toEqual({ status: 403, code: 'CREDENTIAL_PURPOSE_NOT_PERMITTED' });
  expect(problemOf(await get('clerk', '?purpose=CURIOSITY'))).toEqual({ status: 400, code: 'VALIDATION_FAILED' });

  // Suspend / reinstate / revoke answer masked too.
  const clerk = bearer(await c.token(GZ, 'clerk'));
  for (const [action, body] of [
    ['suspend', { reasonCode: 'UNDER_REVIEW' }],
    ['reinstate', {}],
    ['revoke', { reasonCode: 'WITHDRAWN' }],
  ] as const) {
    const r = await request(c.baseUrl(GZ)).post(`${url}/${action}`).set(clerk).send(body);
    expect(r.status).toBe(200);
    expect(r.body.holder).toEqual(masked);
    expect(JSON.stringify(r.body)).not.toContain(HOLDER.code);
  }
};

/**
 * The wallet follows the verified identity, written as the attack: an issuer puts a stranger's
 * credential into a resident's account. The account sees nothing of it — not in the wallet, not by
 * id, not to present — and the stranger's ID number never reaches it.
 */
export const walletFollowsVerifiedIdentity = async (c: TestCluster): Promise<void> => {
  const resident = await c.token(GZ, 'resident');
  const STRANGER = { name: '王五', code: '11010519491231002X', codeType: '111' };
  const strangers = await issue(c, { holder: STRANGER, holderAccount: subOf(resident) });
  const own = await issue(c, { holderAccount: subOf(resident) });
  const wallet = await request(c.baseUrl(GZ)).get('/api/v1/credentials').set(bearer(resident)).expect(200);
  const ids = (wallet.body as { items: { id: string }[] }).items.map((i) => i.id);
  expect(ids).toContain(own.id);
  expect(ids).not.toContain(strangers.id);
  expect(JSON.stringify(wallet.body)).not.toContain(STRANGER.code);
  const byId = await request(c.baseUrl(GZ)).get(`/api/v1/credentials/${strangers.id}`).set(bearer(resident));
  expect({ status: byId.status, code: byId.body.code }).toEqual({ status: 404, code: 'CREDENTIAL_NOT_FOUND' });
  expect(JSON.stringify(byId.body)).not.toContain(STRANGER.code);
  const present = await request(c.baseUrl(GZ))
    .post('/api/v1/presentations')
    .set(bearer(resident))
    .send({ credentialId: strangers.id, verifier: { kind: 'partner', city: FS, id: 'it-bank-fs' }, purpose: '冒用' });
  expect({ status: present.status, code: present.body.code }).toEqual({ status: 404, code: 'CREDENTIAL_NOT_FOUND' });
};
