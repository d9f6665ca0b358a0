import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { loadCatalogueSet } from '@guangfo/catalogue';
import { loadDemoDirectory } from '@guangfo/platform';
import { canonicalBodies, isAuthorised, loadIssuingAuthorities, parseIssuingAuthorities } from './issuing-authorities.js';

const SEED = resolve('seeds/issuing-authorities.yaml');
const catalogueTypes = (): Set<string> => {
  const set = loadCatalogueSet(resolve('seeds/catalogue'));
  return new Set([...set.versions.values()].flatMap((c) => c.credentialTypes.map((t) => t.code)));
};

describe('issuing authorities (seed)', () => {
  it("the shipped seed is valid: USCC check characters, catalogue types, halls bound to their own city's bodies", () => {
    const all = loadIssuingAuthorities(SEED, catalogueTypes());
    expect(Object.keys(all).sort()).toEqual(['440100', '440600']);
    // Every demo hall and every demo partner key acts for a body of its own city.
    const demo = loadDemoDirectory(resolve('seeds/demo/users.yaml'));
    for (const u of demo.users.filter((x) => x.hall)) expect(all[u.city]!.halls[u.hall!]).toBeDefined();
    for (const p of demo.partners.filter((x) => x.issuingBody)) expect(all[p.city]!.bodies.map((b) => b.code)).toContain(p.issuingBody);
    // The 户政 windows issue 户口簿; the lab issues test reports and nothing a police bureau issues.
    const gz = all['440100']!;
    expect(isAuthorised(gz.bodies, gz.halls['GZ-TH-01']!, 'HOUSEHOLD_REGISTER')).toBe(true);
    expect(isAuthorised(gz.bodies, '12440100MB2C000020', 'MEDICAL_TEST_REPORT')).toBe(true);
    expect(isAuthorised(gz.bodies, '12440100MB2C000020', 'HOUSEHOLD_REGISTER')).toBe(false);
  });

  it("refuses a code with a wrong check character, an unknown type, a hall bound to another city's body, a body listed twice", () => {
    const body = { code: '114401000075020016', name: '广州市公安局', credentialTypes: ['RESIDENCE_PERMIT'] };
    expect(() => parseIssuingAuthorities({ cities: { '440100': { bodies: [{ ...body, code: '114401000075020017' }] } } })).toThrow(
      /GB 32100/,
    );
    expect(() => parseIssuingAuthorities({ cities: { '440100': { bodies: [body] } } }, new Set(['ID_CARD']))).toThrow(
      /RESIDENCE_PERMIT is not a catalogue credential type/,
    );
    expect(() =>
      parseIssuingAuthorities({ cities: { '440100': { bodies: [body] }, '440600': { bodies: [], halls: { 'FS-CC-01': body.code } } } }),
    ).toThrow(/FS-CC-01: 114401000075020016 is not a body of 440600/);
    expect(() => parseIssuingAuthorities({ cities: { '440100': { bodies: [body, body] } } })).toThrow(/listed twice/);
  });

  it('compares lists by value (order of bodies and types does not matter)', () => {
    const a = [
      { code: 'B', name: 'b', credentialTypes: ['Y', 'X'] },
      { code: 'A', name: 'a', credentialTypes: ['Z'] },
    ];
    const b = [
      { code: 'A', name: 'a', credentialTypes: ['Z'] },
      { code: 'B', name: 'b', credentialTypes: ['X', 'Y', 'X'] },
    ];
    expect(JSON.stringify(canonicalBodies(a))).toBe(JSON.stringify(canonicalBodies(b)));
  });
});
