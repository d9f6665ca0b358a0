import { describe, expect, it } from '@jest/globals';
import { CityRegistry } from '@guangfo/platform';
import type { SignedEvent, WireMessage } from '../signed-event.js';
import type { InboundOutcome, PublishResult } from './city-transport.js';
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

  describe("consuming a partition's batch", () => {
    const record = (offset: number) =>
      ({
        key: Buffer.from(`k${offset}`),
        value: Buffer.from(`v${offset}`),
        headers: {},
        timestamp: '0',
        attributes: 0,
        offset: String(offset),
        size: 0,
      }) as never;

    /** A started transport (no broker): the receiver's handlers and the producer are stubs; `log` records what happened, in order. */
    const harness = (outcome: (m: WireMessage) => InboundOutcome = () => ({ status: 'applied' })) => {
      const log: string[] = [];
      const chunks: WireMessage[][] = [];
      const sent: { topic: string; messages: { key: unknown; value: unknown; headers: Record<string, unknown> }[] }[] = [];
      const t = new KafkaTransport({ cityCode: '440100', brokers: ['127.0.0.1:1'], clientId: 'batch-test', registry });
      Object.assign(t, {
        handler: async (m: WireMessage) => (chunks.push([m]), log.push('apply 1'), outcome(m)),
        batchHandler: async (ms: readonly WireMessage[]) => (chunks.push([...ms]), log.push(`apply ${ms.length}`), ms.map(outcome)),
        client: { producer: { send: async (r: (typeof sent)[number]) => void sent.push(r) } },
      });
      const consume = (messages: unknown[], opts: { stale?: () => boolean } = {}) =>
        (t as unknown as { consumeBatch(p: unknown): Promise<void> }).consumeBatch({
          batch: { topic: 'guangfo.public.events', partition: 0, messages },
          resolveOffset: (o: string) => log.push(`resolve ${o}`),
          heartbeat: async () => void log.push('heartbeat'),
          commitOffsetsIfNecessary: async () => void log.push('commit'),
          isRunning: () => true,
          isStale: opts.stale ?? (() => false),
        });
      return { log, chunks, sent, consume };
    };

    it("hands the receiver up to 32 messages at a time, in order; resolves each chunk's last offset after it, heartbeats between chunks, commits after the batch", async () => {
      const h = harness();
      await h.consume(Array.from({ length: 70 }, (_, i) => record(i)));
      expect(h.chunks.map((c) => c.length)).toEqual([32, 32, 6]);
      expect(h.chunks.flat().map((m) => String(m.value))).toEqual(Array.from({ length: 70 }, (_, i) => `v${i}`));
      expect(h.log).toEqual([
        'apply 32',
        'resolve 31',
        'heartbeat',
        'apply 32',
        'resolve 63',
        'heartbeat',
        'apply 6',
        'resolve 69',
        'heartbeat',
        'commit',
      ]);
    });

    it('a batch gone stale (a rebalance) stops before its next chunk, the rest unresolved', async () => {
      const h = harness();
      let stale = false;
      const consumed = h.consume(
        Array.from({ length: 40 }, (_, i) => record(i)),
        { stale: () => stale },
      );
      stale = true;
      await consumed;
      expect(h.log).toEqual(['apply 32', 'resolve 31', 'heartbeat']);
    });

    it('a chunk the receiver could not take resolves nothing (the batch is delivered again)', async () => {
      const h = harness(() => {
        throw new Error('database not answering');
      });
      await expect(h.consume([record(0), record(1)])).rejects.toThrow(/database not answering/);
      expect(h.log).toEqual(['apply 2']);
    });

    it('copies each dead-lettered message of a chunk to the dead-letter topic, bytes and reason', async () => {
      const h = harness((m) =>
        String(m.value) === 'v1'
          ? { status: 'dead-lettered', reasonCode: 'MALFORMED', reason: 'not a CloudEvent', stored: true }
          : { status: 'applied' },
      );
      await h.consume([record(0), record(1), record(2)]);
      expect(h.sent).toHaveLength(1);
      expect(h.sent[0]!.topic).toBe('guangfo.city.440100.deadletter');
      const [copy] = h.sent[0]!.messages;
      expect(copy!.key).toEqual(Buffer.from('k1'));
      expect(copy!.value).toEqual(Buffer.from('v1'));
      expect(copy!.headers).toMatchObject({ 'x-dead-letter-reason-code': 'MALFORMED', 'x-dead-letter-topic': 'guangfo.public.events' });
      expect(h.log).toEqual(['apply 3', 'resolve 2', 'heartbeat', 'commit']);
    });

    it('a single message takes the one-by-one path', async () => {
      const h = harness();
      await h.consume([record(7)]);
      expect(h.log).toEqual(['apply 1', 'resolve 7', 'heartbeat', 'commit']);
    });
  });
});
