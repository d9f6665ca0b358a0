import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { signInterchangeRequest } from '@guangfo/federation';
import { generateSm2KeyPair } from '@guangfo/gm-crypto';
import { waitFor } from '../support/cluster.js';
import { type KafkaCluster, startKafkaCluster } from '../support/kafka-cluster.js';

const GZ = '440100';
const FS = '440600';
const MiB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pdfOf = (size: number): Buffer => {
  const b = randomBytes(size);
  Buffer.from('%PDF-1.7\n').copy(b, 0);
  return b;
};

/**
 * The claim check between two separate node processes (production configuration: fresh non-demo
 * SM2 keys, real PostgreSQL, Kafka transport): Guangzhou fetches a file from Foshan node-to-node,
 * signed with its own event-signing key, and keeps a verified copy. The grant and the pending
 * fetch are what a domain writes in its transactions (FileStore.grant / FileReplicator.enqueue,
 * covered by the e2e suite); here they are written as rows, since the nodes run in other processes.
 */
describe('files: claim-check replication between separate node processes', () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    cluster = await startKafkaCluster();
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
  });

  const upload = async (city: string, bytes: Buffer, filename: string) => {
    const token = await cluster.tokenWith(city, { sub: `${city}-it-resident`, role: 'resident' });
    const r = await request(cluster.baseUrl(city))
      .post('/api/v1/files')
      .set('authorization', `Bearer ${token}`)
      .attach('file', bytes, { filename, contentType: 'application/pdf' });
    expect(r.status).toBe(201);
    return r.body as { id: string; sha256: string; sizeBytes: number; mediaType: string };
  };
  const grant = (fileId: string, to: string) =>
    cluster.query(FS, `INSERT INTO platform.file_grant (file_id, to_city, granted_by) VALUES ($1, $2, 'clerk:it')`, [fileId, to]);
  const enqueueReplication = (ref: { id: string; sha256: string; sizeBytes: number; mediaType: string }) =>
    cluster.query(
      GZ,
      `INSERT INTO platform.file_replication (id, from_city, file_id, sha256, size_bytes, media_type) VALUES ($1, $2, $3, $4, $5, $6)`,
      [randomUUID(), FS, ref.id, ref.sha256, ref.sizeBytes, ref.mediaType],
    );
  const replication = async (fileId: string) =>
    (
      await cluster.query<{ status: string; attempts: number; last_error: string | null }>(
        GZ,
        'SELECT status, attempts, last_error FROM platform.file_replication WHERE file_id = $1',
        [fileId],
      )
    )[0];

  it('replicates a 20 MiB file from Foshan to Guangzhou, byte-identical, and audits both sides', async () => {
    const bytes = pdfOf(20 * MiB);
    const up = await upload(FS, bytes, '不动产登记资料.pdf');
    expect(up).toMatchObject({ sha256: sha256(bytes), sizeBytes: 20 * MiB, mediaType: 'application/pdf' });
    await grant(up.id, GZ);
    await enqueueReplication(up);
    await waitFor('Guangzhou to hold the copy', async () => (await replication(up.id))?.status === 'done', 90_000, 250);

    const [copy] = await cluster.query<{ sha256: string; size_bytes: number; replica: boolean; origin_city: string; file_name: string }>(
      GZ,
      'SELECT sha256, size_bytes, replica, origin_city, file_name FROM platform.file_blob WHERE id = $1',
      [up.id],
    );
    expect(copy).toEqual({ sha256: sha256(bytes), size_bytes: 20 * MiB, replica: true, origin_city: FS, file_name: '不动产登记资料.pdf' });
    const clerk = await cluster.tokenWith(GZ, { sub: 'gz-it-clerk', role: 'clerk', hall: 'GZ-TH-01' });
    const res = await fetch(`${cluster.baseUrl(GZ)}/api/v1/files/${up.id}`, { headers: { authorization: `Bearer ${clerk}` } });
    expect(res.status).toBe(200);
    const got = Buffer.from(await res.arrayBuffer());
    expect(got.length).toBe(20 * MiB);
    expect(sha256(got)).toBe(sha256(bytes));

    const fsRead = await cluster.query(
      FS,
      `SELECT 1 FROM platform.audit_log WHERE action = 'file.read' AND actor = $1 AND resource = $2 AND outcome = 'success'`,
      [`city:${GZ}`, `file:${up.id}`],
    );
    expect(fsRead).toHaveLength(1);
    const gzCopy = await cluster.query(GZ, `SELECT 1 FROM platform.audit_log WHERE action = 'file.replicated' AND resource = $1`, [
      `file:${up.id}`,
    ]);
    expect(gzCopy).toHaveLength(1);
  }, 180_000);

  it('does not replicate a file Foshan did not grant, nor one whose sha256 does not match the claim check', async () => {
    const notGranted = await upload(FS, pdfOf(100_000), 'a.pdf');
    await enqueueReplication(notGranted);
    const lying = await upload(FS, pdfOf(100_000), 'b.pdf');
    await grant(lying.id, GZ);
    await enqueueReplication({ ...lying, sha256: sha256(Buffer.from('other')) });

    const refused = await waitFor(
      'a refused attempt',
      async () => {
        const r = await replication(notGranted.id);
        return r && r.attempts >= 1 ? r : undefined;
      },
      60_000,
      250,
    );
    expect(refused.status).toBe('pending');
    expect(refused.last_error).toMatch(/403 FILE_NOT_GRANTED/);
    const mismatch = await waitFor(
      'a rejected copy',
      async () => {
        const r = await replication(lying.id);
        return r && r.attempts >= 1 ? r : undefined;
      },
      60_000,
      250,
    );
    expect(mismatch.last_error).toMatch(/sha256/);
    const stored = await cluster.query(GZ, 'SELECT id FROM platform.file_blob WHERE id = ANY($1::uuid[])', [[notGranted.id, lying.id]]);
    expect(stored).toHaveLength(0);
    const denied = await cluster.query(
      FS,
      `SELECT 1 FROM platform.audit_log WHERE action = 'file.read' AND actor = $1 AND resource = $2 AND outcome = 'denied'`,
      [`city:${GZ}`, `file:${notGranted.id}`],
    );
    expect(denied.length).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('refuses node-to-node requests signed with a key the registry does not pin (no demo keys outside the sandbox)', async () => {
    const up = await upload(FS, pdfOf(10_000), 'c.pdf');
    await grant(up.id, GZ);
    const path = `/api/v1/interchange/files/${up.id}`;
    const forged = signInterchangeRequest({
      method: 'GET',
      path,
      fromCity: GZ,
      toCity: FS,
      keyId: `${GZ}-it`,
      privateKeyHex: generateSm2KeyPair().privateKey,
    });
    const r = await request(cluster.baseUrl(FS)).get(path).set(forged);
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('INTERCHANGE_SIGNATURE_INVALID');
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    // The sandbox's demo key id is not honoured by a production node.
    const demo = signInterchangeRequest({
      method: 'GET',
      path,
      fromCity: GZ,
      toCity: FS,
      keyId: 'gz-demo-2026',
      privateKeyHex: generateSm2KeyPair().privateKey,
    });
    expect((await request(cluster.baseUrl(FS)).get(path).set(demo)).body.code).toBe('INTERCHANGE_SIGNATURE_INVALID');
    expect((await request(cluster.baseUrl(FS)).get(path)).body.code).toBe('INTERCHANGE_UNSIGNED');
  });
});
