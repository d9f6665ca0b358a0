import { describe, expect, it } from '@jest/globals';
import { generateSm2KeyPair } from '@guangfo/gm-crypto';
import { CityRegistry } from './city-registry.js';

const key = (keyId: string, extra: Record<string, unknown> = {}) => ({
  keyId,
  alg: 'SM2-SM3',
  status: 'active',
  publicKey: generateSm2KeyPair().publicKey,
  ...extra,
});
const data = {
  cities: [
    {
      code: '440100',
      nameZh: '广州市',
      nameEn: 'Guangzhou',
      provinceCode: '440000',
      signingKeys: [key('gz-1'), key('gz-demo', { demo: true })],
    },
    {
      code: '440600',
      nameZh: '佛山市',
      nameEn: 'Foshan',
      provinceCode: '440000',
      signingKeys: [key('fs-1'), key('fs-0', { status: 'retired' })],
    },
    { code: '441200', nameZh: '肇庆市', nameEn: 'Zhaoqing', provinceCode: '440000', signingKeys: [key('zq-1')] },
  ],
};

describe('city registry', () => {
  it('takes a third city as data, with derived topic names', () => {
    const r = CityRegistry.fromData(data, false);
    expect(r.all().map((c) => c.code)).toEqual(['440100', '440600', '441200']);
    expect(r.peersOf('440600').map((c) => c.code)).toEqual(['440100', '441200']);
    expect(r.require('441200').topics).toEqual({ inbound: 'guangfo.city.441200.inbound', deadLetter: 'guangfo.city.441200.deadletter' });
    expect(r.sameProvince('440100', '441200')).toBe(true);
  });

  it('drops demo keys outside the sandbox and never verifies with a retired key', () => {
    expect(CityRegistry.fromData(data, false).verificationKey('440100', 'gz-demo')).toBeUndefined();
    expect(CityRegistry.fromData(data, true).verificationKey('440100', 'gz-demo')?.keyId).toBe('gz-demo');
    expect(CityRegistry.fromData(data, true).verificationKey('440600', 'fs-0')).toBeUndefined();
  });

  it('rejects a bad entry with the path of the field', () => {
    const bad = { cities: [{ ...data.cities[0], code: '4401' }] };
    expect(() => CityRegistry.fromData(bad, false, 'cities.yaml')).toThrow(/cities\.yaml: cities\.0\.code/);
    expect(() => CityRegistry.fromData({ cities: [data.cities[0], data.cities[0]] }, false)).toThrow(/duplicate city code 440100/);
  });
});
