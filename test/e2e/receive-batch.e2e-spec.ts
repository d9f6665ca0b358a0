import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  CITY_TRANSPORT,
  type EmbeddedTransport,
  EventReceiver,
  EventSigner,
  type SignedEvent,
  toTransportMessage,
  type UnsignedEvent,
} from '@guangfo/messaging';
import { FS, GZ } from '../support/cross-city.scenarios.js';
import { waitFor } from '../support/cluster.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

/**
 * The receiver's batch path (what the Kafka consumer uses for a partition's batch): events applied together in one
 * transaction, and — when anything in that transaction fails — one by one, so the bad event alone is dead-lettered.
 */
describe('EventReceiver.receiveBatch', () => {
  let cluster: EmbeddedCluster;
  let template: Omit<UnsignedEvent, 'sigkeyid'>;
  const sign = (over: Partial<UnsignedEvent>): SignedEvent =>
    cluster.sandbox
      .node(GZ)
      .get(EventSigner)
      .sign({ ...template, id: randomUUID(), ...over } as Omit<UnsignedEvent, 'sigkeyid'>);
  const receiveBatch = (events: SignedEvent[]) => cluster.sandbox.node(FS).get(EventReceiver).receiveBatch(events.map(toTransportMessage));
  const inboxRows = (ids: string[]) =>
    cluster.query<{ event_id: string; received_at: Date }>(
      FS,
      `SELECT event_id, received_at FROM platform.inbox WHERE event_id = ANY($1::uuid[])`,
      [ids],
    );
  const applied = async (id: string) =>
    (await cluster.query<{ n: number }>(FS, `SELECT count(*)::int AS n FROM platform.peer_announcement WHERE event_id = $1`, [id]))[0]!.n;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
    // A genuine announcement from Guangzhou, as a template for more events signed with Guangzhou's key.
    const admin = await cluster.token(GZ, 'admin');
    const { eventId } = (
      await request(cluster.baseUrl(GZ)).post('/api/v1/admin/announce').set('authorization', `Bearer ${admin}`).expect(202)
    ).body as { eventId: string };
    await waitFor('the announcement applied in Foshan', async () => (await applied(eventId)) === 1);
    const [row] = await cluster.query<{ envelope: SignedEvent }>(GZ, 'SELECT envelope FROM platform.outbox WHERE event_id = $1', [eventId]);
    const { sig: _s, sigkeyid: _k, ...unsigned } = row!.envelope;
    template = unsigned;
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  });

  it('applies several events in one transaction; a second delivery of them has no effect', async () => {
    const events = [sign({}), sign({}), sign({})];
    expect(await receiveBatch(events)).toEqual([{ status: 'applied' }, { status: 'applied' }, { status: 'applied' }]);
    const rows = await inboxRows(events.map((e) => e.id));
    expect(rows).toHaveLength(3);
    // now() is the transaction's start: one transaction for the three (each would have its own otherwise).
    expect(new Set(rows.map((r) => r.received_at.toISOString())).size).toBe(1);
    for (const e of events) expect(await applied(e.id)).toBe(1);
    const fresh = sign({});
    expect(await receiveBatch([...events, fresh])).toEqual([
      { status: 'duplicate' },
      { status: 'duplicate' },
      { status: 'duplicate' },
      { status: 'applied' },
    ]);
    for (const e of [...events, fresh]) expect(await applied(e.id)).toBe(1);
  });

  it('a batch delivered over the embedded link (what the batch endpoint hands on) is applied in one transaction; a forged event in it is dead-lettered', async () => {
    const transport = cluster.sandbox.node(FS).get<EmbeddedTransport>(CITY_TRANSPORT);
    const good = [sign({}), sign({})];
    const forged: SignedEvent = { ...sign({}), data: { ...(template.data as object), nodeVersion: 'evil-2.0' } };
    const outcomes = await transport.receiveBatch([good[0]!, forged, good[1]!].map(toTransportMessage));
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'dead-lettered', 'applied']);
    const rows = await inboxRows(good.map((e) => e.id));
    expect(new Set(rows.map((r) => r.received_at.toISOString())).size).toBe(1);
    expect(await cluster.query(FS, `SELECT 1 FROM platform.peer_announcement WHERE node_version = 'evil-2.0'`)).toHaveLength(0);
    // The forged one is dead-lettered before the others are applied: the event behind it is not applied ahead of it.
    const [dead] = await cluster.query<{ created_at: Date }>(FS, `SELECT created_at FROM platform.dead_letter WHERE event_id = $1`, [
      forged.id,
    ]);
    expect(dead!.created_at.getTime()).toBeLessThanOrEqual(rows[0]!.received_at.getTime());
  });

  it('applies an event twice in one batch once', async () => {
    const e = sign({});
    expect(await receiveBatch([e, e])).toEqual([{ status: 'applied' }, { status: 'duplicate' }]);
    expect(await applied(e.id)).toBe(1);
  });

  it('falls back to one by one when the joint transaction fails: the others applied once, the bad one dead-lettered, forged ones rejected', async () => {
    const before = sign({});
    // Validly signed, but its id is not a UUID: the inbox refuses it, so the joint transaction fails.
    const bad = sign({ id: `not-a-uuid-${randomUUID()}` });
    const after = sign({});
    const forged: SignedEvent = { ...sign({}), data: { ...(template.data as object), nodeVersion: 'evil-1.0' } };
    const outcomes = await receiveBatch([before, bad, after, forged]);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'dead-lettered', 'applied', 'dead-lettered']);
    expect(outcomes[1]).toMatchObject({ reasonCode: 'HANDLER_FAILED', stored: true });
    expect(outcomes[3]).toMatchObject({ reasonCode: 'SIGNATURE_INVALID', stored: true });
    expect(await applied(before.id)).toBe(1);
    expect(await applied(after.id)).toBe(1);
    const rows = await inboxRows([before.id, after.id]);
    expect(new Set(rows.map((r) => r.received_at.toISOString())).size).toBe(2); // each in its own transaction
    const dead = await cluster.query<{ event_id: string; reason_code: string }>(
      FS,
      `SELECT event_id, reason_code FROM platform.dead_letter WHERE event_id = ANY($1)`,
      [[bad.id, forged.id]],
    );
    expect(dead.map((d) => d.reason_code).sort()).toEqual(['HANDLER_FAILED', 'SIGNATURE_INVALID']);
    expect(await cluster.query(FS, `SELECT 1 FROM platform.peer_announcement WHERE node_version = 'evil-1.0'`)).toHaveLength(0);
  });
});
