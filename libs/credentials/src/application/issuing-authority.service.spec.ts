import { describe, expect, it } from '@jest/globals';
import type { CatalogueService } from '@guangfo/catalogue';
import type { NodeConfig, Principal } from '@guangfo/platform';
import { IssuingAuthorityService } from './issuing-authority.service.js';

const catalogue = {
  versions: () => [{ version: '2026.1' }],
  credentialTypes: () => [{ code: 'HOUSEHOLD_REGISTER' }, { code: 'MEDICAL_TEST_REPORT' }],
} as unknown as CatalogueService;
const service = (city: string) =>
  new IssuingAuthorityService(
    { cityCode: city } as NodeConfig,
    { issuingAuthoritiesFile: 'seeds/issuing-authorities.yaml' } as never,
    catalogue,
  );
const user = (role: 'resident' | 'clerk' | 'supervisor' | 'admin', city: string, hall?: string): Principal => ({
  kind: 'user',
  sub: `${role}-1`,
  role,
  city,
  ...(hall ? { hall } : {}),
});
const partner = (city: string, issuingBody?: string): Principal => ({
  kind: 'partner',
  id: 'p',
  name: 'p',
  city,
  scopes: ['credentials:issue'],
  ...(issuingBody ? { issuingBody } : {}),
});

describe('IssuingAuthorityService: the body a caller issues for', () => {
  const gz = service('440100');

  it('a clerk or supervisor acts for the body of their hall; admins, residents and hall-less staff for none', () => {
    expect(gz.bodyFor(user('clerk', '440100', 'GZ-TH-01'))).toMatchObject({ code: '114401000075020016', name: '广州市公安局' });
    expect(gz.bodyFor(user('supervisor', '440100', 'GZ-TH-01'))?.code).toBe('114401000075020016');
    expect(gz.bodyFor(user('clerk', '440100', 'GZ-NOWHERE'))).toBeUndefined();
    expect(gz.bodyFor(user('clerk', '440100'))).toBeUndefined();
    expect(gz.bodyFor(user('admin', '440100'))).toBeUndefined();
    expect(gz.bodyFor(user('resident', '440100'))).toBeUndefined();
  });

  it("a partner acts for the body its key is bound to, if that body is on this city's list", () => {
    expect(gz.bodyFor(partner('440100', '12440100MB2C000020'))).toMatchObject({
      name: '广州示范检验中心',
      credentialTypes: ['MEDICAL_TEST_REPORT'],
    });
    expect(gz.bodyFor(partner('440100'))).toBeUndefined();
    // Bound to a Foshan body, or calling from another city: nothing here.
    expect(gz.bodyFor(partner('440100', '114406000075020023'))).toBeUndefined();
    expect(gz.bodyFor(partner('440600', '12440100MB2C000020'))).toBeUndefined();
  });

  it("publishes only its own city's bodies", () => {
    expect(gz.bodies().every((b) => b.code.slice(2, 8) === '440100')).toBe(true);
    expect(
      service('440600')
        .bodies()
        .map((b) => b.name),
    ).toContain('佛山市公安局');
    expect(service('441200').bodies()).toEqual([]);
  });
});
