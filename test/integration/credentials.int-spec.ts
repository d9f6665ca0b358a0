import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { waitFor } from '../support/cluster.js';
import {
  FS,
  GZ,
  issueVerifyRevokeAcrossCities,
  issuingAuthorityEnforced,
  presentationToNamedVerifier,
  rejectsForgedAndExpired,
  rotationAndRetiredKey,
  staffSeeMaskedIdNumbers,
  staleStatusFailsClosed,
  suspendAndReinstate,
  walletFollowsVerifiedIdentity,
} from '../support/credentials.scenarios.js';
import { type KafkaCluster, startKafkaCluster } from '../support/kafka-cluster.js';

/** 电子证照互认 over a real Kafka broker and real PostgreSQL, each city node its own process (run `npm run build` first). */
describe('electronic credentials across cities over real Kafka and PostgreSQL (separate node processes)', () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    cluster = await startKafkaCluster();
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('each node generated its issuer key at first start and published it to the other', async () => {
    for (const [at, issuer] of [
      [FS, GZ],
      [GZ, FS],
    ] as const) {
      const registry = await waitFor(`${at} to replicate the issuer key of ${issuer}`, async () => {
        const r = await request(cluster.baseUrl(at)).get(`/api/v1/credentials/issuer-keys?city=${issuer}`).expect(200);
        const body = r.body as {
          keys: { status: string; keyId: string }[];
          streams: { issuerCity: string; asOf: string | null; behind: boolean }[];
        };
        return body.keys.some((k) => k.status === 'active') ? body : undefined;
      });
      expect(registry.keys[0]!.keyId).toMatch(new RegExp(`^${issuer}-[0-9a-f]{16}$`));
      expect(registry.streams).toEqual([expect.objectContaining({ issuerCity: issuer, behind: false, asOf: expect.any(String) })]);
    }
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
});
