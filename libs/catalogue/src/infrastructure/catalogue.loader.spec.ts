import { describe, it, expect } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { loadCatalogueSet } from './catalogue.loader.js';
import { CatalogueSeedError } from '../catalogue.errors.js';
import { CatalogueModule } from '../catalogue.module.js';
import { copySeedDir, editSeedFile, SEED_DIR, THREE_CITIES_DIR } from '../../test-fixtures/seed-dirs.js';

/** Loads a copy of the three-city fixture after one edit and returns the seed error. */
function errorAfter(file: string, edit: (text: string) => string): CatalogueSeedError {
  const dir = copySeedDir(THREE_CITIES_DIR);
  editSeedFile(dir, file, edit);
  try {
    loadCatalogueSet(dir);
  } catch (e) {
    if (e instanceof CatalogueSeedError) return e;
    throw e;
  }
  throw new Error('expected the seed data to be rejected');
}

const MEDICAL = '2026.1/items/medical-settlement.yaml';
const AFFAIRS = '2026.1/items/affairs.yaml';

describe('loadCatalogueSet — the project seeds', () => {
  const set = loadCatalogueSet(SEED_DIR);

  it('loads the current version and every older version directory', () => {
    expect(set.current.version).toBe('2026.1');
    expect([...set.versions.keys()]).toEqual(['2026.1', '2025.1']);
    expect(set.current.items.length).toBeGreaterThanOrEqual(30);
    expect(set.current.cities).toEqual(['440100', '440600']);
  });

  it('keeps items sorted by code and city codes as strings', () => {
    const codes = set.current.items.map((i) => i.code);
    expect(codes).toEqual([...codes].sort());
    expect(set.current.items.every((i) => i.routes.every((r) => typeof r.from === 'string'))).toBe(true);
  });

  it('hashes the canonical content: stable across loads, blind to YAML layout, sensitive to data', () => {
    expect(loadCatalogueSet(SEED_DIR).current.hash).toBe(set.current.hash);
    expect(set.current.hash).toMatch(/^[0-9a-f]{64}$/);

    const relaidOut = copySeedDir(SEED_DIR);
    editSeedFile(relaidOut, '2026.1/items/other.yaml', (t) => `# a comment changes nothing\n${t.replace(/feeFen: 0/g, 'feeFen:   0')}`);
    expect(loadCatalogueSet(relaidOut).current.hash).toBe(set.current.hash);

    const changed = copySeedDir(SEED_DIR);
    editSeedFile(changed, '2026.1/items/affairs.yaml', (t) =>
      t.replace('timeLimits: { legal: 3, committed: 1 }', 'timeLimits: { legal: 3, committed: 2 }'),
    );
    const other = loadCatalogueSet(changed).current;
    expect(other.hash).not.toBe(set.current.hash);
    const differing = Object.keys(other.itemHashes).filter((code) => other.itemHashes[code] !== set.current.itemHashes[code]);
    expect(differing).toEqual(['XK00101000']);
  });

  it("reads each city's 好差评 remediation period with its source (evaluation.yaml)", () => {
    expect(set.current.remediation.map((r) => [r.city, r.workingDays, r.source.number])).toEqual([
      ['440100', 15, '国办发〔2019〕51号'],
      ['440600', 15, '国办发〔2019〕51号'],
    ]);
    const fixture = loadCatalogueSet(THREE_CITIES_DIR).current;
    expect(fixture.remediation.find((r) => r.city === '441200')?.workingDays).toBe(5);
  });

  it('rejects a version without a remediation rule for one of its cities, or with a period that is not whole working days', () => {
    const missing = errorAfter('2026.1/evaluation.yaml', (t) => t.slice(0, t.indexOf('  - city: "441200"')));
    expect(missing.issues).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'remediation', message: 'no remediation rule for city 441200' })]),
    );
    const fractional = errorAfter('2026.1/evaluation.yaml', (t) => t.replace('workingDays: 5', 'workingDays: 2.5'));
    expect(fractional.issues.some((i) => i.item === '441200' && /workingDays/.test(i.field ?? ''))).toBe(true);
  });

  it('freezes the loaded data', () => {
    expect(Object.isFrozen(set.current.items[0])).toBe(true);
  });
});

describe('seed validation names the file, the item and the field', () => {
  it('rejects an unknown handling mode', () => {
    const e = errorAfter(MEDICAL, (t) =>
      t.replace('modes: [ proxy ], channels: [ window, self-service ]', 'modes: [ proxi ], channels: [ window, self-service ]'),
    );
    expect(e.issues).toEqual([
      expect.objectContaining({
        file: expect.stringMatching(/2026\.1\/items\/medical-settlement\.yaml$/),
        item: 'GG00101001',
        field: 'routes[2].modes[0]',
      }),
    ]);
    expect(e.message).toMatch(/medical-settlement\.yaml: item GG00101001: field routes\[2\]\.modes\[0\]: Invalid option/);
  });

  it('rejects a missing English name', () => {
    const e = errorAfter(AFFAIRS, (t) =>
      t.replace('name: { zh: 居住证签注, en: Residence permit endorsement }', 'name: { zh: 居住证签注 }'),
    );
    expect(e.message).toMatch(/affairs\.yaml: item GG00201000: field name\.en: /);
  });

  it('rejects a misspelt field', () => {
    const e = errorAfter(AFFAIRS, (t) => t.replace('feeFen: 0', 'feeFen: 0\n    fee: 0'));
    expect(e.issues[0]).toMatchObject({ item: 'GG00201000', message: expect.stringContaining('"fee"') });
  });

  it('rejects a fee that is not whole fen', () => {
    const e = errorAfter(AFFAIRS, (t) => t.replace('feeFen: 0', 'feeFen: 1.5'));
    expect(e.issues).toEqual([
      expect.objectContaining({ item: 'GG00201000', field: 'feeFen', message: 'must be an integer number of fen' }),
    ]);
  });

  it('rejects an unknown credential type in a material', () => {
    const e = errorAfter(MEDICAL, (t) =>
      t.replace('replaceableBy: [ ID_CARD, SOCIAL_SECURITY_CARD ]', 'replaceableBy: [ ID_CARD, PASSPORT ]'),
    );
    expect(e.issues).toEqual([
      expect.objectContaining({
        item: 'GG00101001',
        field: 'materials[0].replaceableBy[1]',
        message: expect.stringContaining('unknown credential type PASSPORT'),
      }),
    ]);
  });

  it('rejects a reference to a commitment that does not exist', () => {
    const e = errorAfter(AFFAIRS, (t) => t.replace('implements: [ P8-5-05 ]', 'implements: [ P8-5-99 ]'));
    expect(e.issues).toEqual([
      expect.objectContaining({
        item: 'GG00201000',
        field: 'implements[0]',
        message: expect.stringContaining('unknown plan commitment P8-5-99'),
      }),
    ]);
  });

  it('rejects a city that is not in the catalogue', () => {
    const e = errorAfter('2026.1/catalogue.yaml', (t) =>
      t.replace('cities: ["440100", "440600", "441200"]', 'cities: ["440100", "440600"]'),
    );
    expect(e.message).toMatch(
      /affairs\.yaml: item GG00201000: field implementations\[1\]\.city: city 441200 is not in catalogue\.yaml cities \(440100, 440600\)/,
    );
    expect(e.message).toMatch(/affairs\.yaml: item GG00201000: field routes\[0\]\.from: city 441200 is not in catalogue\.yaml cities/);
  });

  it('rejects an implementation code that does not extend the base code', () => {
    const e = errorAfter(AFFAIRS, (t) => t.replace('code: GG00201000440600001', 'code: GG00201001440600001'));
    expect(e.issues[0]).toMatchObject({ item: 'GG00201000', field: 'implementations[0].code' });
  });

  it('rejects a proxy route whose receiving and administering cities are the same', () => {
    const e = errorAfter(AFFAIRS, (t) =>
      t.replace('receivedBy: 440600, administeredBy: 441200', 'receivedBy: 441200, administeredBy: 441200'),
    );
    expect(e.issues[0]).toMatchObject({ item: 'GG00201000', field: 'routes[0].modes', message: expect.stringContaining('proxy') });
  });

  it('rejects a committed limit above the legal limit', () => {
    const e = errorAfter(MEDICAL, (t) => t.replace('timeLimits: { legal: null, committed: 1 }', 'timeLimits: { legal: 0, committed: 1 }'));
    expect(e.issues[0]).toMatchObject({ item: 'GG00101001', field: 'timeLimits.committed' });
  });

  it('labels an item without a code by its position', () => {
    const e = errorAfter(AFFAIRS, (t) => t.replace('  - code: GG00201000\n', '  - \n'));
    expect(e.issues[0]).toMatchObject({ item: 'items[0]', field: 'code' });
  });

  it('rejects the same item code in two files, naming both', () => {
    const e = errorAfter(AFFAIRS, (t) => t.replace(/GG00201000/g, 'GG00101001'));
    expect(e.message).toMatch(
      /medical-settlement\.yaml: item GG00101001: field code: duplicate item code, already defined in .*affairs\.yaml/,
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const e = errorAfter(AFFAIRS, (t) => t.replace('kind: 公共服务', 'kind: [公共服务'));
    expect(e.issues[0]!.file).toMatch(/affairs\.yaml$/);
    expect(e.issues[0]!.message).toMatch(/YAML error at line \d+, column \d+/);
  });

  it('reports every problem at once, across files', () => {
    const dir = copySeedDir(THREE_CITIES_DIR);
    editSeedFile(dir, AFFAIRS, (t) => t.replace('feeFen: 0', 'feeFen: -1'));
    editSeedFile(dir, MEDICAL, (t) => t.replace('domain: medical-settlement', 'domain: health'));
    expect(() => loadCatalogueSet(dir)).toThrow(
      /2 problems[\s\S]*affairs\.yaml: item GG00201000: field feeFen[\s\S]*medical-settlement\.yaml: item GG00101001: field domain/,
    );
  });

  it('rejects a version directory whose manifest has another label, and a missing current version', () => {
    const dir = copySeedDir(THREE_CITIES_DIR);
    editSeedFile(dir, '2026.1/catalogue.yaml', (t) => t.replace('version: "2026.1"', 'version: "2026.2"'));
    writeFileSync(join(dir, 'index.yaml'), 'current: "2027.1"\n');
    expect(() => loadCatalogueSet(dir)).toThrow(
      /index\.yaml: field current: version directory 2027\.1\/ not found[\s\S]*catalogue\.yaml: field version: is 2026\.2 but the directory is 2026\.1\//,
    );
  });

  it('stops Nest start-up when the seed data is invalid', async () => {
    const dir = copySeedDir(THREE_CITIES_DIR);
    editSeedFile(dir, MEDICAL, (t) => t.replace('form: original', 'form: scan'));
    await expect(Test.createTestingModule({ imports: [CatalogueModule.forRoot({ seedDir: dir })] }).compile()).rejects.toThrow(
      /medical-settlement\.yaml: item GG00101001: field materials\[0\]\.form: Invalid option/,
    );
  });
});
