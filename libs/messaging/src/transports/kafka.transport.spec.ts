import { describe, expect, it } from '@jest/globals';
import { CityRegistry } from '@guangfo/platform';
import type { SignedEvent } from '../signed-event.js';
import type { PublishResult } from './city-transport.js';
import { KAFKA_SEND_MAX_BYTES, KafkaTransport, PartitionHold, sendGroups, transportMessageOf } from './kafka.transport.js';

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

  it('cuts a relay batch into consecutive sends of at most the byte budget, a larger record alone', () => {
    expect(sendGroups([], 10)).toEqual([]);
    expect(sendGroups([4, 4, 4, 4], 10)).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(sendGroups([3, 12, 3, 3, 3, 3], 10)).toEqual([[0], [1], [2, 3, 4], [5]]);
    expect(sendGroups([10, 1], 10)).toEqual([[0], [1]]);
  });

  it('publishes a batch of large events (statement chunks) in sends under the budget, in order; a failed send fails it and all after it', async () => {
    const t = new KafkaTransport({ cityCode: '440600', brokers: ['127.0.0.1:1'], clientId: 'send-test', registry });
    const sends: { topic: string; keys: string[]; bytes: number }[][] = [];
    let failAt = -1;
    (t as unknown as { client: unknown }).client = {
      producer: {
        sendBatch: async ({ topicMessages }: { topicMessages: { topic: string; messages: { key: string; value: string }[] }[] }) => {
          if (sends.length === failAt) throw new Error('MESSAGE_TOO_LARGE');
          sends.push(
            topicMessages.map((tm) => ({
              topic: tm.topic,
              keys: tm.messages.map((m) => m.key),
              bytes: tm.messages.reduce((n, m) => n + m.value.length, 0),
            })),
          );
        },
      },
    };
    const event = (i: number, bytes: number): SignedEvent => ({
      specversion: '1.0',
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      source: '/guangfo/440600/medical',
      type: 'gov.guangfo.medical.statement-chunk.v1',
      subject: i < 6 ? 'statement-a' : 'small',
      time: '2026-04-01T00:00:00.000Z',
      datacontenttype: 'application/json',
      tocity: '440100',
      sigkeyid: 'fs-1',
      data: { pad: 'x'.repeat(bytes) },
    });
    // Six chunk-sized events of one subject and four small ones: 1.5 MB in all, more than one record batch may hold.
    const requests = [
      ...Array.from({ length: 6 }, (_, i) => event(i, 250_000)),
      ...Array.from({ length: 4 }, (_, i) => event(6 + i, 100)),
    ].map((e) => ({ event: e, deliveredTo: [] }));
    const outcomes: PublishResult[] = [];
    await t.publishBatch(requests, async (i, r) => {
      outcomes[i] = r;
    });
    expect(sends.length).toBe(3);
    for (const s of sends) expect(s.reduce((n, x) => n + x.bytes, 0)).toBeLessThanOrEqual(KAFKA_SEND_MAX_BYTES);
    expect(sends.flatMap((s) => s.flatMap((x) => x.keys))).toEqual(requests.map((r) => r.event.subject));
    expect(outcomes.every((o) => o.complete)).toBe(true);

    sends.length = 0;
    failAt = 1;
    await t.publishBatch(requests, async (i, r) => {
      outcomes[i] = r;
    });
    expect(sends.length).toBe(1);
    expect(outcomes.map((o) => o.complete)).toEqual([true, true, false, false, false, false, false, false, false, false]);
    expect(outcomes[9]).toMatchObject({ deliveredTo: [], complete: false, error: 'MESSAGE_TOO_LARGE' });
  });
});
