import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  FS,
  GZ,
  GZ_MARKET,
  issueVerifyRevokeAcrossCities,
  issuingAuthorityEnforced,
  partner,
  presentationToNamedVerifier,
  rejectsForgedAndExpired,
  rotationAndRetiredKey,
  staffSeeMaskedIdNumbers,
  staleStatusFailsClosed,
  suspendAndReinstate,
  walletFollowsVerifiedIdentity,
} from '../support/credentials.scenarios.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

/** 电子证照互认 on the embedded transport (the same scenarios as the Kafka integration suite). */
describe('electronic credentials across cities (embedded transport)', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('issued in Guangzhou, verified in Foshan, revoked in Guangzhou, rejected in Foshan', () => issueVerifyRevokeAcrossCities(cluster));
  it('Foshan follows a suspension and a reinstatement', () => suspendAndReinstate(cluster));
  it('rejects tampered (SIGNATURE_INVALID), expired (EXPIRED), unknown-issuer (UNKNOWN_ISSUER) and malformed credentials; OpenSSL verifies a genuine one', () =>
    rejectsForgedAndExpired(cluster));
  it('keeps verifying after rotation, and rejects what a retired key signed (KEY_RETIRED)', () => rotationAndRetiredKey(cluster));
  it("a presentation works only for the named verifier, once, and shows in the holder's access log", () =>
    presentationToNamedVerifier(cluster));
  it('fails closed on stale status (STATUS_STALE) until a checkpoint arrives', () => staleStatusFailsClosed(cluster));
  it("issues only as the caller's bound body and authorised types; a forged issuer is ISSUER_NOT_AUTHORISED in both cities", () =>
    issuingAuthorityEnforced(cluster));
  it("shows staff the holder's ID number masked unless a permitted purpose is stated (audited)", () => staffSeeMaskedIdNumbers(cluster));
  it("a stranger's credential put into a resident's account stays invisible to it (the wallet follows the verified identity)", () =>
    walletFollowsVerifiedIdentity(cluster));

  it('the demo lab key (DEMO-gz-lab-key-0001) cannot issue a 户口簿 naming 广州市公安局', async () => {
    const lab = { 'x-api-key': 'DEMO-gz-lab-key-0001' };
    const body = {
      typeCode: 'HOUSEHOLD_REGISTER',
      holder: { name: '李小红', code: '44060419920505002X', codeType: '111' },
      validFrom: '2026-01-05',
      validTo: '2027-01-04',
    };
    const named = await request(cluster.baseUrl(GZ))
      .post('/api/v1/credentials')
      .set(lab)
      .send({ ...body, issuer: { name: '广州市公安局', code: '114401000075020016' } });
    expect({ status: named.status, code: named.body.code }).toEqual({ status: 403, code: 'CREDENTIAL_ISSUER_MISMATCH' });
    const unnamed = await request(cluster.baseUrl(GZ)).post('/api/v1/credentials').set(lab).send(body);
    expect({ status: unnamed.status, code: unnamed.body.code }).toEqual({ status: 403, code: 'CREDENTIAL_ISSUER_NOT_AUTHORISED' });
    expect(
      await cluster.query(
        GZ,
        `SELECT id FROM credentials.credential WHERE type_code = 'HOUSEHOLD_REGISTER' AND issued_by = 'partner:demo-lab-gz'`,
      ),
    ).toEqual([]);
  });

  it('keeps issuer private keys encrypted at rest, and reopens them after a restart', async () => {
    for (const city of [GZ, FS]) {
      const rows = await cluster.query<{ private_key: string; public_key: string }>(
        city,
        'SELECT private_key, public_key FROM credentials.issuer_key',
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.private_key).toMatch(/^gfs1\.(gz|fs)-seal-demo-2026\./);
    }
    await cluster.stopNode(GZ);
    await cluster.startNode(GZ);
    // The issuing-authority list is published once, not again at a restart with the same seed.
    expect(
      await cluster.query(GZ, `SELECT count(*)::int AS n FROM credentials.registry_event WHERE issuer_city = $1 AND kind = 'authorities'`, [
        GZ,
      ]),
    ).toEqual([{ n: 1 }]);
    // Issued by the market-supervision bureau's system (its key bound to that body).
    const market = await partner(cluster, GZ, 'e2e-market-gz', ['credentials:issue'], GZ_MARKET.code);
    const issued = await request(cluster.baseUrl(GZ))
      .post('/api/v1/credentials')
      .set(market)
      .send({
        typeCode: 'BUSINESS_LICENSE',
        holder: { name: '佛山示范科技有限公司', code: '91440604MA4W67890K', codeType: '001' },
        validFrom: '2026-01-05',
        validTo: null,
      });
    expect(issued.status).toBe(201);
    const verified = await request(cluster.baseUrl(FS))
      .post('/api/v1/verifications')
      .set('authorization', `Bearer ${await cluster.token(FS, 'clerk')}`)
      .send({ credential: issued.body.document })
      .expect(200);
    // An organisation's name and code are public register data: not masked.
    expect(verified.body).toMatchObject({
      valid: true,
      warnings: ['NO_EXPIRY'],
      credential: { holder: { name: '佛山示范科技有限公司', code: '91440604MA4W67890K' } },
    });
  }, 90_000);
});
