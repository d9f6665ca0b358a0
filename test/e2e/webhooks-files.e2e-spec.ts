import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { INTERCHANGE_HEADERS, signInterchangeRequest } from '@guangfo/federation';
import { FILE_MAX_BYTES, FileInterchange, type FileRef, FileReplicator, FileStore } from '@guangfo/files';
import { generateSm2KeyPair } from '@guangfo/gm-crypto';
import { hashApiKey, verifyAuditChain } from '@guangfo/platform';
import { verifyWebhookSignature, WebhookOutbox } from '@guangfo/webhooks';
import { waitFor } from '../support/cluster.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

const GZ = '440100';
const FS = '440600';
const PARTNER_KEY = 'DEMO-gz-hospital-key-0001'; // demo-hospital-gz: webhooks:manage in Guangzhou
const OTHER_PARTNER_KEY = 'E2E-other-partner-key-0000001';
const EVENT_TYPE = 'e2e.case.status-changed';
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const expectProblem = (r: { status: number; headers: Record<string, unknown>; body: unknown }, status: number, code: string) => {
  expect({ status: r.status, code: (r.body as { code?: string }).code }).toEqual({ status, code });
  expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
};

/** A PDF-looking file of exactly `size` bytes. */
const pdfOf = (size: number): Buffer => {
  const b = randomBytes(size);
  Buffer.from('%PDF-1.7\n').copy(b, 0);
  return b;
};

describe('partner webhooks and cross-city files (embedded sandbox)', () => {
  let cluster: EmbeddedCluster;
  let gz: NestExpressApplication;
  let fs: NestExpressApplication;
  let partnerServer: Server;
  let partnerUrl: string;
  let flakyFailing = true;
  const received: Received[] = [];

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
    gz = cluster.sandbox.node(GZ);
    fs = cluster.sandbox.node(FS);
    // What a domain does at start: declare the types it emits.
    gz.get(WebhookOutbox).declare({ type: EVENT_TYPE, description: 'e2e: a case changed status' });
    // A second partner of Guangzhou with the webhooks scope (test data, like the sandbox's demo partners).
    await gz
      .get(DataSource)
      .query(
        `INSERT INTO platform.api_key (id, name, city_code, key_hash, scopes) VALUES ('e2e-other-partner', 'E2E 其他接入方', $1, $2, $3)`,
        [GZ, hashApiKey(OTHER_PARTNER_KEY), ['webhooks:manage']],
      );
    partnerServer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const status = req.url === '/flaky' && flakyFailing ? 500 : 200;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'down');
      });
    });
    await new Promise<void>((r) => partnerServer.listen(0, '127.0.0.1', r));
    partnerUrl = `http://127.0.0.1:${(partnerServer.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    partnerServer?.closeAllConnections();
    await new Promise((r) => (partnerServer ? partnerServer.close(r) : r(undefined)));
    await cluster?.close();
  });

  const api = (city: string) => request(cluster.baseUrl(city));
  const asPartner = (key = PARTNER_KEY) => ({
    get: (path: string) => api(GZ).get(path).set('x-api-key', key),
    post: (path: string, body?: object) => api(GZ).post(path).set('x-api-key', key).send(body),
    delete: (path: string) => api(GZ).delete(path).set('x-api-key', key),
  });
  const subscribe = async (path: string, itemCodes?: string[]) => {
    const r = await asPartner().post('/api/v1/webhooks/subscriptions', {
      url: `${partnerUrl}${path}`,
      eventTypes: [EVENT_TYPE],
      ...(itemCodes ? { itemCodes } : {}),
      description: 'e2e',
    });
    expect(r.status).toBe(201);
    return r.body as { id: string; secret: string; url: string; eventTypes: string[]; itemCodes: string[] | null };
  };
  /** What a domain does: enqueue in the transaction that changes its state. */
  const enqueue = (subject: string, itemCode?: string, rollback = false) =>
    gz.get(DataSource).transaction(async (em) => {
      const r = await gz
        .get(WebhookOutbox)
        .enqueue(em, { eventType: EVENT_TYPE, subject, itemCode, payload: { caseId: subject, status: 'accepted' } });
      if (rollback) throw new Error('domain change failed');
      return r;
    });
  interface DeliveryView {
    id: string;
    subscriptionId: string;
    eventId: string;
    status: string;
    attempts: number;
    lastStatusCode: number | null;
    subject: string;
  }
  const deliveries = async (query: string, key = PARTNER_KEY) =>
    (await asPartner(key).get(`/api/v1/webhooks/deliveries${query}`).expect(200)).body as {
      items: DeliveryView[];
      nextCursor: string | null;
    };

  describe('webhooks', () => {
    it('subscribes with a secret shown once, and refuses bad URLs, unknown types and callers without the scope', async () => {
      const types = await asPartner().get('/api/v1/webhooks/event-types').expect(200);
      expect(types.body.items).toEqual(expect.arrayContaining([{ type: EVENT_TYPE, description: expect.any(String) }]));
      const sub = await subscribe('/ok', ['XK00101000']);
      expect(sub.secret).toMatch(/^whsec_/);
      expect(sub).toMatchObject({ eventTypes: [EVENT_TYPE], itemCodes: ['XK00101000'] });
      const list = await asPartner().get('/api/v1/webhooks/subscriptions').expect(200);
      const listed = (list.body.items as Record<string, unknown>[]).find((s) => s.id === sub.id);
      expect(listed).toBeDefined();
      expect(listed).not.toHaveProperty('secret');
      expect(JSON.stringify(list.body)).not.toContain(sub.secret);
      const [row] = await cluster.query<{ secret_sealed: string }>(
        GZ,
        'SELECT secret_sealed FROM platform.webhook_subscription WHERE id = $1',
        [sub.id],
      );
      expect(row.secret_sealed).not.toContain(sub.secret.slice(6));

      for (const url of ['http://partner.example.cn/hook', 'ftp://127.0.0.1/x', 'not-a-url']) {
        expectProblem(
          await asPartner().post('/api/v1/webhooks/subscriptions', { url, eventTypes: [EVENT_TYPE] }),
          400,
          'WEBHOOK_URL_NOT_ALLOWED',
        );
      }
      // SSRF, as found on the sandbox: metadata, private and link-local targets are refused even where
      // loopback is allowed (a refused one that slipped through is deleted at once, before any delivery).
      for (const url of [
        'https://169.254.169.254/latest',
        'https://10.0.0.1/x',
        'https://192.168.0.1/',
        'https://[fe80::1]/',
        'https://[::ffff:a9fe:a9fe]/',
      ]) {
        const r = await asPartner().post('/api/v1/webhooks/subscriptions', { url, eventTypes: [EVENT_TYPE], itemCodes: ['GG00601000'] });
        if (r.status === 201) await asPartner().delete(`/api/v1/webhooks/subscriptions/${r.body.id}`);
        expectProblem(r, 400, 'WEBHOOK_URL_NOT_ALLOWED');
      }
      // Item scopes name catalogue items; an implementation code is stored as its base code.
      const unknownItem = await asPartner().post('/api/v1/webhooks/subscriptions', {
        url: `${partnerUrl}/ok`,
        eventTypes: [EVENT_TYPE],
        itemCodes: ['XK00101000', 'NONE-NEVER'],
      });
      expectProblem(unknownItem, 400, 'VALIDATION_FAILED');
      expect(unknownItem.body.errors).toEqual([expect.objectContaining({ field: 'itemCodes.1', rule: 'catalogueItem' })]);
      expectProblem(
        await asPartner().post('/api/v1/webhooks/subscriptions', { url: `${partnerUrl}/ok`, eventTypes: ['e2e.no.such-type'] }),
        400,
        'WEBHOOK_UNKNOWN_EVENT_TYPE',
      );
      expectProblem(
        await asPartner().post('/api/v1/webhooks/subscriptions', { url: `${partnerUrl}/ok`, eventTypes: [] }),
        400,
        'VALIDATION_FAILED',
      );
      expectProblem(
        await api(GZ)
          .post('/api/v1/webhooks/subscriptions')
          .send({ url: `${partnerUrl}/ok`, eventTypes: [EVENT_TYPE] }),
        401,
        'UNAUTHENTICATED',
      );
      expectProblem(await api(FS).get('/api/v1/webhooks/subscriptions').set('x-api-key', 'DEMO-fs-bank-key-0001'), 403, 'FORBIDDEN_SCOPE');
      expectProblem(
        await api(GZ)
          .get('/api/v1/webhooks/subscriptions')
          .set('authorization', `Bearer ${await cluster.token(GZ, 'admin')}`),
        403,
        'FORBIDDEN_ROLE',
      );
    });

    it('delivers a committed event, signed so that the partner can verify it; nothing for a rolled-back change or another item', async () => {
      const sub = await subscribe('/ok', ['QT00101000']);
      const subject = `case-${randomBytes(4).toString('hex')}`;
      await expect(enqueue(`${subject}-rolled-back`, 'QT00101000', true)).rejects.toThrow('domain change failed');
      expect(await enqueue(`${subject}-other-item`, 'GF00101000')).toMatchObject({ deliveries: 0 });
      const { eventId, deliveries: n } = await enqueue(subject, 'QT00101000');
      expect(n).toBe(1);

      const got = await waitFor('the signed delivery', async () => received.find((r) => r.path === '/ok' && r.body.includes(subject)));
      const h = got.headers;
      expect(h['content-type']).toBe('application/json');
      expect(h['x-guangfo-event']).toBe(EVENT_TYPE);
      expect(h['x-guangfo-event-id']).toBe(eventId);
      expect(h['x-guangfo-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      expect(h['x-guangfo-attempt']).toBe('1');
      // The partner's check: HMAC-SHA256(secret, timestamp + "." + raw body), as documented.
      const timestamp = String(h['x-guangfo-timestamp']);
      expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(60);
      expect(h['x-guangfo-signature']).toBe(`sha256=${createHmac('sha256', sub.secret).update(`${timestamp}.${got.body}`).digest('hex')}`);
      expect(verifyWebhookSignature({ secret: sub.secret, timestamp, body: got.body, signature: String(h['x-guangfo-signature']) })).toBe(
        true,
      );
      expect(
        verifyWebhookSignature({ secret: 'whsec_wrong', timestamp, body: got.body, signature: String(h['x-guangfo-signature']) }),
      ).toBe(false);
      expect(JSON.parse(got.body)).toEqual({
        eventId,
        eventType: EVENT_TYPE,
        subject,
        itemCode: 'QT00101000',
        city: GZ,
        occurredAt: expect.any(String),
        data: { caseId: subject, status: 'accepted' },
      });

      const delivered = await waitFor('the delivery recorded as delivered', async () =>
        (await deliveries(`?status=delivered&subscriptionId=${sub.id}`)).items.find((d) => d.eventId === eventId),
      );
      expect(delivered).toMatchObject({ id: h['x-guangfo-delivery'], attempts: 1, lastStatusCode: 200, subject });
      // The rolled-back change left nothing; the other item matched no subscription.
      await new Promise((r) => setTimeout(r, 300));
      expect(received.some((r) => r.body.includes(`${subject}-rolled-back`) || r.body.includes(`${subject}-other-item`))).toBe(false);
      expect(await cluster.query(GZ, 'SELECT 1 FROM platform.webhook_event WHERE subject LIKE $1', [`${subject}-%`])).toHaveLength(0);
    });

    it('retries a failing endpoint with backoff, lists the delivery as failed with every attempt, and redelivers it after recovery', async () => {
      flakyFailing = true;
      const sub = await subscribe('/flaky');
      const subject = `case-${randomBytes(4).toString('hex')}`;
      const { eventId } = await enqueue(subject, 'GG01006000');
      const failed = await waitFor(
        'the delivery to fail for good',
        async () => (await deliveries('?status=failed')).items.find((d) => d.eventId === eventId && d.subscriptionId === sub.id),
        30_000,
      );
      expect(failed).toMatchObject({ status: 'failed', attempts: 4, lastStatusCode: 500 });

      const detail = (await asPartner().get(`/api/v1/webhooks/deliveries/${failed.id}`).expect(200)).body as {
        attemptLog: { attempt: number; statusCode: number; durationMs: number; error: string; startedAt: string }[];
      };
      expect(detail.attemptLog.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([1, 2, 3, 4].map((n) => [n, 500, 'HTTP 500']));
      const starts = detail.attemptLog.map((a) => Date.parse(a.startedAt));
      const gaps = starts.slice(1).map((t, i) => t - starts[i]);
      // Exponential backoff (sandbox base 50 ms): each wait at least base × 2^(n−1).
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(50 * 2 ** i - 5));
      const hits = received.filter((r) => r.path === '/flaky' && r.body.includes(subject));
      expect(hits.map((r) => r.headers['x-guangfo-attempt'])).toEqual(['1', '2', '3', '4']);
      expect(new Set(hits.map((r) => r.headers['x-guangfo-delivery']))).toEqual(new Set([failed.id]));

      flakyFailing = false;
      const again = await asPartner().post(`/api/v1/webhooks/deliveries/${failed.id}/redeliver`).expect(202);
      expect(again.body).toMatchObject({ id: failed.id, status: 'pending', attempts: 0, redeliveries: 1 });
      const ok = await waitFor('the redelivery to succeed', async () => {
        const d = (await asPartner().get(`/api/v1/webhooks/deliveries/${failed.id}`).expect(200)).body as DeliveryView & {
          attemptLog: unknown[];
        };
        return d.status === 'delivered' ? d : undefined;
      });
      expect(ok).toMatchObject({ attempts: 1, lastStatusCode: 200 });
      expect(ok.attemptLog).toHaveLength(5);
      const last = received.filter((r) => r.path === '/flaky' && r.body.includes(subject)).at(-1)!;
      expect(
        verifyWebhookSignature({
          secret: sub.secret,
          timestamp: String(last.headers['x-guangfo-timestamp']),
          body: last.body,
          signature: String(last.headers['x-guangfo-signature']),
        }),
      ).toBe(true);
      const audited = await cluster.query<{ actor: string }>(
        GZ,
        `SELECT actor FROM platform.audit_log WHERE action = 'webhook.redelivered' AND resource = $1`,
        [`webhook-delivery:${failed.id}`],
      );
      expect(audited).toEqual([{ actor: 'partner:demo-hospital-gz' }]);
    });

    it('keeps partners to their own subscriptions and deliveries, and stops delivering once unsubscribed', async () => {
      const sub = await subscribe('/ok');
      const { eventId } = await enqueue(`case-${randomBytes(4).toString('hex')}`);
      const mine = await waitFor('a delivery', async () =>
        (await deliveries(`?subscriptionId=${sub.id}`)).items.find((d) => d.eventId === eventId),
      );
      const others = await deliveries('', OTHER_PARTNER_KEY);
      expect(others.items).toHaveLength(0);
      expect((await asPartner(OTHER_PARTNER_KEY).get('/api/v1/webhooks/subscriptions').expect(200)).body.items).toHaveLength(0);
      expectProblem(await asPartner(OTHER_PARTNER_KEY).get(`/api/v1/webhooks/deliveries/${mine.id}`), 404, 'WEBHOOK_DELIVERY_NOT_FOUND');
      expectProblem(
        await asPartner(OTHER_PARTNER_KEY).post(`/api/v1/webhooks/deliveries/${mine.id}/redeliver`),
        404,
        'WEBHOOK_DELIVERY_NOT_FOUND',
      );
      expectProblem(
        await asPartner(OTHER_PARTNER_KEY).get(`/api/v1/webhooks/subscriptions/${sub.id}`),
        404,
        'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
      );
      expectProblem(
        await asPartner(OTHER_PARTNER_KEY).delete(`/api/v1/webhooks/subscriptions/${sub.id}`),
        404,
        'WEBHOOK_SUBSCRIPTION_NOT_FOUND',
      );

      // Pagination over own deliveries.
      const page1 = await deliveries('?limit=1');
      expect(page1.items).toHaveLength(1);
      expect(page1.nextCursor).toEqual(expect.any(String));
      const page2 = await deliveries(`?limit=1&cursor=${page1.nextCursor}`);
      expect(page2.items[0].id).not.toBe(page1.items[0].id);

      // Unsubscribing everything: no more deliveries.
      const all = (await asPartner().get('/api/v1/webhooks/subscriptions').expect(200)).body.items as { id: string }[];
      expect(all.map((x) => x.id)).toContain(sub.id);
      for (const x of all) await asPartner().delete(`/api/v1/webhooks/subscriptions/${x.id}`).expect(204);
      expectProblem(await asPartner().get(`/api/v1/webhooks/subscriptions/${sub.id}`), 404, 'WEBHOOK_SUBSCRIPTION_NOT_FOUND');
      expect((await asPartner().get('/api/v1/webhooks/subscriptions').expect(200)).body.items).toHaveLength(0);
      expect(await enqueue(`case-${randomBytes(4).toString('hex')}`, 'GG01007000')).toMatchObject({ deliveries: 0 });
    });
  });

  describe('files and the claim check', () => {
    const upload = async (city: string, token: string, bytes: Buffer, filename: string, contentType: string) =>
      api(city).post('/api/v1/files').set('authorization', `Bearer ${token}`).attach('file', bytes, { filename, contentType });
    const download = async (city: string, token: string, id: string) => {
      const r = await fetch(`${cluster.baseUrl(city)}/api/v1/files/${id}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
    };
    const grant = (id: string, to: string): Promise<FileRef> =>
      fs.get(DataSource).transaction((em) => fs.get(FileStore).grant(em, id, to, 'clerk:fs-clerk'));
    const replicate = (ref: FileRef) => gz.get(DataSource).transaction((em) => gz.get(FileReplicator).enqueue(em, { fromCity: FS, ref }));
    /** A node-to-node request to Foshan, signed as Guangzhou (or with what the test passes). */
    const interchange = (id: string, o: Partial<Parameters<typeof signInterchangeRequest>[0]> = {}) => {
      const key = cluster.sandbox.configFor(GZ).signingKey;
      const path = `/api/v1/interchange/files/${id}`;
      return signInterchangeRequest({
        method: 'GET',
        path,
        fromCity: GZ,
        toCity: FS,
        keyId: key.keyId,
        privateKeyHex: key.privateKeyHex,
        ...o,
      });
    };
    const fetchInterchange = (id: string, headers: Record<string, string>) => api(FS).get(`/api/v1/interchange/files/${id}`).set(headers);
    let granted: { id: string; bytes: Buffer };

    it('uploads 20 MiB in Foshan, grants it to Guangzhou, which replicates it by claim check, byte-identical', async () => {
      const resident = await cluster.token(FS, 'resident');
      const bytes = pdfOf(FILE_MAX_BYTES);
      const up = await upload(FS, resident, bytes, '户口簿 扫描件.pdf', 'application/pdf');
      expect(up.status).toBe(201);
      expect(up.body).toEqual({
        id: expect.any(String),
        sha256: sha256(bytes),
        sizeBytes: FILE_MAX_BYTES,
        mediaType: 'application/pdf',
        fileName: '户口簿 扫描件.pdf',
      });
      const id = up.body.id as string;
      granted = { id, bytes };

      // The uploader and Foshan's clerks read it back (streamed), audited.
      const own = await download(FS, resident, id);
      expect(own.status).toBe(200);
      expect(own.headers.get('content-type')).toBe('application/pdf');
      expect(own.headers.get('x-guangfo-sha256')).toBe(sha256(bytes));
      expect(own.headers.get('content-disposition')).toContain("filename*=UTF-8''%E6%88%B7");
      expect(sha256(own.bytes)).toBe(sha256(bytes));
      expect((await download(FS, await cluster.token(FS, 'clerk'), id)).status).toBe(200);
      expect((await download(FS, await cluster.token(FS, 'admin'), id)).status).toBe(403);
      expect((await download(FS, await cluster.token(GZ, 'clerk'), id)).status).toBe(403); // a Guangzhou token on the Foshan node

      // Foshan grants; Guangzhou has no copy and cannot read it yet.
      const ref = await grant(id, GZ);
      expect(ref).toEqual({ fileId: id, sha256: sha256(bytes), sizeBytes: FILE_MAX_BYTES, mediaType: 'application/pdf' });
      const gzClerk = await cluster.token(GZ, 'clerk');
      expect((await download(GZ, gzClerk, id)).status).toBe(404);

      // Guangzhou's domain enqueues the claim check; the background replicator fetches it.
      await replicate(ref);
      const status = await waitFor(
        'the replication to complete',
        async () => {
          const s = await gz.get(FileReplicator).status(id);
          return s?.status === 'done' ? s : undefined;
        },
        60_000,
      );
      expect(status).toMatchObject({ fromCity: FS, attempts: 1, lastError: null });

      const copy = await download(GZ, gzClerk, id);
      expect(copy.status).toBe(200);
      expect(copy.bytes.length).toBe(FILE_MAX_BYTES);
      expect(sha256(copy.bytes)).toBe(sha256(bytes));
      expect(copy.bytes.equals(bytes)).toBe(true);
      const meta = await gz.get(FileStore).require(id);
      expect(meta).toMatchObject({
        replica: true,
        originCity: FS,
        uploadedBy: `city:${FS}`,
        fileName: '户口簿 扫描件.pdf',
        sha256: sha256(bytes),
      });
      expect((await download(GZ, await cluster.token(GZ, 'resident'), id)).status).toBe(403);

      // Audited on both sides: Foshan the grant and Guangzhou's read; Guangzhou the copy.
      const fsAudit = await cluster.query<{ action: string; actor: string; outcome: string }>(
        FS,
        `SELECT action, actor, outcome FROM platform.audit_log WHERE resource = $1 ORDER BY seq`,
        [`file:${id}`],
      );
      expect(fsAudit).toEqual(
        expect.arrayContaining([
          { action: 'file.uploaded', actor: 'resident:fs-resident', outcome: 'success' },
          { action: 'file.read', actor: 'resident:fs-resident', outcome: 'success' },
          { action: 'file.granted', actor: 'clerk:fs-clerk', outcome: 'success' },
          { action: 'file.read', actor: `city:${GZ}`, outcome: 'success' },
        ]),
      );
      const gzAudit = await cluster.query<{ action: string; actor: string; outcome: string }>(
        GZ,
        `SELECT action, actor, outcome FROM platform.audit_log WHERE resource = $1 ORDER BY seq`,
        [`file:${id}`],
      );
      expect(gzAudit).toEqual(
        expect.arrayContaining([
          { action: 'file.replicated', actor: `city:${FS}`, outcome: 'success' },
          { action: 'file.read', actor: 'clerk:gz-clerk', outcome: 'success' },
          { action: 'file.read', actor: 'resident:gz-resident', outcome: 'denied' },
        ]),
      );

      // Enqueueing the same claim check again is a no-op; fetching it again returns the local copy.
      await replicate(ref);
      expect((await gz.get(FileInterchange).fetchFromPeer(FS, ref)).replica).toBe(true);
    }, 120_000);

    it('answers the interchange route only to a correctly signed, fresh, granted request (401/403 problems)', async () => {
      expect(granted).toBeDefined();
      const resident = await cluster.token(FS, 'resident');
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2000)]);
      const notGranted = (await upload(FS, resident, png, 'photo.png', 'image/png').then((r) => r.body)) as { id: string };

      // Correct signature, granted file: the bytes.
      const ok = await fetchInterchange(granted.id, interchange(granted.id))
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(ok.status).toBe(200);
      expect(sha256(ok.body as Buffer)).toBe(sha256(granted.bytes));

      // Correct signature, no grant to Guangzhou (or no such file): 403, one answer.
      expectProblem(await fetchInterchange(notGranted.id, interchange(notGranted.id)), 403, 'FILE_NOT_GRANTED');
      const nothing = crypto.randomUUID();
      expectProblem(await fetchInterchange(nothing, interchange(nothing)), 403, 'FILE_NOT_GRANTED');

      // Forged: Guangzhou's key id, another key; replayed; stale; unsigned; a JWT is no substitute.
      expectProblem(
        await fetchInterchange(granted.id, interchange(granted.id, { privateKeyHex: generateSm2KeyPair().privateKey })),
        401,
        'INTERCHANGE_SIGNATURE_INVALID',
      );
      expectProblem(
        await fetchInterchange(granted.id, interchange(granted.id, { keyId: 'gz-unknown-key' })),
        401,
        'INTERCHANGE_SIGNATURE_INVALID',
      );
      const signedForOther = interchange(notGranted.id);
      expectProblem(await fetchInterchange(granted.id, signedForOther), 401, 'INTERCHANGE_SIGNATURE_INVALID'); // signature for another path
      const once = interchange(notGranted.id);
      expectProblem(await fetchInterchange(notGranted.id, once), 403, 'FILE_NOT_GRANTED');
      expectProblem(await fetchInterchange(notGranted.id, once), 401, 'INTERCHANGE_REPLAYED');
      expectProblem(
        await fetchInterchange(granted.id, interchange(granted.id, { date: new Date(Date.now() - 6 * 60_000) })),
        401,
        'INTERCHANGE_STALE_REQUEST',
      );
      expectProblem(await fetchInterchange(granted.id, {}), 401, 'INTERCHANGE_UNSIGNED');
      expectProblem(
        await fetchInterchange(granted.id, { authorization: `Bearer ${await cluster.token(FS, 'clerk')}` }),
        401,
        'INTERCHANGE_UNSIGNED',
      );
      const { [INTERCHANGE_HEADERS.nonce]: _n, ...noNonce } = interchange(granted.id);
      expectProblem(await fetchInterchange(granted.id, noNonce), 401, 'INTERCHANGE_UNSIGNED');

      const denied = await cluster.query(
        FS,
        `SELECT 1 FROM platform.audit_log WHERE action = 'file.read' AND actor = $1 AND outcome = 'denied' AND resource = $2`,
        [`city:${GZ}`, `file:${notGranted.id}`],
      );
      expect(denied.length).toBeGreaterThanOrEqual(1);
      // A replica cannot be re-granted by the city holding the copy.
      await expect(gz.get(DataSource).transaction((em) => gz.get(FileStore).grant(em, granted.id, FS))).rejects.toMatchObject({
        code: 'FILE_NOT_GRANTABLE',
      });
    });

    it('rejects and logs a copy whose sha256 does not match the claim check, storing nothing', async () => {
      const bytes = pdfOf(64 * 1024);
      const up = await upload(FS, await cluster.token(FS, 'clerk'), bytes, 'form.pdf', 'application/octet-stream');
      expect(up.status).toBe(201);
      const ref = await grant(up.body.id as string, GZ);
      const lying: FileRef = { ...ref, sha256: sha256('something else') };
      await expect(gz.get(FileInterchange).fetchFromPeer(FS, lying, { attempts: 1 })).rejects.toMatchObject({
        code: 'FILE_INTEGRITY_MISMATCH',
      });
      await replicate(lying);
      const s = await waitFor('a failed attempt recorded', async () => {
        const st = await gz.get(FileReplicator).status(ref.fileId);
        return st && st.attempts >= 1 ? st : undefined;
      });
      expect(s.status).not.toBe('done');
      expect(s.lastError).toMatch(/sha256/);
      expect(await gz.get(FileStore).find(ref.fileId)).toBeUndefined();
      const audited = await cluster.query<{ outcome: string }>(
        GZ,
        `SELECT outcome FROM platform.audit_log WHERE action = 'file.replication-rejected' AND resource = $1`,
        [`file:${ref.fileId}`],
      );
      expect(audited.length).toBeGreaterThanOrEqual(1);
      expect(audited[0].outcome).toBe('rejected');
    });

    it('answers 413 over 20 MiB and 415 for content that is not PDF/JPEG/PNG/OFD or contradicts its declared type', async () => {
      const resident = await cluster.token(GZ, 'resident');
      const big = await upload(GZ, resident, pdfOf(FILE_MAX_BYTES + 1), 'big.pdf', 'application/pdf');
      expectProblem(big, 413, 'PAYLOAD_TOO_LARGE');
      expectProblem(
        await upload(GZ, resident, Buffer.from('<html><script>alert(1)</script></html>'), 'evil.pdf', 'application/pdf'),
        415,
        'FILE_TYPE_NOT_ALLOWED',
      );
      expectProblem(
        await upload(GZ, resident, Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), 'setup.exe', 'application/octet-stream'),
        415,
        'FILE_TYPE_NOT_ALLOWED',
      );
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(100)]);
      expectProblem(await upload(GZ, resident, png, 'photo.jpg', 'image/jpeg'), 415, 'FILE_TYPE_NOT_ALLOWED');
      expectProblem(
        await api(GZ).post('/api/v1/files').set('authorization', `Bearer ${resident}`).field('note', 'no file'),
        400,
        'FILE_MISSING',
      );
      expectProblem(await api(GZ).post('/api/v1/files').attach('file', png, 'photo.png'), 401, 'UNAUTHENTICATED');
      expectProblem(await upload(GZ, await cluster.token(GZ, 'admin'), png, 'photo.png', 'image/png'), 403, 'FORBIDDEN_ROLE');
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(100)]);
      expect((await upload(GZ, resident, jpeg, 'id.jpg', 'image/jpeg')).body).toMatchObject({ mediaType: 'image/jpeg', sizeBytes: 104 });
      expect((await upload(GZ, resident, png, 'photo.png', 'image/png')).body).toMatchObject({ mediaType: 'image/png' });
    });

    it("leaves both cities' audit chains intact", async () => {
      for (const app of [gz, fs]) expect(await verifyAuditChain(app.get(DataSource))).toMatchObject({ ok: true });
    });
  });
});
