import { describe, expect, it } from '@jest/globals';
import { CityRegistry } from '@guangfo/platform';
import { KafkaTransport, transportMessageOf } from './kafka.transport.js';

const registry = CityRegistry.fromData(
  {
    cities: [
      {
        code: '440100',
        nameZh: '广州市',
        nameEn: 'Guangzhou',
        provinceCode: '440000',
        signingKeys: [{ keyId: 'gz-1', alg: 'SM2-SM3', status: 'active', publicKey: '04' + '1'.repeat(128) }],
      },
      {
        code: '440600',
        nameZh: '佛山市',
        nameEn: 'Foshan',
        provinceCode: '440000',
        signingKeys: [{ keyId: 'fs-1', alg: 'SM2-SM3', status: 'active', publicKey: '04' + '2'.repeat(128) }],
      },
    ],
  },
  false,
);

describe('KafkaTransport', () => {
  it('reads a record as the receiver sees it: null key and missing value as "", header bytes as UTF-8', () => {
    const m = transportMessageOf({
      key: null,
      value: null,
      headers: { ce_id: Buffer.from('id-1'), x: undefined },
      timestamp: '0',
      attributes: 0,
      offset: '0',
      size: 0,
    } as never);
    expect(m).toEqual({ key: '', headers: { ce_id: 'id-1', x: '' }, value: '' });
    expect(
      transportMessageOf({
        key: Buffer.from('k'),
        value: Buffer.from([0]),
        headers: {},
        timestamp: '0',
        attributes: 0,
        offset: '0',
        size: 0,
      } as never).value,
    ).toBe('\u0000');
  });

  it('is not ready before it has started, with the reason', async () => {
    const t = new KafkaTransport({ cityCode: '440100', brokers: ['127.0.0.1:1'], clientId: 'probe-test', registry });
    expect(t.isReady()).toBe(false);
    expect(await t.probe()).toMatch(/producer not connected/);
  });
});
