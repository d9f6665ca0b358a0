import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { deadLetterTopic } from '@guangfo/contracts';
import { waitFor } from '../support/cluster.js';
import {
  appliedAfterReceiverRestart,
  appliedExactlyOnce,
  duplicateHasNoEffect,
  forgedAndUnsignedAreDeadLettered,
  nulMessageIsDeadLetteredAndTrafficFlows,
  FS,
  GZ,
} from '../support/cross-city.scenarios.js';
import { itDatabase, type KafkaCluster, pgUrl, startKafkaCluster } from '../support/kafka-cluster.js';

/** The cross-city scenarios against a real Kafka broker and a real PostgreSQL server, nodes as separate processes. */
describe('cross-city events over real Kafka and PostgreSQL (separate node processes)', () => {
  let cluster: KafkaCluster;

  beforeAll(async () => {
    cluster = await startKafkaCluster();
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('connects both nodes to Kafka and PostgreSQL (readiness)', async () => {
    for (const city of [GZ, FS]) {
      const r = await request(cluster.baseUrl(city)).get('/health/ready').expect(200);
      expect(r.body.info).toMatchObject({ database: { status: 'up' }, transport: { status: 'up', kind: 'kafka' } });
    }
  });

  it('applies an event committed in Guangzhou in Foshan exactly once', () => appliedExactlyOnce(cluster));
  it('applies it after Foshan restarts when Foshan was down while it was sent', () => appliedAfterReceiverRestart(cluster), 120_000);
  it('gives a duplicate delivery no second effect', () => duplicateHasNoEffect(cluster));
  it('exposes consumer lag per topic and partition on /metrics once it has consumed', async () => {
    const m = await request(cluster.baseUrl(FS)).get('/metrics').expect(200);
    expect(m.text).toMatch(/^guangfo_consumer_lag\{[^}]*topic="guangfo\.[^"]+",partition="\d+"[^}]*\} \d+$/m);
  });
  it('dead-letters a message of one NUL byte as it arrived; the partition keeps flowing', () =>
    nulMessageIsDeadLetteredAndTrafficFlows(cluster));

  it('dead-letters forged and unsigned events (and publishes them to the dead-letter topic)', async () => {
    await forgedAndUnsignedAreDeadLettered(cluster);
    const consumer = cluster.kafka.consumer({ groupId: `guangfo-it-dlq-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: deadLetterTopic(FS), fromBeginning: true });
    const reasons: string[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        reasons.push(String(message.headers?.['x-dead-letter-reason-code'] ?? ''));
      },
    });
    await waitFor('dead-letter topic messages', async () => reasons.includes('SIGNATURE_INVALID') && reasons.includes('UNSIGNED'), 30_000);
    await consumer.disconnect();
  });

  it('refuses the demo token endpoint outside the sandbox', async () => {
    const r = await request(cluster.baseUrl(GZ)).post('/api/v1/auth/token').send({ username: 'gz-admin' });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('TOKEN_ISSUING_DISABLED');
  });

  it('keeps an intact audit chain, as the audit:verify command reports', () => {
    const out = execFileSync(process.execPath, ['dist/apps/city-node/src/audit-verify.js'], {
      env: { PATH: process.env.PATH, DATABASE_URL: pgUrl(itDatabase(FS)) },
    }).toString();
    expect(out).toMatch(/audit chain intact: \d+ records/);
  });
});
