import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { generateSealingKey, type NodeConfig, Sealer } from '@guangfo/platform';
import { applicantIdAd } from '@guangfo/affairs';
import { as, type AffairsWorld, fileAndForward, FS, GZ, PEOPLE } from '../support/affairs.scenarios.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';
import { legacyPiiEncrypt, legacyWebhookSeal } from '../support/legacy-seals.js';

const FS_RESIDENT_ID = '44060419920505002X';
const webhookAd = (id: string) => `platform.webhook-subscription.secret:${id}`;
const issuerAd = (id: string) => `credentials.issuer-key.private-key:${id}`;

/** Data at rest under the sealing keyring: the re-sealing migrations, and rotation of the sealing key. */
describe('data sealed at rest (embedded)', () => {
  let cluster: EmbeddedCluster;
  let world: AffairsWorld;
  let caseId: string;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
    world = { cluster, token: (p) => cluster.tokenFor(p.city, p.username) };
    caseId = await fileAndForward(world);
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('the migrations re-seal rows of the old schemes (ID numbers, webhook secrets, plain issuer keys) and the node reads them', async () => {
    const hospital = await request(cluster.baseUrl(GZ)).post('/api/v1/webhooks/subscriptions').set('x-api-key', 'DEMO-gz-hospital-key-0001')
      .send({ url: 'http://127.0.0.1:9/hook', eventTypes: ['affairs.case.status-changed'], description: 'sealing e2e' });
    expect(hospital.status).toBe(201);
    const subId = hospital.body.id as string;
    const secrets: Record<string, NodeConfig> = { [GZ]: cluster.sandbox.configFor(GZ), [FS]: cluster.sandbox.configFor(FS) };
    const issuerKeys: Record<string, { key_id: string; hex: string }> = {};
    for (const city of [GZ, FS]) {
      const sealer = new Sealer(cluster.sandbox.demoSealingKeys(city));
      const [k] = await cluster.query<{ key_id: string; private_key: string }>(city, `SELECT key_id, private_key FROM credentials.issuer_key WHERE status = 'active'`);
      issuerKeys[city] = { key_id: k!.key_id, hex: sealer.openBytes(k!.private_key, issuerAd(k!.key_id)).toString('hex') };
    }
    await cluster.stopNode(GZ);
    await cluster.stopNode(FS);
    // Put the rows back as the former code wrote them, and forget that the sealing migrations ran.
    for (const city of [GZ, FS]) {
      await cluster.query(city, `UPDATE affairs."case" SET applicant_id_cipher = $2 WHERE id = $1`, [caseId, legacyPiiEncrypt(secrets[city]!.signingKey.privateKeyHex, FS_RESIDENT_ID)]);
      await cluster.query(city, `UPDATE credentials.issuer_key SET private_key = $2 WHERE key_id = $1`, [issuerKeys[city]!.key_id, `plain:${issuerKeys[city]!.hex}`]);
      await cluster.query(city, `DELETE FROM schema_migrations WHERE name LIKE '%Sealing1764633600%'`);
    }
    await cluster.query(GZ, `UPDATE platform.webhook_subscription SET secret_sealed = $2 WHERE id = $1`, [subId, legacyWebhookSeal(secrets[GZ]!.signingKey, GZ, 'whsec_from_before', subId)]);
    await cluster.startNode(GZ);
    await cluster.startNode(FS);

    for (const city of [GZ, FS]) {
      const sealer = new Sealer(cluster.sandbox.demoSealingKeys(city));
      const [c] = await cluster.query<{ applicant_id_cipher: string }>(city, `SELECT applicant_id_cipher FROM affairs."case" WHERE id = $1`, [caseId]);
      expect(Sealer.keyIdOf(c!.applicant_id_cipher)).toBe(sealer.currentKeyId);
      expect(sealer.open(c!.applicant_id_cipher, applicantIdAd(caseId))).toBe(FS_RESIDENT_ID);
      const [k] = await cluster.query<{ private_key: string }>(city, `SELECT private_key FROM credentials.issuer_key WHERE key_id = $1`, [issuerKeys[city]!.key_id]);
      expect(sealer.openBytes(k!.private_key, issuerAd(issuerKeys[city]!.key_id)).toString('hex')).toBe(issuerKeys[city]!.hex);
    }
    const [sub] = await cluster.query<{ secret_sealed: string }>(GZ, `SELECT secret_sealed FROM platform.webhook_subscription WHERE id = $1`, [subId]);
    expect(new Sealer(cluster.sandbox.demoSealingKeys(GZ)).open(sub!.secret_sealed, webhookAd(subId))).toBe('whsec_from_before');
    // The applicant still sees their own full number, read through the re-sealed row.
    const mine = await (await as(world, PEOPLE.fsResident)).get(`/cases/${caseId}`);
    expect(mine.status).toBe(200);
    expect(mine.body.applicant.idNumber).toBe(FS_RESIDENT_ID);
  }, 120_000);

  it('rotation: with a new key first, old rows still open and new rows carry the new key id', async () => {
    const fresh = generateSealingKey('fs-seal-e2e-2027');
    const old = cluster.sandbox.demoSealingKeys(FS);
    await cluster.stopNode(FS);
    cluster.sandbox.useSealingKeys(FS, [fresh, ...old]);
    await cluster.startNode(FS);

    const resident = await as(world, PEOPLE.fsResident);
    const before = await resident.get(`/cases/${caseId}`);
    expect(before.status).toBe(200);
    expect(before.body.applicant.idNumber).toBe(FS_RESIDENT_ID);

    const newer = await fileAndForward(world);
    const rows = await cluster.query<{ id: string; applicant_id_cipher: string }>(FS, `SELECT id, applicant_id_cipher FROM affairs."case" WHERE id = ANY($1)`, [[caseId, newer]]);
    const keyOf = Object.fromEntries(rows.map((r) => [r.id, Sealer.keyIdOf(r.applicant_id_cipher)]));
    expect(keyOf).toEqual({ [caseId]: old[0]!.keyId, [newer]: 'fs-seal-e2e-2027' });
    expect(new Sealer([fresh]).open(rows.find((r) => r.id === newer)!.applicant_id_cipher, applicantIdAd(newer))).toBe(FS_RESIDENT_ID);
    expect(() => new Sealer([fresh]).open(rows.find((r) => r.id === caseId)!.applicant_id_cipher, applicantIdAd(caseId))).toThrow(/not in the sealing keyring/);
    const after = await resident.get(`/cases/${newer}`);
    expect(after.body.applicant.idNumber).toBe(FS_RESIDENT_ID);
  }, 120_000);
});
