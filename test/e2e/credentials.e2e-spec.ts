import { afterAll, beforeAll, describe, it } from '@jest/globals';
import {
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
});
