import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { applicantIdAd } from '@guangfo/affairs';
import { generateSealingKey, Sealer, sm2Sign } from '@guangfo/gm-crypto';
import { isValidResidentId } from '@guangfo/kernel';
import {
  eventSource,
  processExchange,
  type SignedEvent,
  signingInput,
  toTransportMessage,
  type TransportMessage,
} from '@guangfo/messaging';
import type { NodeConfig } from '@guangfo/platform';
import { waitFor } from '../support/cluster.js';
import { as, type AffairsWorld, fileAndForward, FS, GZ, PEOPLE } from '../support/affairs.scenarios.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';
import { legacyPiiEncrypt, legacyWebhookSeal } from '../support/legacy-seals.js';

const FS_RESIDENT_ID = '44060419920505002X';
const webhookAd = (id: string) => `platform.webhook-subscription.secret:${id}`;
const issuerAd = (id: string) => `credentials.issuer-key.private-key:${id}`;

/** An 18-digit 公民身份号码 anywhere in a string. */
const ID_NUMBER = /(?<!\d)\d{17}[\dX](?!\d)/g;
/** The 18-character strings that are real 公民身份号码 (GB 11643 check digit, date, region): a public body's 统一社会信用代码 is not one. */
const idNumbersIn = (text: string): string[] => [...text.matchAll(ID_NUMBER)].map((m) => m[0]).filter((n) => isValidResidentId(n));

/**
 * Personal data sealed on the bus for the addressed city, and data at rest under the sealing
 * keyring: the re-sealing migrations, and rotation of the sealing key.
 */
describe('personal data sealed on the bus and at rest (embedded)', () => {
  let cluster: EmbeddedCluster;
  let world: AffairsWorld;
  let caseId: string;
  const carried: { to: string; message: TransportMessage }[] = [];
  const deliver = processExchange.deliver.bind(processExchange);
  const deliverBatch = processExchange.deliverBatch.bind(processExchange);

  beforeAll(async () => {
    // A tap on what the embedded transport carries between the nodes.
    processExchange.deliver = async (to, message) => {
      carried.push({ to, message });
      return deliver(to, message);
    };
    processExchange.deliverBatch = async (to, messages) => {
      for (const message of messages) carried.push({ to, message });
      return deliverBatch(to, messages);
    };
    cluster = await startEmbeddedCluster();
    world = { cluster, token: (p) => cluster.tokenFor(p.city, p.username) };
    caseId = await fileAndForward(world);
  }, 120_000);

  it("no applicant name or ID number in clear in the sender's outbox or on the transport; the receiving city shows the case", async () => {
    const filed = carried.filter((c) => c.message.headers.ce_type === 'gov.guangfo.affairs.case-filed.v1');
    expect(filed.length).toBeGreaterThan(0);
    for (const { message } of carried) {
      const wire = JSON.stringify(message);
      expect(wire).not.toContain('李小红');
      expect(idNumbersIn(wire)).toEqual([]);
    }
    const sealedOnWire = JSON.parse(filed[0]!.message.value) as Record<string, any>;
    expect(sealedOnWire.sealedPersonal).toMatchObject({ alg: 'SM2+SM4-CTR+HMAC-SM3', kid: 'gz-enc-demo-2026' });
    expect(sealedOnWire.case.applicant).toBeUndefined();
    for (const city of [GZ, FS]) {
      const rows = await cluster.query<{ envelope: unknown }>(city, `SELECT envelope FROM platform.outbox`);
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        const text = JSON.stringify(r.envelope);
        expect(text).not.toContain('李小红');
        expect(idNumbersIn(text)).toEqual([]);
      }
    }
    // Guangzhou (the addressee) opened it before its handler ran: its copy has the applicant.
    const [row] = await cluster.query<{ applicant_name: string; applicant_id_cipher: string; applicant_id_masked: string }>(
      GZ,
      `SELECT applicant_name, applicant_id_cipher, applicant_id_masked FROM affairs."case" WHERE id = $1`,
      [caseId],
    );
    expect(row).toMatchObject({ applicant_name: '李小红', applicant_id_masked: '440***********002X' });
    expect(new Sealer(cluster.sandbox.demoSealingKeys(GZ)).open(row!.applicant_id_cipher, applicantIdAd(caseId))).toBe(FS_RESIDENT_ID);
    const gzView = await (await as(world, PEOPLE.gzClerk)).get(`/cases/${caseId}`);
    expect(gzView.status).toBe(200);
    expect(gzView.body.applicant).toMatchObject({ idNumber: '440***********002X' });
    expect(gzView.body.materials.length).toBeGreaterThan(0);
  });

  it('an event signed by its sender but carrying personal fields in clear is dead-lettered (PERSONAL_DATA_UNSEALED)', async () => {
    const [filedRow] = await cluster.query<{ envelope: SignedEvent<Record<string, any>> }>(
      FS,
      `SELECT envelope FROM platform.outbox WHERE subject = $1 AND type = 'gov.guangfo.affairs.case-filed.v1'`,
      [caseId],
    );
    const original = filedRow!.envelope;
    const secrets = parse(readFileSync('seeds/demo/secrets.yaml', 'utf8')) as {
      cities: Record<string, { signingKey: { keyId: string; privateKeyHex: string } }>;
    };
    const copy = randomUUID();
    const { sealedPersonal: _s, ...rest } = original.data;
    const clear = {
      ...rest,
      caseId: copy,
      case: { ...rest.case, applicant: { sub: null, name: '李小红', idNumber: FS_RESIDENT_ID }, materials: [] },
    };
    const { sig: _sig, ...attrs } = original;
    const unsigned = { ...attrs, id: randomUUID(), subject: copy, source: eventSource(FS, 'affairs'), data: clear };
    const forged = {
      ...unsigned,
      sig: sm2Sign(signingInput(unsigned as SignedEvent), secrets.cities[FS]!.signingKey.privateKeyHex),
    } as SignedEvent;
    await cluster.inject(GZ, toTransportMessage(forged));
    const [dead] = await waitFor('dead-lettered', async () => {
      const rows = await cluster.query<{ reason_code: string; reason: string }>(
        GZ,
        `SELECT reason_code, reason FROM platform.dead_letter WHERE event_id = $1`,
        [forged.id],
      );
      return rows.length ? rows : undefined;
    });
    expect(dead).toMatchObject({ reason_code: 'PERSONAL_DATA_UNSEALED' });
    expect(dead!.reason).toMatch(/in clear: case.applicant/);
    expect(await cluster.query(GZ, `SELECT 1 FROM affairs."case" WHERE id = $1`, [copy])).toHaveLength(0);
  });

  afterAll(async () => {
    processExchange.deliver = deliver;
    processExchange.deliverBatch = deliverBatch;
    await cluster?.close();
  });

  it('the migrations re-seal rows of the old schemes (ID numbers, webhook secrets, plain issuer keys) and the node reads them', async () => {
    const hospital = await request(cluster.baseUrl(GZ))
      .post('/api/v1/webhooks/subscriptions')
      .set('x-api-key', 'DEMO-gz-hospital-key-0001')
      .send({ url: 'http://127.0.0.1:9/hook', eventTypes: ['affairs.case.status-changed'], description: 'sealing e2e' });
    expect(hospital.status).toBe(201);
    const subId = hospital.body.id as string;
    const secrets: Record<string, NodeConfig> = { [GZ]: cluster.sandbox.configFor(GZ), [FS]: cluster.sandbox.configFor(FS) };
    const issuerKeys: Record<string, { key_id: string; hex: string }> = {};
    for (const city of [GZ, FS]) {
      const sealer = new Sealer(cluster.sandbox.demoSealingKeys(city));
      const [k] = await cluster.query<{ key_id: string; private_key: string }>(
        city,
        `SELECT key_id, private_key FROM credentials.issuer_key WHERE status = 'active'`,
      );
      issuerKeys[city] = { key_id: k!.key_id, hex: sealer.openBytes(k!.private_key, issuerAd(k!.key_id)).toString('hex') };
    }
    await cluster.stopNode(GZ);
    await cluster.stopNode(FS);
    // Put the rows back as the former code wrote them, and forget that the sealing migrations ran.
    for (const city of [GZ, FS]) {
      await cluster.query(city, `UPDATE affairs."case" SET applicant_id_cipher = $2 WHERE id = $1`, [
        caseId,
        legacyPiiEncrypt(secrets[city]!.signingKey.privateKeyHex, FS_RESIDENT_ID),
      ]);
      await cluster.query(city, `UPDATE credentials.issuer_key SET private_key = $2 WHERE key_id = $1`, [
        issuerKeys[city]!.key_id,
        `plain:${issuerKeys[city]!.hex}`,
      ]);
      await cluster.query(city, `DELETE FROM schema_migrations WHERE name LIKE '%Sealing1764633600%'`);
    }
    await cluster.query(GZ, `UPDATE platform.webhook_subscription SET secret_sealed = $2 WHERE id = $1`, [
      subId,
      legacyWebhookSeal(secrets[GZ]!.signingKey, GZ, 'whsec_from_before', subId),
    ]);
    await cluster.startNode(GZ);
    await cluster.startNode(FS);

    for (const city of [GZ, FS]) {
      const sealer = new Sealer(cluster.sandbox.demoSealingKeys(city));
      const [c] = await cluster.query<{ applicant_id_cipher: string }>(
        city,
        `SELECT applicant_id_cipher FROM affairs."case" WHERE id = $1`,
        [caseId],
      );
      expect(Sealer.keyIdOf(c!.applicant_id_cipher)).toBe(sealer.currentKeyId);
      expect(sealer.open(c!.applicant_id_cipher, applicantIdAd(caseId))).toBe(FS_RESIDENT_ID);
      const [k] = await cluster.query<{ private_key: string }>(city, `SELECT private_key FROM credentials.issuer_key WHERE key_id = $1`, [
        issuerKeys[city]!.key_id,
      ]);
      expect(sealer.openBytes(k!.private_key, issuerAd(issuerKeys[city]!.key_id)).toString('hex')).toBe(issuerKeys[city]!.hex);
    }
    const [sub] = await cluster.query<{ secret_sealed: string }>(
      GZ,
      `SELECT secret_sealed FROM platform.webhook_subscription WHERE id = $1`,
      [subId],
    );
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
    const rows = await cluster.query<{ id: string; applicant_id_cipher: string }>(
      FS,
      `SELECT id, applicant_id_cipher FROM affairs."case" WHERE id = ANY($1)`,
      [[caseId, newer]],
    );
    const keyOf = Object.fromEntries(rows.map((r) => [r.id, Sealer.keyIdOf(r.applicant_id_cipher)]));
    expect(keyOf).toEqual({ [caseId]: old[0]!.keyId, [newer]: 'fs-seal-e2e-2027' });
    expect(new Sealer([fresh]).open(rows.find((r) => r.id === newer)!.applicant_id_cipher, applicantIdAd(newer))).toBe(FS_RESIDENT_ID);
    expect(() => new Sealer([fresh]).open(rows.find((r) => r.id === caseId)!.applicant_id_cipher, applicantIdAd(caseId))).toThrow(
      /not in the sealing keyring/,
    );
    const after = await resident.get(`/cases/${newer}`);
    expect(after.body.applicant.idNumber).toBe(FS_RESIDENT_ID);
  }, 120_000);
});
