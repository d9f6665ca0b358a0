import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  FS,
  GZ,
  issueVerifyRevokeAcrossCities,
  presentationToNamedVerifier,
  rejectsForgedAndExpired,
  rotationAndRetiredKey,
  staleStatusFailsClosed,
  suspendAndReinstate,
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
  it('rejects tampered (SIGNATURE_INVALID), expired (EXPIRED), unknown-issuer (UNKNOWN_ISSUER) and malformed credentials; OpenSSL verifies a genuine one', () => rejectsForgedAndExpired(cluster));
  it('keeps verifying after rotation, and rejects what a retired key signed (KEY_RETIRED)', () => rotationAndRetiredKey(cluster));
  it('a presentation works only for the named verifier, once, and shows in the holder\'s access log', () => presentationToNamedVerifier(cluster));
  it('fails closed on stale status (STATUS_STALE) until a checkpoint arrives', () => staleStatusFailsClosed(cluster));

  it('keeps issuer private keys encrypted at rest, and reopens them after a restart', async () => {
    for (const city of [GZ, FS]) {
      const rows = await cluster.query<{ private_key: string; public_key: string }>(city, 'SELECT private_key, public_key FROM credentials.issuer_key');
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.private_key).toMatch(/^gfs1\.(gz|fs)-seal-demo-2026\./);
    }
    await cluster.stopNode(GZ);
    await cluster.startNode(GZ);
    const issued = await request(cluster.baseUrl(GZ)).post('/api/v1/credentials').set('authorization', `Bearer ${await cluster.token(GZ, 'clerk')}`)
      .send({ typeCode: 'BUSINESS_LICENSE', holder: { name: '佛山示范科技有限公司', code: '91440604MA4W67890K', codeType: '001' }, issuer: { name: '广州市市场监督管理局', code: '114401000075020016' }, validFrom: '2026-01-05', validTo: null });
    expect(issued.status).toBe(201);
    const verified = await request(cluster.baseUrl(FS)).post('/api/v1/verifications').set('authorization', `Bearer ${await cluster.token(FS, 'clerk')}`).send({ credential: issued.body.document }).expect(200);
    // An organisation's name and code are public register data: not masked.
    expect(verified.body).toMatchObject({ valid: true, warnings: ['NO_EXPIRY'], credential: { holder: { name: '佛山示范科技有限公司', code: '91440604MA4W67890K' } } });
  }, 90_000);
});
