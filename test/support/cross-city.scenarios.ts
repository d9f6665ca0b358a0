import { expect } from '@jest/globals';
import request from 'supertest';
import { generateSm2KeyPair, sm2Sign } from '@guangfo/gm-crypto';
import { type SignedEvent, signingInput, toTransportMessage } from '@guangfo/messaging';
import { type TestCluster, waitFor } from './cluster.js';

export const GZ = '440100';
export const FS = '440600';

interface PeerView {
  cityCode: string;
  eventId: string;
  received: number;
  catalogue: { version: string; hash: string };
}
interface CitiesBody {
  cities: { code: string; lastAnnouncement: PeerView | null; catalogueAgrees: boolean | null }[];
}

const peer = async (c: TestCluster, at: string, from: string): Promise<PeerView | null> => {
  const r = await request(c.baseUrl(at)).get('/api/v1/cities').expect(200);
  return (r.body as CitiesBody).cities.find((x) => x.code === from)?.lastAnnouncement ?? null;
};

const appliedCount = async (c: TestCluster, at: string, eventId: string): Promise<number> => {
  const [row] = await c.query<{ n: number }>(at, 'SELECT count(*)::int AS n FROM platform.peer_announcement WHERE event_id = $1', [
    eventId,
  ]);
  return row.n;
};

const announce = async (c: TestCluster, city: string, correlationId?: string): Promise<string> => {
  const req = request(c.baseUrl(city))
    .post('/api/v1/admin/announce')
    .set('authorization', `Bearer ${await c.token(city, 'admin')}`);
  if (correlationId) void req.set('x-correlation-id', correlationId);
  const r = await req.expect(202);
  return (r.body as { eventId: string }).eventId;
};

const outboxEnvelope = async (c: TestCluster, city: string, eventId: string): Promise<SignedEvent> => {
  const [row] = await c.query<{ envelope: SignedEvent }>(city, 'SELECT envelope FROM platform.outbox WHERE event_id = $1', [eventId]);
  return row.envelope;
};

/** An event committed in Guangzhou is applied in Foshan exactly once, with the correlation id carried across. */
export const appliedExactlyOnce = async (c: TestCluster): Promise<void> => {
  const eventId = await announce(c, GZ, 'it-correlation-0001');
  await waitFor('Foshan to apply the announcement', async () => (await peer(c, FS, GZ))?.eventId === eventId);
  expect(await appliedCount(c, FS, eventId)).toBe(1);
  const [row] = await c.query<{ correlation_id: string }>(FS, 'SELECT correlation_id FROM platform.peer_announcement WHERE event_id = $1', [
    eventId,
  ]);
  expect(row.correlation_id).toBe('it-correlation-0001');
  const [inbox] = await c.query<{ n: number }>(FS, 'SELECT count(*)::int AS n FROM platform.inbox WHERE event_id = $1', [eventId]);
  expect(inbox.n).toBe(1);
  const [sent] = await c.query<{ sent: boolean }>(GZ, 'SELECT sent_at IS NOT NULL AS sent FROM platform.outbox WHERE event_id = $1', [
    eventId,
  ]);
  expect(sent.sent).toBe(true);
};

/** Foshan is down while Guangzhou sends; after Foshan restarts, the event is applied, once. */
export const appliedAfterReceiverRestart = async (c: TestCluster): Promise<void> => {
  await c.stopNode(FS);
  const eventId = await announce(c, GZ);
  // Give the sender time to try (embedded: the row stays pending; Kafka: it sits in the topic).
  await new Promise((r) => setTimeout(r, 1500));
  expect(await appliedCount(c, FS, eventId)).toBe(0);
  await c.startNode(FS);
  await waitFor('Foshan to apply the event sent while it was down', async () => (await appliedCount(c, FS, eventId)) === 1, 60_000);
  await new Promise((r) => setTimeout(r, 1000));
  expect(await appliedCount(c, FS, eventId)).toBe(1);
};

/** Delivering the same event again has no second effect. */
export const duplicateHasNoEffect = async (c: TestCluster): Promise<void> => {
  const eventId = await announce(c, GZ);
  await waitFor('first delivery', async () => (await appliedCount(c, FS, eventId)) === 1);
  const envelope = await outboxEnvelope(c, GZ, eventId);
  await c.inject(FS, toTransportMessage(envelope));
  await c.inject(FS, toTransportMessage(envelope));
  // A later event proves the duplicates were consumed (same key, same partition, in order).
  const later = await announce(c, GZ);
  await waitFor('the later event', async () => (await appliedCount(c, FS, later)) === 1);
  expect(await appliedCount(c, FS, eventId)).toBe(1);
  const dead = await c.query(FS, 'SELECT 1 FROM platform.dead_letter WHERE event_id = $1', [eventId]);
  expect(dead).toHaveLength(0);
};

interface DeadLetterBody {
  items: { id: string; eventId: string; reasonCode: string; reason: string }[];
}

/** Forged and unsigned events are dead-lettered with their reason, not applied, and audited. */
export const forgedAndUnsignedAreDeadLettered = async (c: TestCluster): Promise<void> => {
  const genuine = await outboxEnvelope(c, GZ, await announce(c, GZ));
  const attacker = generateSm2KeyPair();
  const forgedId = crypto.randomUUID();
  const { sig: _s, ...unsignedForged } = { ...genuine, id: forgedId, data: { ...(genuine.data as object), nodeVersion: 'evil-1.0' } };
  const forged: SignedEvent = { ...unsignedForged, sig: sm2Sign(signingInput(unsignedForged as SignedEvent), attacker.privateKey) };
  const unsignedId = crypto.randomUUID();
  const { sig: _t, sigkeyid: _k, ...unsigned } = { ...genuine, id: unsignedId };
  await c.inject(FS, toTransportMessage(forged));
  await c.inject(FS, toTransportMessage(unsigned as SignedEvent));

  const admin = await c.token(FS, 'admin');
  const list = await waitFor('both dead letters listed', async () => {
    const r = await request(c.baseUrl(FS)).get('/api/v1/admin/dead-letters').set('authorization', `Bearer ${admin}`).expect(200);
    const items = (r.body as DeadLetterBody).items;
    return items.some((i) => i.eventId === forgedId) && items.some((i) => i.eventId === unsignedId) ? items : undefined;
  });
  expect(list.find((i) => i.eventId === forgedId)?.reasonCode).toBe('SIGNATURE_INVALID');
  expect(list.find((i) => i.eventId === unsignedId)?.reasonCode).toBe('UNSIGNED');
  expect(await appliedCount(c, FS, forgedId)).toBe(0);
  expect(await appliedCount(c, FS, unsignedId)).toBe(0);
  const evil = await c.query(FS, `SELECT 1 FROM platform.peer_announcement WHERE node_version = 'evil-1.0'`);
  expect(evil).toHaveLength(0);
  const audited = await c.query<{ resource: string; outcome: string }>(
    FS,
    `SELECT resource, outcome FROM platform.audit_log WHERE action = 'event.dead-lettered'`,
  );
  expect(audited.map((a) => a.resource)).toEqual(expect.arrayContaining([`event:${forgedId}`, `event:${unsignedId}`]));

  // Replaying a forged event cannot make it pass.
  const forgedDl = list.find((i) => i.eventId === forgedId)!;
  const replay = await request(c.baseUrl(FS))
    .post(`/api/v1/admin/dead-letters/${forgedDl.id}/replay`)
    .set('authorization', `Bearer ${admin}`);
  expect(replay.status).toBe(422);
  expect(replay.body.code).toBe('DEAD_LETTER_STILL_FAILING');
  expect(await appliedCount(c, FS, forgedId)).toBe(0);
};

/**
 * A message that is not an event at all — a single NUL byte, no headers, no key — is dead-lettered
 * as it arrived (kept exactly, and replayable), and the events behind it on the same key still arrive.
 */
export const nulMessageIsDeadLetteredAndTrafficFlows = async (c: TestCluster): Promise<void> => {
  const marker = `nul-${crypto.randomUUID()}`;
  // The key of Guangzhou's announcements, so on Kafka the NUL message sits in their partition.
  const key = (await outboxEnvelope(c, GZ, await announce(c, GZ))).subject;
  await c.inject(FS, { key, headers: { ce_id: `${marker}\u0000` }, value: '\u0000' });
  const rows = await waitFor('the NUL message dead-lettered', async () => {
    const r = await c.query<{ reason_code: string; event_id: string; raw_key: Buffer; raw_value: Buffer; raw_headers: Buffer }>(
      FS,
      `SELECT reason_code, event_id, raw_key, raw_value, raw_headers FROM platform.dead_letter WHERE event_id LIKE $1`,
      [`${marker}%`],
    );
    return r.length ? r : undefined;
  });
  expect(rows).toHaveLength(1);
  expect(rows[0]!.reason_code).toBe('MALFORMED');
  expect(rows[0]!.event_id).toBe(`${marker}\uFFFD`);
  // Byte for byte: the key, the one NUL byte of the value, the header's bytes (NUL included).
  expect(rows[0]!.raw_key.equals(Buffer.from(key))).toBe(true);
  expect(rows[0]!.raw_value.equals(Buffer.from([0]))).toBe(true);
  expect(JSON.parse(rows[0]!.raw_headers.toString('utf8'))).toEqual([['ce_id', Buffer.from(`${marker}\u0000`).toString('base64')]]);
  // Traffic behind it flows.
  const later = await announce(c, GZ);
  await waitFor('an event after the NUL message', async () => (await appliedCount(c, FS, later)) === 1);
};
