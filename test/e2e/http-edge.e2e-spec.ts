import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditChainer, verifyAuditChain } from '@guangfo/platform';
import { Sandbox } from '../../apps/sandbox/src/sandbox.js';
import { waitFor } from '../support/cluster.js';
import { freePort } from '../../apps/sandbox/src/embedded-database.js';

const GZ = '440100';
const FS = '440600';

describe('HTTP edge of a city node (embedded sandbox)', () => {
  let dir: string;
  let sandbox: Sandbox;
  const ports: Record<string, number> = {};
  const url = (city: string) => `http://127.0.0.1:${ports[city]}`;
  const token = async (city: string, username: string) =>
    ((await request(url(city)).post('/api/v1/auth/token').send({ username }).expect(200)).body as { accessToken: string }).accessToken;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guangfo-edge-'));
    ports[GZ] = await freePort();
    ports[FS] = await freePort();
    // Low limits on this sandbox, so the last tests can meet them (other suites run with the sandbox's raised ones).
    sandbox = new Sandbox({
      dataDir: dir,
      ports,
      logLevel: 'silent',
      rateLimit: { windowSeconds: 60, perIp: 400, perPrincipal: 120, tokenPerIp: 25 },
    });
    await sandbox.start();
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const expectProblem = (r: request.Response, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body).toMatchObject({
      status,
      code,
      type: expect.stringContaining('/problems/'),
      titleZh: expect.any(String),
      titleEn: expect.any(String),
    });
  };

  it('is healthy on both cities, with database and transport checked', async () => {
    for (const city of [GZ, FS]) {
      await request(url(city)).get('/health/live').expect(200);
      const r = await request(url(city)).get('/health/ready').expect(200);
      expect(r.body.info).toMatchObject({ database: { status: 'up' }, transport: { status: 'up', kind: 'embedded' } });
    }
  });

  it('serves Swagger UI at /docs and the OpenAPI JSON beside it', async () => {
    const html = await request(url(GZ)).get('/docs/').expect(200);
    expect(html.text).toContain('swagger-ui');
    const doc = await request(url(FS)).get('/docs-json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/cities', '/api/v1/admin/dead-letters', '/api/v1/auth/token']),
    );
  });

  it('answers 401 problem+json without credentials', async () => {
    expectProblem(await request(url(GZ)).get('/api/v1/admin/dead-letters'), 401, 'UNAUTHENTICATED');
    expectProblem(
      await request(url(GZ)).get('/api/v1/admin/dead-letters').set('authorization', 'Bearer not-a-jwt'),
      401,
      'UNAUTHENTICATED',
    );
    expectProblem(await request(url(GZ)).get('/api/v1/admin/dead-letters').set('x-api-key', 'no-such-key-000000'), 401, 'UNAUTHENTICATED');
  });

  it('answers 403 for the wrong role, the wrong city and a partner without scope', async () => {
    const resident = await token(GZ, 'gz-resident');
    expectProblem(
      await request(url(GZ)).get('/api/v1/admin/dead-letters').set('authorization', `Bearer ${resident}`),
      403,
      'FORBIDDEN_ROLE',
    );
    const foshanAdmin = await token(FS, 'fs-admin');
    expectProblem(
      await request(url(GZ)).get('/api/v1/admin/dead-letters').set('authorization', `Bearer ${foshanAdmin}`),
      403,
      'FORBIDDEN_CITY',
    );
    expectProblem(
      await request(url(GZ)).get('/api/v1/admin/dead-letters').set('x-api-key', 'DEMO-gz-hospital-key-0001'),
      403,
      'FORBIDDEN_SCOPE',
    );
    const gzAdmin = await token(GZ, 'gz-admin');
    await request(url(GZ)).get('/api/v1/admin/dead-letters').set('authorization', `Bearer ${gzAdmin}`).expect(200);
    // Both credentials: the bearer token is tried first, so a valid one decides whatever key comes beside it.
    await request(url(GZ))
      .get('/api/v1/admin/dead-letters')
      .set('authorization', `Bearer ${gzAdmin}`)
      .set('x-api-key', 'DEMO-gz-hospital-key-0001')
      .expect(200);
    expectProblem(
      await request(url(GZ))
        .get('/api/v1/admin/dead-letters')
        .set('authorization', `Bearer ${resident}`)
        .set('x-api-key', 'DEMO-gz-hospital-key-0001'),
      403,
      'FORBIDDEN_ROLE',
    );
  });

  it('believes a verified bearer token again only until it expires, and never a changed or foreign-signed one', async () => {
    const jwt = new JwtService();
    const sign = (privateKey: string, expiresIn: number) =>
      jwt.signAsync(
        { sub: 'gz-admin-short', role: 'admin', city: GZ },
        { algorithm: 'ES256', privateKey, issuer: sandbox.demo.issuer, audience: 'guangfo-api', expiresIn },
      );
    const short = await sign(sandbox.demo.privateKeyPem, 2);
    const call = (t: string) => request(url(GZ)).get('/api/v1/admin/dead-letters').set('authorization', `Bearer ${t}`);
    // Verified in full, then believed again from memory.
    await call(short).expect(200);
    await call(short).expect(200);
    // One character of the signature changed: another token, verified in full, refused.
    const last = short.at(-2) === 'A' ? 'B' : 'A';
    expectProblem(await call(`${short.slice(0, -2)}${last}${short.at(-1)}`), 401, 'UNAUTHENTICATED');
    // The same claims signed by a key that is not the identity provider's.
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expectProblem(await call(await sign(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 600)), 401, 'UNAUTHENTICATED');
    // Remembering never lengthens a token's life: once its exp has passed it is refused like any expired token.
    await new Promise((r) => setTimeout(r, 2_100));
    expectProblem(await call(short), 401, 'UNAUTHENTICATED');
  });

  it('answers problem+json with field errors on an invalid body, and on malformed JSON', async () => {
    const r = await request(url(GZ)).post('/api/v1/auth/token').send({ username: 42, extra: true });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'username', rule: 'isString' }),
        expect.objectContaining({ field: 'extra' }),
      ]),
    );
    const bad = await request(url(GZ)).post('/api/v1/auth/token').set('content-type', 'application/json').send('{"username": ');
    expectProblem(bad, 400, 'MALFORMED_JSON');
    expectProblem(
      await request(url(GZ))
        .get('/api/v1/admin/dead-letters?limit=9999')
        .set('authorization', `Bearer ${await token(GZ, 'gz-admin')}`),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('answers problem+json 404 on an unknown route', async () => {
    const r = await request(url(FS)).get('/api/v1/no-such-thing');
    expectProblem(r, 404, 'ROUTE_NOT_FOUND');
    expect(r.body.instance).toBe('/api/v1/no-such-thing');
  });

  it('carries the caller correlation id back, and exposes Prometheus metrics', async () => {
    const r = await request(url(GZ)).get('/api/v1/cities').set('x-correlation-id', 'edge-test-42').expect(200);
    expect(r.headers['x-correlation-id']).toBe('edge-test-42');
    const m = await request(url(GZ)).get('/metrics').expect(200);
    expect(m.text).toContain('guangfo_http_requests_total');
    expect(m.text).toContain('city="440100"');
  });

  it('exposes the outbox backlog: unsent rows and the age of the oldest, read at scrape time', async () => {
    const m = await request(url(GZ)).get('/metrics').expect(200);
    const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} ([0-9.e+-]+)$`, 'm').exec(m.text)?.[1]);
    expect(value('guangfo_outbox_pending')).toBeGreaterThanOrEqual(0);
    expect(value('guangfo_outbox_oldest_unsent_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('shows both cities agreeing on the catalogue once each has heard the other announce', async () => {
    for (const [at, peer] of [
      [GZ, FS],
      [FS, GZ],
    ]) {
      await waitFor(`${at} to hear ${peer}`, async () => {
        const r = await request(url(at)).get('/api/v1/cities').expect(200);
        const c = (r.body as { cities: { code: string; catalogueAgrees: boolean | null }[] }).cities.find((x) => x.code === peer);
        return c?.catalogueAgrees === true;
      });
    }
  });

  it('refuses an unknown demo user with a problem', async () => {
    expectProblem(await request(url(GZ)).post('/api/v1/auth/token').send({ username: 'nobody' }), 404, 'UNKNOWN_DEMO_USER');
  });

  it('keeps an append-only hash-chained audit log whose verifier finds the first broken link', async () => {
    const admin = await token(GZ, 'gz-admin');
    await request(url(GZ)).post('/api/v1/admin/announce').set('authorization', `Bearer ${admin}`).expect(202);
    const ds = sandbox.node(GZ).get(DataSource);
    // Records are linked into the chain in the background; link what is committed now.
    await sandbox.node(GZ).get(AuditChainer).pass();
    const before = await verifyAuditChain(ds);
    expect(before.ok).toBe(true);
    expect(before.count).toBeGreaterThan(1);
    await expect(ds.query(`UPDATE platform.audit_log SET actor = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM platform.audit_log WHERE seq = 1`)).rejects.toThrow(/append-only/);
    // A superuser who bypasses the trigger is still caught by the chain.
    await ds.query(`ALTER TABLE platform.audit_log DISABLE TRIGGER audit_log_no_update`);
    await ds.query(`UPDATE platform.audit_log SET actor = 'tampered' WHERE seq = 2`);
    await ds.query(`ALTER TABLE platform.audit_log ENABLE TRIGGER audit_log_no_update`);
    const after = await verifyAuditChain(ds);
    expect(after).toMatchObject({ ok: false, brokenAtSeq: 2 });
  });

  // Last: these use up the limits of this sandbox.
  const hammer = async (send: () => request.Test, max: number): Promise<{ response: request.Response; sent: number }> => {
    for (let sent = 1; sent <= max; sent++) {
      const response = await send();
      if (response.status === 429) return { response, sent };
    }
    throw new Error(`no 429 after ${max} requests`);
  };
  const expect429 = (r: request.Response) => {
    expectProblem(r, 429, 'TOO_MANY_REQUESTS');
    const retryAfter = Number(r.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(r.body.retryAfterSeconds).toBe(retryAfter);
  };

  it('limits POST /auth/token per IP: 429 problem+json with Retry-After, even for unknown users', async () => {
    const { response, sent } = await hammer(() => request(url(FS)).post('/api/v1/auth/token').send({ username: 'nobody-at-all' }), 40);
    expect429(response);
    expect(sent).toBeLessThanOrEqual(26);
    // Other routes are still open to this IP; the other city keeps its own window.
    await request(url(FS)).get('/api/v1/cities').expect(200);
    await request(url(GZ)).post('/api/v1/auth/token').send({ username: 'gz-clerk' }).expect(200);
  });

  it('limits one principal across routes, whoever else calls', async () => {
    const key = 'DEMO-gz-hospital-key-0001';
    const { response, sent } = await hammer(() => request(url(GZ)).get('/api/v1/webhooks/subscriptions').set('x-api-key', key), 200);
    expect429(response);
    expect(sent).toBeLessThanOrEqual(121);
    // Another route, same principal: still limited. Another principal: not.
    expect429(await request(url(GZ)).get('/api/v1/cases').set('x-api-key', key));
    await request(url(GZ))
      .get('/api/v1/admin/dead-letters')
      .set('authorization', `Bearer ${await token(GZ, 'gz-admin')}`)
      .expect(200);
  });

  it('limits every request of one IP, authenticated or not, but never the health probes', async () => {
    const { response } = await hammer(() => request(url(GZ)).get('/api/v1/cities'), 450);
    expect429(response);
    expect429(await request(url(GZ)).get('/api/v1/admin/dead-letters').set('x-api-key', 'no-such-key-000000'));
    await request(url(GZ)).get('/health/ready').expect(200);
    await request(url(GZ)).get('/health/live').expect(200);
  });
});
