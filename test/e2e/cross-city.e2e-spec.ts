import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { signInterchangeRequest } from '@guangfo/federation';
import { generateSm2KeyPair, sm2Sign } from '@guangfo/gm-crypto';
import {
  EMBEDDED_BATCH_DELIVERY_PATH,
  EMBEDDED_BATCH_MAX_EVENTS,
  EMBEDDED_DELIVERY_PATH,
  EventSigner,
  type SignedEvent,
  signingInput,
  toTransportMessage,
  type TransportMessage,
  type UnsignedEvent,
} from '@guangfo/messaging';
import {
  appliedAfterReceiverRestart,
  appliedExactlyOnce,
  duplicateHasNoEffect,
  forgedAndUnsignedAreDeadLettered,
  nulMessageIsDeadLetteredAndTrafficFlows,
  FS,
  GZ,
} from '../support/cross-city.scenarios.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

/** The cross-city scenarios on the embedded transport (the same scenarios as the Kafka integration suite). */
describe('cross-city events on the embedded transport', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('applies an event committed in Guangzhou in Foshan exactly once', () => appliedExactlyOnce(cluster));
  it('applies it after Foshan restarts when Foshan was down while it was sent', () => appliedAfterReceiverRestart(cluster), 90_000);
  it('gives a duplicate delivery no second effect', () => duplicateHasNoEffect(cluster));
  it('dead-letters forged and unsigned events, applies neither, audits both', () => forgedAndUnsignedAreDeadLettered(cluster));
  it('dead-letters a message of one NUL byte as it arrived; traffic behind it flows', () =>
    nulMessageIsDeadLetteredAndTrafficFlows(cluster));

  it('refuses a delivery whose dead letter cannot be stored (the sender keeps it and retries), and takes it once the store works', async () => {
    const marker = `store-fails-${randomUUID()}`;
    await cluster.query(
      FS,
      `CREATE OR REPLACE FUNCTION platform.e2e_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.event_id LIKE 'store-fails-%' THEN RAISE EXCEPTION 'dead-letter store refuses'; END IF; RETURN NEW; END $$`,
    );
    await cluster.query(
      FS,
      `CREATE TRIGGER e2e_refuse BEFORE INSERT ON platform.dead_letter FOR EACH ROW EXECUTE FUNCTION platform.e2e_refuse()`,
    );
    const message = { key: 'k', headers: { ce_id: marker }, value: 'not an event' };
    try {
      await expect(cluster.inject(FS, message)).rejects.toThrow(/dead letter not stored \(MALFORMED\)/);
      const m = await request(cluster.baseUrl(FS)).get('/metrics').expect(200);
      expect(m.text).toMatch(/^guangfo_dead_letter_store_failures_total\{[^}]*reason="MALFORMED"[^}]*\} [1-9]/m);
    } finally {
      await cluster.query(FS, `DROP TRIGGER IF EXISTS e2e_refuse ON platform.dead_letter`);
    }
    await cluster.inject(FS, message);
    expect(await cluster.query(FS, `SELECT reason_code FROM platform.dead_letter WHERE event_id = $1`, [marker])).toEqual([
      { reason_code: 'MALFORMED' },
    ]);
  });

  /**
   * The endpoint through which node processes deliver to each other (`npm start`); the in-process
   * nodes here have it too (their transport is the embedded one).
   */
  describe('the delivery endpoint between node processes (POST /api/v1/interchange/events)', () => {
    const keyOf = (city: string) => cluster.sandbox.configFor(city).signingKey;
    const signedBy = (from: string, to: string, over: { keyId?: string; privateKeyHex?: string } = {}) =>
      signInterchangeRequest({
        method: 'POST',
        path: EMBEDDED_DELIVERY_PATH,
        fromCity: from,
        toCity: to,
        keyId: keyOf(from).keyId,
        privateKeyHex: keyOf(from).privateKeyHex,
        ...over,
      });
    const post = (to: string, headers: Record<string, string>, body: unknown) =>
      request(cluster.baseUrl(to))
        .post(EMBEDDED_DELIVERY_PATH)
        .set(headers)
        .send(body as object);

    /** A fresh Guangzhou announcement (a copy of a real one with a new id), signed with `privateKeyHex` (default Guangzhou's key). */
    const announcement = async (privateKeyHex = keyOf(GZ).privateKeyHex, source?: string): Promise<SignedEvent> => {
      const token = await cluster.token(GZ, 'admin');
      const { eventId } = (
        await request(cluster.baseUrl(GZ)).post('/api/v1/admin/announce').set('authorization', `Bearer ${token}`).expect(202)
      ).body as { eventId: string };
      const [row] = await cluster.query<{ envelope: SignedEvent }>(GZ, 'SELECT envelope FROM platform.outbox WHERE event_id = $1', [
        eventId,
      ]);
      const { sig: _sig, ...rest } = row.envelope;
      const unsigned: UnsignedEvent = { ...rest, id: randomUUID(), ...(source ? { source } : {}) };
      return { ...unsigned, sig: sm2Sign(signingInput(unsigned), privateKeyHex) } as SignedEvent;
    };
    const applied = async (eventId: string) =>
      (
        await cluster.query<{ n: number }>(FS, 'SELECT count(*)::int AS n FROM platform.peer_announcement WHERE event_id = $1', [eventId])
      )[0].n;
    const expectProblem = (r: request.Response, status: number, code: string) => {
      expect({ status: r.status, code: (r.body as { code?: string }).code }).toEqual({ status, code });
      expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
    };

    it('applies a genuine event delivered by its city, answering only once committed; the same event again is a duplicate', async () => {
      const event = await announcement();
      const first = await post(FS, signedBy(GZ, FS), toTransportMessage(event));
      expect({ status: first.status, body: first.body }).toEqual({ status: 200, body: { status: 'applied' } });
      expect(await applied(event.id)).toBe(1); // committed before the answer, no waiting
      const again = await post(FS, signedBy(GZ, FS), toTransportMessage(event));
      expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: { status: 'duplicate' } });
      expect(await applied(event.id)).toBe(1);
    });

    it('refuses unsigned, wrongly signed, wrong-city and replayed requests with problem+json, before the receiver sees the event', async () => {
      const event = await announcement();
      const body = toTransportMessage(event);
      expectProblem(await post(FS, {}, body), 401, 'INTERCHANGE_UNSIGNED');
      // Signed by Guangzhou for another city (itself), then by an attacker's key under Guangzhou's key id, then by Foshan's key claiming Guangzhou.
      expectProblem(await post(FS, signedBy(GZ, GZ), body), 401, 'INTERCHANGE_SIGNATURE_INVALID');
      expectProblem(
        await post(FS, signedBy(GZ, FS, { privateKeyHex: generateSm2KeyPair().privateKey }), body),
        401,
        'INTERCHANGE_SIGNATURE_INVALID',
      );
      expectProblem(
        await post(FS, signedBy(GZ, FS, { keyId: keyOf(FS).keyId, privateKeyHex: keyOf(FS).privateKeyHex }), body),
        401,
        'INTERCHANGE_SIGNATURE_INVALID',
      );
      // A node calling itself through the interchange.
      expectProblem(await post(FS, signedBy(FS, FS), body), 401, 'INTERCHANGE_SIGNATURE_INVALID');
      // Replayed headers.
      const once = signedBy(GZ, FS);
      expect((await post(FS, once, { ...body, value: 'not json' })).status).toBe(200); // dead-lettered MALFORMED: the request itself was fine
      expectProblem(await post(FS, once, body), 401, 'INTERCHANGE_REPLAYED');
      // Guangzhou delivering an event whose source is Foshan.
      const foreign = await announcement(keyOf(GZ).privateKeyHex, `/guangfo/${FS}/platform`);
      expectProblem(await post(FS, signedBy(GZ, FS), toTransportMessage(foreign)), 403, 'FORBIDDEN_CITY');
      // Not a transport message.
      expectProblem(await post(FS, signedBy(GZ, FS), { key: 'k', headers: { ce_id: 1 }, value: 'x' }), 400, 'VALIDATION_FAILED');
      expect(await applied(event.id)).toBe(0);
      expect(await applied(foreign.id)).toBe(0);
    });

    it('dead-letters a forged event inside a well-signed request: the hop is authenticated, the event is still checked', async () => {
      const forged = await announcement(generateSm2KeyPair().privateKey);
      const r = await post(FS, signedBy(GZ, FS), toTransportMessage(forged));
      expect({ status: r.status, body: r.body }).toMatchObject({
        status: 200,
        body: { status: 'dead-lettered', reasonCode: 'SIGNATURE_INVALID' },
      });
      expect(await applied(forged.id)).toBe(0);
      // Stored before the answer.
      expect(await cluster.query(FS, 'SELECT reason_code FROM platform.dead_letter WHERE event_id = $1', [forged.id])).toEqual([
        { reason_code: 'SIGNATURE_INVALID' },
      ]);
    });

    describe('batch deliveries (POST /api/v1/interchange/events/batch), what the transport sends', () => {
      const postBatch = (to: string, headers: Record<string, string>, body: unknown) =>
        request(cluster.baseUrl(to))
          .post(EMBEDDED_BATCH_DELIVERY_PATH)
          .set(headers)
          .send(body as object);
      const batchSignedBy = (from: string, to: string) =>
        signInterchangeRequest({
          method: 'POST',
          path: EMBEDDED_BATCH_DELIVERY_PATH,
          fromCity: from,
          toCity: to,
          keyId: keyOf(from).keyId,
          privateKeyHex: keyOf(from).privateKeyHex,
        });
      /** `n` fresh Guangzhou announcements signed as Guangzhou's relay signs a claimed batch: one SM2 signature over a hash-tree root, a proof per event (`sigbatch`). */
      const relayBatch = async (n: number, subject?: string): Promise<SignedEvent[]> => {
        const { sig: _sig, ...rest } = await announcement();
        const events: UnsignedEvent[] = Array.from({ length: n }, () => ({ ...rest, id: randomUUID(), ...(subject ? { subject } : {}) }));
        const signed = cluster.sandbox.node(GZ).get(EventSigner).signBatch(events);
        expect(signed.every((e) => e.sigbatch && !e.sig)).toBe(true);
        return signed;
      };
      const messagesOf = (events: SignedEvent[]): TransportMessage[] => events.map((e) => toTransportMessage(e));
      const outcomesOf = (r: request.Response) =>
        (r.body as { outcomes: { status: string; reasonCode?: string; code?: string }[] }).outcomes;

      it('applies the events of one signed request in order, answering each; a tampered event is dead-lettered, the ones behind it are applied', async () => {
        const [a, b, c] = await relayBatch(3);
        const messages = messagesOf([a!, b!, c!]);
        // b's data changed after signing: its inclusion proof no longer matches the signed root.
        messages[1] = { ...messages[1]!, value: messages[1]!.value.replace(/"nodeVersion":"[^"]*"/, '"nodeVersion":"9.9.9"') };
        expect(messages[1]!.value).toContain('9.9.9');
        const r = await postBatch(FS, batchSignedBy(GZ, FS), { messages });
        expect(r.status).toBe(200);
        expect(outcomesOf(r)).toEqual([
          { status: 'applied' },
          { status: 'dead-lettered', reasonCode: 'SIGNATURE_INVALID', reason: expect.any(String) },
          { status: 'applied' },
        ]);
        // Committed (and the dead letter stored) before the answer.
        expect([await applied(a!.id), await applied(b!.id), await applied(c!.id)]).toEqual([1, 0, 1]);
        expect(await cluster.query(FS, 'SELECT reason_code FROM platform.dead_letter WHERE event_id = $1', [b!.id])).toEqual([
          { reason_code: 'SIGNATURE_INVALID' },
        ]);
      });

      it('refuses a replayed batch (401 INTERCHANGE_REPLAYED) before the receiver sees it; sent again under a fresh signature, every event is a duplicate', async () => {
        const events = await relayBatch(3);
        const once = batchSignedBy(GZ, FS);
        const body = { messages: messagesOf(events) };
        expect(outcomesOf(await postBatch(FS, once, body))).toEqual(events.map(() => ({ status: 'applied' })));
        expectProblem(await postBatch(FS, once, body), 401, 'INTERCHANGE_REPLAYED');
        // The single-event endpoint's signature does not open the batch endpoint (the path is signed).
        expectProblem(await postBatch(FS, signedBy(GZ, FS), body), 401, 'INTERCHANGE_SIGNATURE_INVALID');
        expect(outcomesOf(await postBatch(FS, batchSignedBy(GZ, FS), body))).toEqual(events.map(() => ({ status: 'duplicate' })));
        for (const e of events) expect(await applied(e.id)).toBe(1);
      });

      it("takes an event moved to another delivery with its own proof, and dead-letters one that claims another batch's or another place's proof", async () => {
        const [x1, x2] = await relayBatch(2);
        const [y1, y2] = await relayBatch(2);
        // x2 travels with y1 (another relay batch, another request): each event carries its own inclusion proof and signed root.
        const moved = await postBatch(FS, batchSignedBy(GZ, FS), { messages: messagesOf([y1!, x2!]) });
        expect(outcomesOf(moved)).toEqual([{ status: 'applied' }, { status: 'applied' }]);
        // x1 with y2's proof (another batch's root), y2 with x2's place in batch x (a genuine root, not y2's leaf).
        const forged = await postBatch(FS, batchSignedBy(GZ, FS), {
          messages: messagesOf([
            { ...x1!, sigbatch: y2!.sigbatch },
            { ...y2!, sigbatch: x2!.sigbatch },
          ]),
        });
        expect(outcomesOf(forged)).toEqual([
          { status: 'dead-lettered', reasonCode: 'SIGNATURE_INVALID', reason: expect.any(String) },
          { status: 'dead-lettered', reasonCode: 'SIGNATURE_INVALID', reason: expect.any(String) },
        ]);
        expect([await applied(x1!.id), await applied(x2!.id), await applied(y1!.id), await applied(y2!.id)]).toEqual([0, 1, 1, 0]);
        // Genuine, they are taken afterwards (a dead letter does not poison the event id).
        expect(outcomesOf(await postBatch(FS, batchSignedBy(GZ, FS), { messages: messagesOf([x1!, y2!]) }))).toEqual([
          { status: 'applied' },
          { status: 'applied' },
        ]);
      });

      it(`refuses more than ${EMBEDDED_BATCH_MAX_EVENTS} events, or a body over 1 MiB, with 413 problem+json; nothing of it is applied`, async () => {
        const events = await relayBatch(EMBEDDED_BATCH_MAX_EVENTS + 1);
        expectProblem(await postBatch(FS, batchSignedBy(GZ, FS), { messages: messagesOf(events) }), 413, 'PAYLOAD_TOO_LARGE');
        const [big] = messagesOf(events.slice(0, 1));
        expectProblem(
          await postBatch(FS, batchSignedBy(GZ, FS), { messages: [{ ...big!, value: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) }] }),
          413,
          'PAYLOAD_TOO_LARGE',
        );
        for (const e of [events[0]!, events.at(-1)!]) expect(await applied(e.id)).toBe(0);
        // Within the limit, the same events go through.
        const within = await postBatch(FS, batchSignedBy(GZ, FS), { messages: messagesOf(events.slice(0, EMBEDDED_BATCH_MAX_EVENTS)) });
        expect(outcomesOf(within)).toHaveLength(EMBEDDED_BATCH_MAX_EVENTS);
        expect(new Set(outcomesOf(within).map((o) => o.status))).toEqual(new Set(['applied']));
      });

      it("refuses a message that is not a transport message, or another city's event, alone: the rest of its subject waits (held), other subjects go on", async () => {
        const foreign = await announcement(keyOf(GZ).privateKeyHex, `/guangfo/${FS}/platform`);
        const [behind] = await relayBatch(1, foreign.subject);
        const [other] = await relayBatch(1, `city-node/${GZ}/batch-test-${randomUUID()}`);
        const r = await postBatch(FS, batchSignedBy(GZ, FS), {
          messages: [{ key: 'k', headers: { ce_id: 1 }, value: 'x' }, ...messagesOf([foreign, behind!, other!])],
        });
        expect(r.status).toBe(200);
        expect(outcomesOf(r)).toEqual([
          { status: 'rejected', code: 'VALIDATION_FAILED', detail: expect.stringContaining('headers') },
          { status: 'rejected', code: 'FORBIDDEN_CITY', detail: expect.stringContaining(FS) },
          { status: 'held' },
          { status: 'applied' },
        ]);
        expect([await applied(foreign.id), await applied(behind!.id), await applied(other!.id)]).toEqual([0, 0, 1]);
        // Not a batch at all.
        expectProblem(await postBatch(FS, batchSignedBy(GZ, FS), { messages: [] }), 400, 'VALIDATION_FAILED');
        expectProblem(await postBatch(FS, batchSignedBy(GZ, FS), [toTransportMessage(other!)]), 400, 'VALIDATION_FAILED');
      });
    });
  });
});
