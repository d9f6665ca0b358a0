import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { waitFor } from '../support/cluster.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

/** A catalogue fixture (with a third city) that differs from seeds/catalogue. */
const THREE_CITIES_DIR = resolve('libs/catalogue/test-fixtures/three-cities');
const GZ = '440100';
const FS = '440600';

/**
 * The catalogue on running city nodes. Foshan deliberately runs another catalogue (a fixture),
 * so Guangzhou must notice from Foshan's announcement that the two cities disagree.
 */
describe('catalogue across running city nodes (embedded sandbox)', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster([GZ, FS], { catalogueDirs: { [FS]: THREE_CITIES_DIR } });
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('answers the catalogue endpoints on both cities', async () => {
    for (const city of [GZ, FS]) {
      const items = await request(cluster.baseUrl(city)).get('/api/v1/catalogue/items').query({ limit: 5 }).expect(200);
      expect(items.body.items.length).toBeGreaterThan(0);
      const code = items.body.items[0].code as string;
      await request(cluster.baseUrl(city)).get(`/api/v1/catalogue/items/${code}`).expect(200);
      await request(cluster.baseUrl(city)).get(`/api/v1/catalogue/items/${code}/materials`).expect(200);
      await request(cluster.baseUrl(city)).get('/api/v1/catalogue/version').expect(200);
    }
    const routes = await request(cluster.baseUrl(GZ))
      .get('/api/v1/catalogue/routes')
      .query({ from: FS, at: FS, administeredBy: GZ })
      .expect(200);
    expect(JSON.stringify(routes.body)).toContain(GZ);
    const search = await request(cluster.baseUrl(GZ)).get('/api/v1/catalogue/items').query({ q: '异地就医' }).expect(200);
    expect(search.body.items.length).toBeGreaterThan(0);
    const missing = await request(cluster.baseUrl(GZ)).get('/api/v1/catalogue/items/NO-SUCH-ITEM');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body.code).toBe('CATALOGUE_ITEM_NOT_FOUND');
  });

  it('serves catalogue GETs with a strong ETag and Cache-Control, 304 on If-None-Match, never caching errors', async () => {
    const base = cluster.baseUrl(GZ);
    const first = await request(base).get('/api/v1/catalogue/items').query({ limit: 3 }).expect(200);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    // The cached answer is the same bytes and the same ETag; the explicit current version resolves to the same entry.
    const version = (first.body as { version: string }).version;
    const again = await request(base).get('/api/v1/catalogue/items').query({ limit: 3, version }).expect(200);
    expect(again.headers.etag).toBe(etag);
    expect(again.text).toBe(first.text);
    const other = await request(base).get('/api/v1/catalogue/items').query({ limit: 4 }).expect(200);
    expect(other.headers.etag).not.toBe(etag);
    const notModified = await request(base).get('/api/v1/catalogue/items').query({ limit: 3 }).set('If-None-Match', etag).expect(304);
    expect(notModified.text ?? '').toBe('');
    expect(notModified.headers.etag).toBe(etag);
    await request(base).get('/api/v1/catalogue/items').query({ limit: 3 }).set('If-None-Match', '"stale"').expect(200);
    for (const path of [
      '/api/v1/catalogue/version',
      '/api/v1/catalogue/commitments',
      '/api/v1/catalogue/credential-types',
      '/api/v1/catalogue/routes',
    ]) {
      const r = await request(base).get(path).expect(200);
      expect(r.headers.etag).toMatch(/^"/);
      await request(base)
        .get(path)
        .set('If-None-Match', r.headers.etag as string)
        .expect(304);
    }
    // Errors stay problem+json (as before: no Cache-Control), computed every time, never cached.
    for (let i = 0; i < 2; i++) {
      const bad = await request(base).get('/api/v1/catalogue/items').query({ limit: 0 }).expect(400);
      expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(bad.headers['cache-control']).toBeUndefined();
      expect(bad.body.code).toMatch(/^[A-Z][A-Z_]+$/);
      const unknown = await request(base).get('/api/v1/catalogue/items').query({ version: '1999.1' }).expect(404);
      expect(unknown.body.code).toBe('CATALOGUE_VERSION_NOT_FOUND');
      expect(unknown.headers['cache-control']).toBeUndefined();
    }
    // Each city caches its own catalogue: Foshan runs another one, so another body and ETag.
    const fsPage = await request(cluster.baseUrl(FS)).get('/api/v1/catalogue/items').query({ limit: 3 }).expect(200);
    expect(fsPage.headers.etag).not.toBe(etag);
  });

  it('documents the catalogue endpoints in Swagger with examples', async () => {
    const doc = (await request(cluster.baseUrl(GZ)).get('/docs-json').expect(200)).body as { paths: Record<string, unknown> };
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/catalogue/items',
        '/api/v1/catalogue/items/{code}',
        '/api/v1/catalogue/routes',
        '/api/v1/catalogue/items/{code}/deadline',
      ]),
    );
    expect(JSON.stringify(doc)).toMatch(/"example"/);
  });

  it('tells from the announcements that the two cities run different catalogues', async () => {
    const gzVersion = (await request(cluster.baseUrl(GZ)).get('/api/v1/catalogue/version').expect(200)).body as { hash: string };
    const fsVersion = (await request(cluster.baseUrl(FS)).get('/api/v1/catalogue/version').expect(200)).body as { hash: string };
    expect(gzVersion.hash).not.toBe(fsVersion.hash);
    const seen = await waitFor("Guangzhou to record Foshan's announcement", async () => {
      const r = await request(cluster.baseUrl(GZ)).get('/api/v1/cities').expect(200);
      const fs = (
        r.body as { cities: { code: string; catalogueAgrees: boolean | null; lastAnnouncement: { catalogue: { hash: string } } | null }[] }
      ).cities.find((c) => c.code === FS);
      return fs?.lastAnnouncement ? fs : undefined;
    });
    expect(seen.lastAnnouncement?.catalogue.hash).toBe(fsVersion.hash);
    expect(seen.catalogueAgrees).toBe(false);
  });
});
