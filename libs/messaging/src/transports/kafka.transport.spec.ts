import { describe, expect, it } from '@jest/globals';
import { CityRegistry } from '@guangfo/platform';
import { KafkaTransport, PartitionHold, transportMessageOf } from './kafka.transport.js';

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
  it('hands a record on exactly as it arrived: bytes stay bytes, a null key or value stays null', () => {
    const headers = { ce_id: Buffer.from([0x69, 0x00, 0xff]), twice: [Buffer.from('a'), Buffer.from('b')], gone: undefined };
    const m = transportMessageOf({ key: null, value: null, headers, timestamp: '0', attributes: 0, offset: '0', size: 0 } as never);
    expect(m).toEqual({ key: null, headers: { ce_id: headers.ce_id, twice: headers.twice }, value: null });
    const value = Buffer.from([0xc3, 0x28]);
    const key = Buffer.from('k');
    const n = transportMessageOf({ key, value, headers: {}, timestamp: '0', attributes: 0, offset: '0', size: 0 } as never);
    expect(n.value).toBe(value);
    expect(n.key).toBe(key);
  });

  it('is not ready once its consumer has held no partitions for longer than the session timeout', () => {
    let now = 0;
    const hold = new PartitionHold(10_000, () => now);
    now = 10_000;
    expect(hold.reason()).toBeUndefined();
    now = 10_001;
    expect(hold.reason()).toMatch(/held no partitions for 10 s \(longer than its 10 s session timeout\)/);
    hold.joined(2);
    expect(hold.reason()).toBeUndefined();
    // A join that assigns nothing (other members hold every partition) starts the count again.
    hold.joined(0);
    now = 15_000;
    expect(hold.reason()).toBeUndefined();
    now = 20_002;
    expect(hold.reason()).toMatch(/held no partitions/);
    hold.joined(1);
    hold.lost();
    now = 31_000;
    expect(hold.reason()).toMatch(/held no partitions for 11 s/);
  });

  it('is not ready before it has started, with the reason', async () => {
    const t = new KafkaTransport({ cityCode: '440100', brokers: ['127.0.0.1:1'], clientId: 'probe-test', registry });
    expect(t.isReady()).toBe(false);
    expect(await t.probe()).toMatch(/producer not connected/);
  });
});
