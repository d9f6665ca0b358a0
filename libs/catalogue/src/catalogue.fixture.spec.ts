import { describe, it, expect } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { CatalogueModule } from './catalogue.module.js';
import { CatalogueService } from './application/catalogue.service.js';
import { loadCatalogueSet } from './infrastructure/catalogue.loader.js';
import { copySeedDir, SEED_DIR, THREE_CITIES_DIR } from '../test-fixtures/seed-dirs.js';

const ZHAOQING = '441200';

describe('cities and items are data', () => {
  it('serves a third city (Zhaoqing 441200) from a fixture directory with no code change', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [CatalogueModule.forRoot({ seedDir: THREE_CITIES_DIR })] }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();
    try {
      const service = app.get(CatalogueService);
      expect(service.catalogue().cities).toEqual(['440100', '440600', ZHAOQING]);

      const fromZhaoqing = await request(app.getHttpServer()).get('/catalogue/routes').query({ from: ZHAOQING }).expect(200);
      expect(fromZhaoqing.body.routes.map((r: { itemCode: string; receivedBy: string }) => [r.itemCode, r.receivedBy])).toEqual([
        ['GG00101001', '440100'],
        ['GG00101001', '440600'],
        ['GG00201000', '440600'],
      ]);
      const atZhaoqing = await request(app.getHttpServer()).get('/catalogue/items').query({ city: ZHAOQING, mode: 'proxy' }).expect(200);
      expect(atZhaoqing.body.items.map((i: { code: string }) => i.code)).toEqual(['GG00101001', 'GG00201000']);
      expect(service.getItem('GG00201000441200001').implementations.map((i) => i.body)).toEqual(['佛山市公安局', '肇庆市公安局']);
    } finally {
      await app.close();
    }
  });

  it('picks up an item added as a new YAML file under items/', () => {
    const dir = copySeedDir(SEED_DIR);
    writeFileSync(
      join(dir, '2026.1', 'items', 'added.yaml'),
      `items:
  - code: GG00801000
    name: { zh: 港澳居民来往内地通行证信息跨市核验, en: Cross-city check of a Home Return Permit }
    kind: 公共服务
    domain: credentials
    implements: [ P8-5-07 ]
    implementations:
      - { city: 440100, code: GG00801000440100001, body: 广州市公安局 }
      - { city: 440600, code: GG00801000440600001, body: 佛山市公安局 }
    routes:
      - { from: 440100, to: 440600, receivedBy: 440600, administeredBy: 440600, modes: [ online ], channels: [ online ] }
      - { from: 440600, to: 440100, receivedBy: 440100, administeredBy: 440100, modes: [ online ], channels: [ online ] }
    materials: []
    timeLimits: { legal: null, committed: 0 }
    feeFen: 0
    version: 1
    effectiveFrom: 2026-03-01
`,
    );
    const before = loadCatalogueSet(SEED_DIR).current;
    const after = loadCatalogueSet(dir).current;
    expect(after.items).toHaveLength(before.items.length + 1);
    expect(after.items.find((i) => i.code === 'GG00801000')?.routes[0]?.from).toBe('440100');
    expect(after.hash).not.toBe(before.hash);
  });
});
