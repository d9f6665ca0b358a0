import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import request from 'supertest';
import { ProblemFilter, Public } from '@guangfo/platform';
import { CatalogueController } from './catalogue.controller.js';
import { CatalogueModule } from '../catalogue.module.js';
import { SEED_DIR } from '../../test-fixtures/seed-dirs.js';

const GZ = '440100';
const FS = '440600';

describe('CatalogueController (HTTP)', () => {
  let app: INestApplication;
  let http: ReturnType<INestApplication['getHttpServer']>;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CatalogueModule.forRoot({ seedDir: SEED_DIR })] }).compile();
    app = moduleRef.createNestApplication();
    app.setGlobalPrefix('api/v1');
    app.useGlobalFilters(new ProblemFilter());
    await app.init();
    http = app.getHttpServer();
  });
  afterAll(async () => {
    await app.close();
  });

  const get = (path: string) => request(http).get(`/api/v1/catalogue${path}`);

  describe('GET /catalogue/items', () => {
    it('pages through every item with an opaque cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await get('/items')
          .query({ limit: 10, ...(cursor ? { cursor } : {}) })
          .expect(200);
        expect(res.body.version).toBe('2026.1');
        expect(res.body.items.length).toBeLessThanOrEqual(10);
        seen.push(...res.body.items.map((i: { code: string }) => i.code));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(4);
      expect(seen).toHaveLength(40);
      expect(new Set(seen).size).toBe(40);
      expect(seen).toEqual([...seen].sort());
    });

    it('filters by free text in Chinese', async () => {
      const res = await get('/items').query({ q: '就医备案' }).expect(200);
      expect(res.body.items.map((i: { code: string }) => i.code)).toEqual(['GG00101001', 'GG00101002']);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.items[0].plan[0]).toEqual({
        commitment: 'P8-2-01',
        location: '第八章 第二节',
        sectionTitle: '强化医疗卫生合作',
        topic: '深化医疗服务政策对接',
        quote: '扩大广佛间异地就医直接结算联网定点医疗机构数量',
      });
    });

    it('filters by city, domain, mode, kind and channel', async () => {
      const res = await get('/items')
        .query({ city: FS, domain: 'social-insurance', mode: 'proxy', kind: '行政给付', channel: 'window' })
        .expect(200);
      expect(res.body.items.map((i: { code: string }) => i.code)).toEqual(['GF01001000', 'GF01002000']);
    });

    it('answers for an older catalogue version', async () => {
      const res = await get('/items').query({ version: '2025.1', limit: 100 }).expect(200);
      expect(res.body.version).toBe('2025.1');
      expect(res.body.items).toHaveLength(25);
    });

    it.each([
      [{ mode: 'teleport' }, 'CATALOGUE_INVALID_QUERY', /mode must be one of/],
      [{ city: '4401' }, 'CATALOGUE_INVALID_QUERY', /city must be a 6-digit/],
      [{ limit: 0 }, 'CATALOGUE_INVALID_QUERY', /limit/],
      [{ limit: 'ten' }, 'CATALOGUE_INVALID_QUERY', /limit/],
      [{ colour: 'red' }, 'CATALOGUE_INVALID_QUERY', /colour should not exist/],
      [{ cursor: 'not-a-cursor' }, 'CATALOGUE_INVALID_CURSOR', /cursor/],
    ])('rejects %j with 400 %s', async (query, code, message) => {
      const res = await get('/items').query(query).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 400, code });
      if (code === 'CATALOGUE_INVALID_QUERY')
        expect(res.body.errors).toEqual(
          expect.arrayContaining([expect.objectContaining({ field: expect.any(String), rule: expect.any(String) })]),
        );
      expect(res.body.detail).toMatch(message);
    });

    it('rejects a cursor from another version', async () => {
      const first = await get('/items').query({ version: '2025.1', limit: 2 }).expect(200);
      const res = await get('/items').query({ cursor: first.body.nextCursor }).expect(400);
      expect(res.body.detail).toMatch(/cursor belongs to catalogue version 2025\.1/);
    });

    it('answers 404 for an unknown version', async () => {
      const res = await get('/items').query({ version: '2019.1' }).expect(404);
      expect(res.body.code).toBe('CATALOGUE_VERSION_NOT_FOUND');
    });
  });

  describe('GET /catalogue/items/:code and /materials', () => {
    it('returns one item by base or implementation code', async () => {
      const res = await get('/items/XK00101000').expect(200);
      expect(res.body).toMatchObject({
        code: 'XK00101000',
        kind: '行政许可',
        domain: 'affairs',
        timeLimits: { legal: 3, committed: 1 },
        feeFen: 0,
        version: 2,
      });
      const byImpl = await get('/items/XK00101000440600001').expect(200);
      expect(byImpl.body.code).toBe('XK00101000');
      const old = await get('/items/XK00101000').query({ version: '2025.1' }).expect(200);
      expect(old.body.timeLimits.committed).toBe(3);
    });

    it('answers 404 with a code for an unknown item', async () => {
      const res = await get('/items/GG99999000').expect(404);
      expect(res.body).toMatchObject({
        status: 404,
        code: 'CATALOGUE_ITEM_NOT_FOUND',
        detail: 'No item GG99999000 in catalogue version 2026.1',
      });
    });

    it('lists materials with the credential types that may replace them', async () => {
      const res = await get('/items/QR00101000/materials').expect(200);
      expect(res.body.itemCode).toBe('QR00101000');
      expect(res.body.materials.find((m: { id: string }) => m.id === 'years')).toEqual({
        id: 'years',
        name: { zh: '积分入户年限证明', en: 'Certificate of years counted towards points-based hukou' },
        required: true,
        form: 'original',
        replaceableBy: [
          {
            code: 'SETTLEMENT_POINTS_YEARS_CERT',
            name: { zh: '积分入户年限证明', en: 'Points-based hukou years certificate' },
            issuer: '积分入户主管部门',
          },
        ],
      });
    });
  });

  describe('GET /catalogue/routes', () => {
    it('tells a Foshan resident what they can file in Foshan for Guangzhou to decide', async () => {
      const res = await get('/routes').query({ from: FS, at: FS, administeredBy: GZ }).expect(200);
      expect(res.body.routes.length).toBeGreaterThan(5);
      const hukou = res.body.routes.find((r: { itemCode: string }) => r.itemCode === 'XK00201000');
      expect(hukou).toEqual({
        itemCode: 'XK00201000',
        itemName: {
          zh: '以经常居住地登记户口（跨市户口迁移）',
          en: 'Household registration at the habitual residence (moving hukou between the cities)',
        },
        kind: '行政许可',
        domain: 'affairs',
        from: FS,
        to: GZ,
        receivedBy: FS,
        administeredBy: GZ,
        modes: ['proxy'],
        channels: ['window'],
        receivingImplementation: 'XK00201000440600001',
        administeringImplementation: 'XK00201000440100001',
      });
    });

    it('narrows by mode and channel', async () => {
      const res = await get('/routes').query({ from: GZ, at: FS, mode: 'proxy', channel: 'self-service' }).expect(200);
      expect(res.body.routes.map((r: { itemCode: string }) => r.itemCode)).toEqual([
        'GG00101001',
        'GG00201000',
        'GG01003000',
        'GG01004000',
      ]);
    });
  });

  describe('POST /catalogue/items/:code/deadline', () => {
    const post = (code: string, body: object) => request(http).post(`/api/v1/catalogue/items/${code}/deadline`).send(body);

    it('counts working days across the 2025 National Day make-up Sunday', async () => {
      const res = await post('XK00101000', { start: '2025-09-26', basis: 'legal' }).expect(200);
      expect(res.body).toEqual({
        version: '2026.1',
        itemCode: 'XK00101000',
        basis: 'legal',
        workingDays: 3,
        start: '2025-09-26',
        deadline: '2025-09-30',
        pausedWorkingDays: 0,
        timeZone: 'Asia/Shanghai',
        provisional: false,
        provisionalYears: [],
      });
    });

    it('stops the clock during pauses and defaults to the committed limit', async () => {
      const res = await post('XK00102000', {
        start: '2026-02-13T10:00:00+08:00',
        pauses: [{ from: '2026-02-24', to: '2026-02-25' }],
      }).expect(200);
      // committed 5: 2/14 (make-up Sat), [2/24, 2/25 paused], 2/26, 2/27, 2/28 (make-up Sat), 3/2
      expect(res.body).toMatchObject({
        basis: 'committed',
        workingDays: 5,
        start: '2026-02-13',
        deadline: '2026-03-02',
        pausedWorkingDays: 2,
      });
    });

    it.each([
      ['GG00101001', { start: '2025-09-26', basis: 'legal' }, 'CATALOGUE_NO_LEGAL_LIMIT'],
      ['GG01002000', { start: '2099-12-20', basis: 'legal' }, 'CATALOGUE_CALENDAR_NOT_COVERED'],
      ['XK00101000', { start: 'tomorrow' }, 'CATALOGUE_INVALID_QUERY'],
      ['XK00101000', { start: '2025-09-26', basis: 'soon' }, 'CATALOGUE_INVALID_QUERY'],
      ['XK00101000', { start: '2025-09-26', pauses: [{ from: '2025-10-02' }] }, 'CATALOGUE_INVALID_QUERY'],
      ['XK00101000', { start: '2025-09-26', pauses: [{ from: '2025-10-02', to: '2025-10-01' }] }, 'CATALOGUE_INVALID_QUERY'],
    ])('%s %j → 400 %s', async (code, body, errorCode) => {
      const res = await post(code, body).expect(errorCode === 'CATALOGUE_CALENDAR_NOT_COVERED' ? 422 : 400);
      expect(res.body.code).toBe(errorCode);
    });

    it('counts a year without a notice provisionally and says so', async () => {
      const res = await post('GG01002000', { start: '2026-12-21', basis: 'legal' }).expect(200);
      expect(res.body).toMatchObject({ start: '2026-12-21', provisional: true, provisionalYears: [2027] });
      expect(res.body.deadline > '2027-01-01').toBe(true);
      const within = await post('XK00101000', { start: '2025-09-26' }).expect(200);
      expect(within.body).toMatchObject({ provisional: false, provisionalYears: [] });
    });

    it('says which year is beyond the calendar (past the lunar data)', async () => {
      const res = await post('GG01002000', { start: '2099-12-20', basis: 'legal' }).expect(422);
      expect(res.body.detail).toMatch(/No official holiday arrangement for 2100/);
    });
  });

  describe('GET /calendar', () => {
    it('lists the official years with their notices and the calendar identity', async () => {
      const res = await request(http).get('/api/v1/calendar').expect(200);
      expect(res.body).toMatchObject({ identity: { version: '2025+2026' }, provisional: 'statutory-holidays' });
      expect(res.body.identity.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(res.body.official).toEqual([
        {
          year: 2025,
          notice: { title: '国务院办公厅关于2025年部分节假日安排的通知', number: '国办发明电〔2024〕12号', date: '2024-11-12' },
          holidays: 28,
          workdays: 5,
        },
        { year: 2026, notice: { title: '国务院办公厅关于2026年部分节假日安排的通知', date: '2025-11-04' }, holidays: 33, workdays: 6 },
      ]);
    });
  });

  describe('versions, credential types, commitments', () => {
    it('reports the current version and hash, and older versions on request', async () => {
      const current = await get('/version').expect(200);
      expect(current.body).toEqual({ version: '2026.1', hash: expect.stringMatching(/^[0-9a-f]{64}$/), effectiveFrom: '2026-01-01' });
      const old = await get('/version').query({ version: '2025.1' }).expect(200);
      expect(old.body.hash).not.toBe(current.body.hash);
      const all = await get('/versions').expect(200);
      expect(all.body.map((v: { version: string }) => v.version)).toEqual(['2026.1', '2025.1']);
    });

    it('lists credential types and commitments with their items', async () => {
      const types = await get('/credential-types').expect(200);
      expect(types.body).toEqual(
        expect.arrayContaining([{ code: 'RESIDENCE_PERMIT', name: { zh: '居住证', en: 'Residence permit' }, issuer: '公安机关' }]),
      );
      const commitments = await get('/commitments').expect(200);
      expect(commitments.body.find((c: { id: string }) => c.id === 'P4-1-01')).toMatchObject({
        location: '第四章 第一节',
        quote: '实现公交乘车码互认互通',
        items: ['GG00701000'],
      });
    });
  });

  describe('contract', () => {
    it('marks every endpoint public', () => {
      @Public()
      class Probe {}
      const [key] = Reflect.getMetadataKeys(Probe) as string[];
      const handlers = Object.getOwnPropertyNames(CatalogueController.prototype).filter((n) => n !== 'constructor');
      expect(handlers.length).toBe(9);
      for (const name of handlers) {
        const handler = (CatalogueController.prototype as unknown as Record<string, object>)[name]!;
        expect([name, Reflect.getMetadata(key, handler)]).toEqual([name, true]);
      }
    });

    it('documents the endpoints in OpenAPI with examples', () => {
      const doc: OpenAPIObject = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('t').build());
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/api/v1/calendar',
        '/api/v1/catalogue/commitments',
        '/api/v1/catalogue/credential-types',
        '/api/v1/catalogue/items',
        '/api/v1/catalogue/items/{code}',
        '/api/v1/catalogue/items/{code}/deadline',
        '/api/v1/catalogue/items/{code}/materials',
        '/api/v1/catalogue/routes',
        '/api/v1/catalogue/version',
        '/api/v1/catalogue/versions',
      ]);
      const list = doc.paths['/api/v1/catalogue/items']!.get!;
      expect(list.parameters!.map((p) => ('name' in p ? p.name : '')).sort()).toEqual([
        'channel',
        'city',
        'cursor',
        'domain',
        'kind',
        'limit',
        'mode',
        'q',
        'version',
      ]);
      expect(list.responses['200']).toBeDefined();
      expect(list.responses['400']).toBeDefined();
      const schemas = doc.components!.schemas!;
      expect(schemas['ItemDto']).toBeDefined();
      expect(JSON.stringify(schemas['DeadlineRequestDto'])).toContain('2025-09-26');
      expect(JSON.stringify(schemas['RouteViewDto'])).toContain('GG01003000440600001');
    });
  });
});
