import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Consumer, IHeaders, Message, Producer } from 'kafkajs';
import { consumerGroup, deadLetterTopic, inboundTopic, PUBLIC_TOPIC } from '@guangfo/contracts';
import { type SignedEvent, toTransportMessage } from '@guangfo/messaging';
import { waitFor } from '../support/cluster.js';
import { FS, GZ } from '../support/cross-city.scenarios.js';
import {
  announceUntil,
  broker,
  database,
  deadLetterCount,
  type DrillRow,
  metric,
  readiness,
  Redeliveries,
  settled,
  signAs,
  tableOf,
  tally,
  writeTable,
} from '../support/fault-drills.js';
import { type KafkaCluster, startKafkaCluster } from '../support/kafka-cluster.js';

/**
 * Fault drills against the real broker and PostgreSQL server, each city node its own process:
 * processes, the broker and the databases are killed or cut off while cross-city events flow, and
 * each drill counts, from the databases, what was sent (Guangzhou's outbox) against what was applied
 * (Foshan's effects and inbox): nothing lost, nothing applied twice.
 */
const EVENTS = 300;
/** Progress on stderr as it happens (Jest prints console output only after the file). */
const step = (msg: string): void => void process.stderr.write(`[faults ${new Date().toISOString().slice(11, 23)}] ${msg}\n`);
const rows: DrillRow[] = [];
const notes: string[] = [];

describe('fault drills (real Kafka and PostgreSQL, one process per city node)', () => {
  let c: KafkaCluster;
  let producer: Producer;

  beforeAll(async () => {
    c = await startKafkaCluster([GZ, FS], {
      env: {
        // A relay killed mid-batch leaves leased rows: claimable again after 5 s instead of 2 min.
        RELAY_LEASE_MS: '5000',
        RATE_LIMIT_PER_PRINCIPAL: '1000000',
        RATE_LIMIT_PER_IP: '1000000',
      },
    });
    producer = c.kafka.producer();
    await producer.connect();
  }, 240_000);

  afterAll(async () => {
    if (rows.length || notes.length) writeTable(tableOf(rows, notes));
    await producer?.disconnect().catch(() => undefined);
    await c?.close();
  });

  /** Runs a drill and records its row; `sentExtra` counts good events the drill put on the wire itself. */
  const drill = async (
    name: string,
    tag: string,
    body: (r: Redeliveries) => Promise<{ sentExtra?: number } | void>,
  ): Promise<{ row: DrillRow; dead: number }> => {
    const t0 = Date.now();
    const deadBefore = await deadLetterCount(c);
    const r = await Redeliveries.start(c);
    step(`${name}: start`);
    const extra = (await body(r))?.sentExtra ?? 0;
    step(`${name}: waiting for every event`);
    const t = await settled(c, tag, extra);
    step(`${name}: settled ${JSON.stringify(t)}`);
    const dead = (await deadLetterCount(c)) - deadBefore;
    const row: DrillRow = {
      drill: name,
      sent: t.sent + extra,
      applied: t.applied,
      lost: t.sent + extra - t.applied,
      doubled: t.effects - t.applied + (t.inbox - t.applied),
      deadLettered: dead,
      redeliveries: await r.total(),
      seconds: (Date.now() - t0) / 1000,
    };
    rows.push(row);
    expect(t.sent).toBe(t.outbox);
    expect(row.lost).toBe(0);
    expect(row.doubled).toBe(0);
    return { row, dead };
  };

  const appliedNow = async (tag: string) => (await tally(c, tag)).applied;

  it('kill -9 of the receiving node mid-stream, restart: nothing lost, nothing applied twice', async () => {
    const { row } = await drill('kill -9 receiving node (Foshan) mid-stream', 'rx', async (r) => {
      const stream = announceUntil(c, 'rx', EVENTS);
      await waitFor('Foshan applying the stream', async () => (await appliedNow('rx')) >= 80, 60_000);
      await r.beforeKill();
      step('kill -9 Foshan');
      await c.killNode(FS);
      await stream;
      step('start Foshan');
      await c.startNode(FS);
    });
    expect(row.sent).toBe(EVENTS);
    expect(row.deadLettered).toBe(0);
  });

  it('kill -9 of the sending node mid-batch, restart: its leased rows are sent again, absorbed once', async () => {
    let leased = 0;
    const { row } = await drill('kill -9 sending node (Guangzhou) mid-batch', 'tx', async () => {
      let stop = false;
      const stream = announceUntil(c, 'tx', EVENTS, { concurrency: 16, stop: () => stop });
      await waitFor('Guangzhou sending', async () => (await tally(c, 'tx')).sent >= 60, 60_000);
      // The broker stops answering (SIGSTOP) so the relay's next batch is in flight, leased and not marked sent, when the node dies.
      step('broker paused (SIGSTOP)');
      broker.pause();
      try {
        leased = await waitFor(
          'a batch leased and in flight',
          async () =>
            (
              await c.query<{ n: number }>(
                GZ,
                `SELECT count(*)::int AS n FROM platform.outbox WHERE envelope->>'correlationid' LIKE 'tx-%' AND sent_at IS NULL AND lease_owner IS NOT NULL`,
              )
            )[0]!.n || undefined,
          30_000,
          50,
        );
        step(`kill -9 Guangzhou with ${leased} rows leased and in flight`);
        await c.killNode(GZ);
      } finally {
        broker.resume();
        step('broker resumed (SIGCONT)');
      }
      stop = true;
      await stream;
      await c.startNode(GZ);
      await announceUntil(c, 'tx', EVENTS);
    });
    notes.push(`sending node drill: killed with ${leased} outbox rows leased and in flight (sent again once the 5 s lease ran out)`);
    expect(leased).toBeGreaterThan(0);
    expect(row.sent).toBe(EVENTS);
    expect(row.deadLettered).toBe(0);
  });

  it('kill -9 of the broker, restart with storage kept: 300/300 exactly once; /health/ready 503 while it is down, 200 after', async () => {
    let reason = '';
    let retrying = { attempts: 0, last_error: '' };
    const { row } = await drill('kill -9 broker, restart (storage kept)', 'broker', async () => {
      await announceUntil(c, 'broker', 100);
      await waitFor('Foshan applying', async () => (await appliedNow('broker')) >= 50, 60_000);
      const killedAt = Date.now();
      step('kill -9 broker');
      broker.kill();
      // Generous bound: the probe answers within 2 s, cached 1 s.
      reason = await readiness(c, FS, false, 30_000);
      notes.push(`broker drill: Foshan /health/ready 503 ${((Date.now() - killedAt) / 1000).toFixed(1)} s after kill -9 of the broker`);
      step(`Foshan not ready: ${reason}`);
      await announceUntil(c, 'broker', EVENTS);
      step('200 more committed while the broker is down');
      // While the broker is away the relay's attempts and last error are visible on the rows.
      retrying = await waitFor(
        'an outbox row retrying',
        async () =>
          (
            await c.query<{ attempts: number; last_error: string }>(
              GZ,
              `SELECT attempts, last_error FROM platform.outbox
                WHERE envelope->>'correlationid' LIKE 'broker-%' AND sent_at IS NULL AND attempts > 0 AND last_error IS NOT NULL LIMIT 1`,
            )
          )[0],
        60_000,
        250,
      );
      step(`outbox row retrying: ${JSON.stringify(retrying)}`);
      const restartedAt = Date.now();
      broker.start();
      step('broker started');
      await readiness(c, FS, true, 120_000);
      await readiness(c, GZ, true, 120_000);
      notes.push(`broker drill: both nodes ready again ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the broker's start`);
    });
    expect(reason).toMatch(/transport/);
    expect(retrying.attempts).toBeGreaterThan(0);
    expect(retrying.last_error).not.toBe('');
    expect(row.sent).toBe(EVENTS);
    expect(row.applied).toBe(EVENTS);
    expect(row.deadLettered).toBe(0);
  });

  it('database connections terminated, then each database refusing connections for a few seconds', async () => {
    const db = database(c);
    let terminated = 0;
    const refuse = async (city: string, ms: number) => {
      try {
        await db.allowConnections(city, false);
        terminated += await db.terminate(city);
        step(`${city} database refuses connections`);
        await readiness(c, city, false, 30_000);
        await new Promise((r) => setTimeout(r, ms));
      } finally {
        await db.allowConnections(city, true);
        step(`${city} database allows connections`);
      }
    };
    const { row } = await drill('DB connections terminated; each DB refusing connections 4 s', 'db', async () => {
      // Paced, so that events are being sent and received through each outage.
      const stream = announceUntil(c, 'db', EVENTS, { concurrency: 2, paceMs: 50 });
      await waitFor('Foshan applying', async () => (await appliedNow('db')) >= 40, 60_000);
      terminated += (await db.terminate(FS)) + (await db.terminate(GZ));
      step('every connection of both databases terminated');
      await waitFor('Foshan applying again', async () => (await appliedNow('db')) >= 80, 60_000);
      await refuse(FS, 4_000);
      await refuse(GZ, 4_000);
      await stream;
      await readiness(c, FS, true, 60_000);
      await readiness(c, GZ, true, 60_000);
      await announceUntil(c, 'db', EVENTS);
    });
    notes.push(
      `database drill: ${terminated} connections terminated (pg_terminate_backend); Foshan's, then Guangzhou's database refused connections for 4 s each while events flowed`,
    );
    expect(row.sent).toBeGreaterThanOrEqual(EVENTS);
    expect(row.deadLettered).toBe(0);
  });

  it('a poison mix on every partition is dead-lettered with its reasons, byte for byte; good traffic behind it flows', async () => {
    const partitions = [0, 1, 2].flatMap((p) => [
      { topic: inboundTopic(FS), partition: p },
      { topic: PUBLIC_TOPIC, partition: p },
    ]);
    const randoms: { value: Buffer; header: Buffer }[] = [];
    let sample: SignedEvent | undefined;
    const { dead } = await drill('poison mix on all 6 partitions + 300 good', 'poison', async () => {
      await announceUntil(c, 'poison', 10);
      await settled(c, 'poison');
      [{ envelope: sample }] = await c.query<{ envelope: SignedEvent }>(
        GZ,
        `SELECT envelope FROM platform.outbox WHERE envelope->>'correlationid' LIKE 'poison-%' AND sent_at IS NOT NULL LIMIT 1`,
      );
      const stream = announceUntil(c, 'poison', EVENTS - partitions.length);
      for (const [i, at] of partitions.entries()) {
        const random = { value: randomBytes(512), header: randomBytes(16) };
        randoms.push(random);
        const good = signAs(c, GZ, sample!, { id: randomUUID(), correlationid: `poison-good-${i}` });
        const bad = toTransportMessage(signAs(c, GZ, sample!, { id: randomUUID() }));
        const messages: Message[] = [
          { key: null, value: random.value, headers: { 'x-random': random.header } },
          { key: 'nul', value: Buffer.from([0]), headers: { ce_id: Buffer.from([0x6e, 0x75, 0x6c, 0]) } },
          // Near the broker's limit (message.max.bytes, 1 MiB + 12): a CloudEvent whose data is not JSON.
          { key: 'big', value: Buffer.alloc(1_000_000, 0x78), headers: { ...bad.headers, ce_id: randomUUID() } },
          { key: bad.key, value: JSON.stringify({ ...JSON.parse(bad.value), nodeVersion: 'evil' }), headers: bad.headers },
          toKafka(toTransportMessage(signAs(c, GZ, sample!, { id: randomUUID(), type: 'gov.guangfo.platform.no-such-event.v1' }))),
          // A valid event replayed: absorbed by the inbox, not dead-lettered.
          toKafka(toTransportMessage(sample!)),
          toKafka(toTransportMessage(good)),
        ];
        await producer.send({ topic: at.topic, acks: -1, messages: messages.map((m) => ({ ...m, partition: at.partition })) });
      }
      await stream;
      return { sentExtra: partitions.length };
    });
    const reasons = await c.query<{ reason_code: string; n: number }>(
      FS,
      `SELECT reason_code, count(*)::int AS n FROM platform.dead_letter WHERE created_at > now() - interval '10 minutes' GROUP BY 1`,
    );
    const byReason = Object.fromEntries(reasons.map((r) => [r.reason_code, r.n]));
    expect(dead).toBe(5 * partitions.length);
    expect(byReason).toMatchObject({
      MALFORMED: 3 * partitions.length,
      SIGNATURE_INVALID: partitions.length,
      UNKNOWN_TYPE: partitions.length,
    });
    // The random messages are kept exactly: null key, their bytes, their header's bytes.
    for (const rnd of randoms) {
      const [row] = await c.query<{ raw_key: Buffer | null; raw_value: Buffer; raw_headers: Buffer }>(
        FS,
        `SELECT raw_key, raw_value, raw_headers FROM platform.dead_letter WHERE raw_value = $1`,
        [rnd.value],
      );
      expect(row?.raw_key).toBeNull();
      expect(JSON.parse(row!.raw_headers.toString())).toEqual([['x-random', rnd.header.toString('base64')]]);
    }
    // And so is their copy on the dead-letter topic (plus the reason headers).
    const copies = await readTopic(c, deadLetterTopic(FS), (m) => randoms.some((r) => m.value?.equals(r.value)), randoms.length);
    for (const m of copies) {
      expect(m.key).toBeNull();
      expect(randoms.some((r) => (m.headers?.['x-random'] as Buffer).equals(r.header))).toBe(true);
      expect(String(m.headers?.['x-dead-letter-reason-code'])).toBe('MALFORMED');
    }
  });

  it('duplicates and reordering from a misbehaving producer are absorbed: each event applied once', async () => {
    const { row } = await drill('misbehaving producer: 300 resent out of order', 'dup', async () => {
      await announceUntil(c, 'dup', EVENTS / 2);
      await settled(c, 'dup');
      // Capture the valid messages as they are on the wire, then send them again, shuffled, twice, to other partitions.
      const captured = await readTopic(c, PUBLIC_TOPIC, (m) => String(m.headers?.ce_correlationid ?? '').startsWith('dup-'), EVENTS / 2);
      // As nodes send them: the Kafka binding's content-type header, no duplicate ce_datacontenttype.
      for (const m of captured) {
        expect(String(m.headers?.['content-type'])).toBe('application/json');
        expect(m.headers).not.toHaveProperty('ce_datacontenttype');
      }
      const stream = announceUntil(c, 'dup', EVENTS);
      const again = [...captured, ...captured].sort(() => Math.random() - 0.5);
      for (let i = 0; i < again.length; i += 50) {
        await producer.send({
          topic: i % 100 === 0 ? PUBLIC_TOPIC : inboundTopic(FS),
          acks: -1,
          messages: again.slice(i, i + 50).map((m, j) => ({ key: m.key, value: m.value, headers: m.headers, partition: (i + j) % 3 })),
        });
      }
      await stream;
    });
    expect(row.sent).toBe(EVENTS);
    expect(row.redeliveries).toBeGreaterThanOrEqual(EVENTS);
    expect(row.deadLettered).toBe(0);
  });

  it('a dead-letter store that fails: the message goes to the dead-letter topic with its reason, an alert metric, and the partition moves on', async () => {
    const marker = `store-fails-${randomUUID()}`;
    await c.query(
      FS,
      `CREATE OR REPLACE FUNCTION platform.fault_drill_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.event_id LIKE 'store-fails-%' THEN RAISE EXCEPTION 'fault drill: dead-letter store refuses'; END IF; RETURN NEW; END $$`,
    );
    await c.query(
      FS,
      `CREATE TRIGGER fault_drill_refuse BEFORE INSERT ON platform.dead_letter FOR EACH ROW EXECUTE FUNCTION platform.fault_drill_refuse()`,
    );
    try {
      const before = await metric(c, FS, 'guangfo_dead_letter_store_failures_total');
      await drill('dead-letter store failing (insert refused)', 'store', async () => {
        await announceUntil(c, 'store', 1);
        await settled(c, 'store');
        const [{ envelope }] = await c.query<{ envelope: SignedEvent }>(
          GZ,
          `SELECT envelope FROM platform.outbox WHERE envelope->>'correlationid' LIKE 'store-%' LIMIT 1`,
        );
        const good = toKafka(toTransportMessage(signAs(c, GZ, envelope, { id: randomUUID(), correlationid: 'store-good' })));
        await producer.send({
          topic: inboundTopic(FS),
          acks: -1,
          messages: [
            { key: 'k', value: Buffer.from([0xff, 0]), headers: { ce_id: marker }, partition: 0 },
            { ...good, partition: 0 },
          ],
        });
        return { sentExtra: 1 };
      });
      expect(await metric(c, FS, 'guangfo_dead_letter_store_failures_total', { reason: 'MALFORMED' })).toBeGreaterThan(before);
      expect(await c.query(FS, `SELECT 1 FROM platform.dead_letter WHERE event_id = $1`, [marker])).toHaveLength(0);
      const [copy] = await readTopic(c, deadLetterTopic(FS), (m) => String(m.headers?.ce_id ?? '') === marker, 1);
      expect(String(copy!.headers?.['x-dead-letter-reason-code'])).toBe('MALFORMED');
      expect(copy!.value?.equals(Buffer.from([0xff, 0]))).toBe(true);
      notes.push(
        'dead-letter store drill: 1 message kept on the dead-letter topic only (the store refused it), guangfo_dead_letter_store_failures_total +1',
      );
    } finally {
      await c.query(FS, `DROP TRIGGER IF EXISTS fault_drill_refuse ON platform.dead_letter`);
    }
  });

  it('readiness: topics deleted under a running node are reported and declared again', async () => {
    const admin = c.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [deadLetterTopic(FS)], timeout: 30_000 });
      const t0 = Date.now();
      const body = await readiness(c, FS, false, 30_000);
      expect(body).toMatch(/topics missing/);
      await readiness(c, FS, true, 60_000);
      expect(await admin.listTopics()).toContain(deadLetterTopic(FS));
      notes.push(
        `missing topics: Foshan answered 503 "topics missing" and was ready again (topic re-created) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('readiness: a consumer holding no partitions for longer than its session timeout makes the node not ready', async () => {
    // Members whose ids sort first take every partition (round-robin over sorted member ids). They never consume nor commit:
    // a partition that brings them a message is paused, so they stay live members (heartbeating) that hold it. A member that
    // blocked in eachBatch instead would stop heartbeating the moment a message reached it (a backlog, a node's periodic
    // announcement), be removed after its 10 s session timeout and hand its partitions back to Foshan, which then holds some
    // and rightly stays ready: the drill's premise would be gone and it would time out waiting for the 503.
    const intruders: Consumer[] = [];
    // Guangzhou keeps announcing through the join and the hold: what lands on a partition the others hold waits there for Foshan.
    const stream = announceUntil(c, 'hold', 30, { concurrency: 1, paceMs: 500 });
    let waiting = 0;
    try {
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          const k = c.kafka.consumer({ groupId: consumerGroup(FS), sessionTimeout: 10_000, heartbeatInterval: 1_000 });
          intruders.push(k);
          await k.connect();
          await k.subscribe({ topics: [inboundTopic(FS), PUBLIC_TOPIC] });
          await k.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async ({ pause }) => void pause() });
        }),
      );
      step("6 other members in Foshan's group");
      const t0 = Date.now();
      const body = await readiness(c, FS, false, 90_000);
      const atHold = await tally(c, 'hold');
      waiting = atHold.sent - atHold.applied;
      step(`Foshan not ready; ${waiting} announcements sent and not yet applied`);
      expect(body).toMatch(/held no partitions/);
      notes.push(
        `partition hold: Foshan not ready ("held no partitions") ${((Date.now() - t0) / 1000).toFixed(1)} s after 6 other members took its partitions`,
      );
    } finally {
      await stream;
      await Promise.all(intruders.map((k) => k.disconnect().catch(() => undefined)));
      step('the other members left');
    }
    const left = Date.now();
    await readiness(c, FS, true, 90_000);
    step('Foshan ready');
    notes.push(`partition hold: Foshan ready again ${((Date.now() - left) / 1000).toFixed(1)} s after the other members left`);
    // Everything sent meanwhile is applied once Foshan has its partitions back, each event once.
    const t = await settled(c, 'hold');
    expect(t.sent).toBe(t.outbox);
    expect(t.applied).toBe(t.outbox);
    expect(t.effects).toBe(t.applied);
    expect(t.inbox).toBe(t.applied);
    notes.push(
      `partition hold: ${t.outbox} announcements sent through the join and the hold (${waiting} sent and not yet applied when Foshan answered 503), each applied once after the other members left`,
    );
  });
});

const toKafka = (m: { key: string; headers: Record<string, string>; value: string }): Message => ({
  key: m.key,
  value: m.value,
  headers: m.headers as IHeaders,
});

/** Reads a topic from the beginning (a fresh group) until `n` messages matching `want` have been seen. */
const readTopic = async (
  c: KafkaCluster,
  topic: string,
  want: (m: { key: Buffer | null; value: Buffer | null; headers?: IHeaders }) => boolean,
  n: number,
): Promise<{ key: Buffer | null; value: Buffer | null; headers?: IHeaders }[]> => {
  const consumer = c.kafka.consumer({ groupId: `guangfo-faults-read-${randomUUID()}` });
  const seen: { key: Buffer | null; value: Buffer | null; headers?: IHeaders }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const m = { key: message.key, value: message.value, headers: message.headers };
        if (want(m)) seen.push(m);
      },
    });
    await waitFor(`${n} messages on ${topic}`, async () => seen.length >= n, 60_000, 200);
    return seen;
  } finally {
    await consumer.disconnect();
  }
};
