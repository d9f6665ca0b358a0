import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CityRegistry } from '@guangfo/platform';
import { type SignedEvent, toTransportMessage, type TransportMessage, type WireMessage } from '../signed-event.js';
import type { PublishResult } from './city-transport.js';
import { EMBEDDED_BATCH_MAX_EVENTS, EmbeddedExchange, EmbeddedTransport } from './embedded.transport.js';
import { EMBEDDED_BATCH_DELIVERY_PATH, EMBEDDED_DELIVERY_PATH, HttpExchange } from './http-exchange.js';

const event: SignedEvent = {
  specversion: '1.0',
  id: '7a1c6d2e-3c1b-4f7e-9d59-1c2b3a4d5e6f',
  source: '/guangfo/440100/platform',
  type: 'gov.guangfo.platform.node-announced.v1',
  subject: 'city-node/440100',
  time: '2026-11-27T08:00:00.000Z',
  datacontenttype: 'application/json',
  tocity: '440600',
  sigkeyid: 'gz-1',
  sig: 'c2ln',
  data: { a: 1 },
};
const message = toTransportMessage(event);

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: TransportMessage & { messages?: TransportMessage[] };
}

/** A stand-in for the peer's delivery endpoint on 127.0.0.1: answers what `answer` says. */
const peer = () => {
  const seen: Seen[] = [];
  let answer: (res: ServerResponse, body: Seen['body']) => void = (res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"applied"}');
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(text) as Seen['body'];
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      answer(res, body);
    });
  });
  return {
    seen,
    server,
    answer: (a: (res: ServerResponse, body: Seen['body']) => void) => (answer = a),
    listen: () =>
      new Promise<string>((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
  };
};

/** A loopback port nobody listens on. */
const closedPort = async (): Promise<string> => {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  const { port } = s.address() as AddressInfo;
  await new Promise((ok) => s.close(ok));
  return `http://127.0.0.1:${port}`;
};

const LOOPBACK = { allowLoopback: true, allowedNetworks: [] };

describe('HttpExchange (the embedded transport between node processes)', () => {
  const p = peer();
  let base: string;
  let down: string;
  const signed: { method: string; path: string; toCity: string }[] = [];
  const exchange = (url: () => string | undefined, policy = LOOPBACK) =>
    new HttpExchange({
      cityCode: '440100',
      peerBaseUrl: url,
      sign: (r) => {
        signed.push(r);
        return { 'x-guangfo-city': '440100', 'x-guangfo-signature': `sig-for-${r.toCity}` };
      },
      policy,
    });

  beforeAll(async () => {
    base = await p.listen();
    down = await closedPort();
  });

  afterAll(async () => {
    await new Promise((ok) => p.server.close(ok));
  });

  it('POSTs the transport message, signed for the peer, to its delivery path; delivered once the peer answers its outcome', async () => {
    for (const status of ['applied', 'duplicate', 'ignored', 'dead-lettered']) {
      p.answer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status, reasonCode: 'X' })));
      expect(await exchange(() => base).deliver('440600', message)).toBe(true);
    }
    const last = p.seen.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', url: EMBEDDED_DELIVERY_PATH, body: message });
    expect(last.headers).toMatchObject({
      'content-type': 'application/json',
      'x-guangfo-city': '440100',
      'x-guangfo-signature': 'sig-for-440600',
    });
    expect(signed.at(-1)).toEqual({ method: 'POST', path: EMBEDDED_DELIVERY_PATH, toCity: '440600' });
  });

  it('reports a peer that does not listen as not running (nothing delivered), and every other failure as an error', async () => {
    expect(await exchange(() => down).deliver('440600', message)).toBe(false);
    p.answer((res) =>
      res
        .writeHead(401, { 'content-type': 'application/problem+json' })
        .end('{"code":"INTERCHANGE_SIGNATURE_INVALID","detail":"signature does not verify"}'),
    );
    await expect(exchange(() => base).deliver('440600', message)).rejects.toThrow(
      '440600 answered 401 INTERCHANGE_SIGNATURE_INVALID signature does not verify',
    );
    p.answer((res) => res.writeHead(503, { 'content-type': 'application/problem+json' }).end('{"code":"SERVICE_UNAVAILABLE"}'));
    await expect(exchange(() => base).deliver('440600', message)).rejects.toThrow('440600 answered 503 SERVICE_UNAVAILABLE');
    // A 200 that is not an outcome does not count.
    p.answer((res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>ok</html>'));
    await expect(exchange(() => base).deliver('440600', message)).rejects.toThrow('440600 answered 200');
    await expect(exchange(() => undefined).deliver('440600', message)).rejects.toThrow('no base URL for city 440600');
    // The node's outbound policy holds: loopback only when it says so.
    await expect(exchange(() => base, { allowLoopback: false, allowedNetworks: [] }).deliver('440600', message)).rejects.toThrow(
      /forbidden address/,
    );
  });

  it('gives up a delivery in flight when the node stops (a peer that accepts and never answers does not hold the shutdown)', async () => {
    const hung: ServerResponse[] = [];
    p.answer((res) => hung.push(res));
    const link = new HttpExchange({ cityCode: '440100', peerBaseUrl: () => base, sign: () => ({}), policy: LOOPBACK, timeoutMs: 600_000 });
    const transport = new EmbeddedTransport('440100', CityRegistry.fromFile('seeds/cities.yaml', true), link);
    await transport.start(async () => ({ status: 'ignored' }));
    const pending = transport.publish({ event, deliveredTo: [] });
    await new Promise<void>((ok) => {
      const check = () => (hung.length ? ok() : setTimeout(check, 5));
      check();
    });
    await transport.stop();
    expect(await pending).toMatchObject({ deliveredTo: [], complete: false, error: expect.stringContaining('440600:') });
    for (const res of hung) res.destroy();
    // Stopped, not broken: a later delivery goes out again.
    p.answer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"applied"}'));
    expect(await link.deliver('440600', message)).toBe(true);
  });

  it("as the embedded transport's link: a peer that is down keeps the event undelivered, a peer that answers completes it", async () => {
    const registry = CityRegistry.fromFile('seeds/cities.yaml', true);
    p.answer((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"applied"}'));
    const up = new EmbeddedTransport(
      '440100',
      registry,
      exchange(() => base),
    );
    const gone = new EmbeddedTransport(
      '440100',
      registry,
      exchange(() => down),
    );
    expect(await gone.publish({ event, deliveredTo: [] })).toEqual({ deliveredTo: [], complete: false, error: '440600: node not running' });
    expect(await up.publish({ event, deliveredTo: [] })).toEqual({ deliveredTo: ['440600'], complete: true });
    // A broadcast goes to every peer of the registry.
    const { tocity: _t, ...broadcast } = event;
    expect(await up.publish({ event: broadcast, deliveredTo: [] })).toMatchObject({ deliveredTo: ['440600'], complete: true });
  });

  it("hands a delivered message to the node's receiver, and refuses it (503) while the node does not consume", async () => {
    const registry = CityRegistry.fromFile('seeds/cities.yaml', true);
    const transport = new EmbeddedTransport(
      '440600',
      registry,
      exchange(() => base),
    );
    await expect(transport.receive(message)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const received: WireMessage[] = [];
    await transport.start(async (m) => {
      received.push(m);
      return { status: 'applied' };
    });
    expect(await transport.receive(message)).toEqual({ status: 'applied' });
    expect(received).toEqual([message]);
    await transport.stop();
    await expect(transport.receive(message)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  describe('batch deliveries (what the transport sends)', () => {
    const registry = CityRegistry.fromFile('seeds/cities.yaml', true);
    const eventOf = (subject: string, n: number): SignedEvent => ({ ...event, id: `${subject}-${n}`, subject });
    const json = (res: ServerResponse, status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    /** Publishes the events as one relay pass; each one's result by event id. */
    const pass = async (transport: EmbeddedTransport, events: SignedEvent[]) => {
      const results = new Map<string, PublishResult>();
      const order: string[] = [];
      await transport.publishBatch(
        events.map((e) => ({ event: e, deliveredTo: [] })),
        async (i, r) => {
          results.set(events[i]!.id, r);
          order.push(events[i]!.id);
        },
      );
      return { results, order };
    };

    it('sends a lane in one signed request per 64 events, in outbox order, and counts each event the peer took', async () => {
      p.seen.length = 0;
      signed.length = 0;
      p.answer((res, body) => json(res, 200, { outcomes: body.messages!.map(() => ({ status: 'applied' })) }));
      const events = Array.from({ length: 2 * EMBEDDED_BATCH_MAX_EVENTS + 2 }, (_, n) => eventOf('s', n));
      const { results, order } = await pass(
        new EmbeddedTransport(
          '440100',
          registry,
          exchange(() => base),
        ),
        events,
      );
      expect(p.seen.map((r) => [r.url, r.body.messages!.length])).toEqual([
        [EMBEDDED_BATCH_DELIVERY_PATH, EMBEDDED_BATCH_MAX_EVENTS],
        [EMBEDDED_BATCH_DELIVERY_PATH, EMBEDDED_BATCH_MAX_EVENTS],
        [EMBEDDED_BATCH_DELIVERY_PATH, 2],
      ]);
      // One request signature per delivery, not per event.
      expect(signed).toEqual(p.seen.map(() => ({ method: 'POST', path: EMBEDDED_BATCH_DELIVERY_PATH, toCity: '440600' })));
      expect(p.seen.flatMap((r) => r.body.messages!.map((m) => m.headers.ce_id))).toEqual(events.map((e) => e.id));
      expect(order).toEqual(events.map((e) => e.id));
      expect([...results.values()].every((r) => r.complete && r.deliveredTo.join() === '440600')).toBe(true);
    });

    it('sends a small pass of many subjects as one request (one signature, one transaction there), a backlog over up to 8 requests at once', async () => {
      p.answer((res, body) => json(res, 200, { outcomes: body.messages!.map(() => ({ status: 'applied' })) }));
      const transport = new EmbeddedTransport(
        '440100',
        registry,
        exchange(() => base),
      );
      // Ten events, each its own subject (as settlements and cases are): one delivery, in outbox order.
      p.seen.length = 0;
      const few = Array.from({ length: 10 }, (_, n) => eventOf(`a${n}`, 0));
      await pass(transport, few);
      expect(p.seen.map((r) => r.body.messages!.map((m) => m.headers.ce_id))).toEqual([few.map((e) => e.id)]);
      // 200 events of 200 subjects: 8 lanes (one per 16 events, at most 8), each subject in one of them, nothing sent twice.
      p.seen.length = 0;
      const many = Array.from({ length: 200 }, (_, n) => eventOf(`b${n}`, 0));
      const { results } = await pass(transport, many);
      expect(p.seen).toHaveLength(8);
      expect(p.seen.flatMap((r) => r.body.messages!.map((m) => m.headers.ce_id)).sort()).toEqual(many.map((e) => e.id).sort());
      expect([...results.values()].every((r) => r.complete)).toBe(true);
    });

    it('stops a subject at the first event the peer did not take: the rest of it is not sent, in this request or the next; other subjects go on', async () => {
      p.seen.length = 0;
      // The peer refuses s's second event and holds the ones behind it (as a receiving node does); it takes everything else.
      p.answer((res, body) => {
        const stopped = new Set<string>();
        json(res, 200, {
          outcomes: body.messages!.map((m) => {
            if (stopped.has(m.key)) return { status: 'held' };
            if (m.headers.ce_id === 's-1') {
              stopped.add(m.key);
              return { status: 'rejected', code: 'SERVICE_UNAVAILABLE', detail: 'try later' };
            }
            return m.headers.ce_id === 't-0'
              ? { status: 'dead-lettered', reasonCode: 'SCHEMA_INVALID', reason: 'x' }
              : { status: 'applied' };
          }),
        });
      });
      // Subjects s and t share lane 0 (76 events make five lanes, one per 16; the sixth subject wraps around); s has more
      // events than one request carries.
      const others = Array.from({ length: 4 }, (_, n) => eventOf(`o${n}`, 0));
      const s = Array.from({ length: EMBEDDED_BATCH_MAX_EVENTS + 6 }, (_, n) => eventOf('s', n));
      const t = [eventOf('t', 0), eventOf('t', 1)];
      const events = [s[0]!, ...others, t[0]!, ...s.slice(1), t[1]!];
      const { results } = await pass(
        new EmbeddedTransport(
          '440100',
          registry,
          exchange(() => base),
        ),
        events,
      );
      const lane0 = p.seen.filter((r) => r.body.messages!.some((m) => m.key !== 's' && m.key !== 't') === false);
      // The first request carries 64 events of lane 0; the second only t's last: s's events behind the refused one are not sent again.
      expect(lane0.map((r) => r.body.messages!.map((m) => m.headers.ce_id))).toEqual([
        [s[0]!.id, t[0]!.id, ...s.slice(1, EMBEDDED_BATCH_MAX_EVENTS - 1).map((e) => e.id)],
        [t[1]!.id],
      ]);
      expect(results.get('s-0')).toEqual({ deliveredTo: ['440600'], complete: true });
      expect(results.get('s-1')).toEqual({ deliveredTo: [], complete: false, error: '440600: SERVICE_UNAVAILABLE try later' });
      for (const e of s.slice(2)) expect(results.get(e.id)).toMatchObject({ deliveredTo: [], complete: false, held: true });
      // A dead-lettered event counts as delivered (it will not get better by retrying); t goes on behind it.
      expect([results.get('t-0')?.complete, results.get('t-1')?.complete]).toEqual([true, true]);
      for (const o of others) expect(results.get(o.id)?.complete).toBe(true);
    });

    it('fails a whole delivery the peer did not answer with an outcome per event (retried), and reports a peer that is down as not running', async () => {
      p.answer((res) => json(res, 200, { outcomes: [{ status: 'applied' }] }));
      const two = [eventOf('a', 0), eventOf('a', 1)];
      const { results } = await pass(
        new EmbeddedTransport(
          '440100',
          registry,
          exchange(() => base),
        ),
        two,
      );
      expect(results.get('a-0')).toMatchObject({ complete: false, error: '440600: 440600 answered 200' });
      // Both were sent and neither counts: a failed attempt each (not held).
      expect(results.get('a-1')).toEqual({ deliveredTo: [], complete: false, error: '440600: 440600 answered 200' });
      p.answer((res) => json(res, 413, { code: 'PAYLOAD_TOO_LARGE', detail: 'too many' }));
      await expect(exchange(() => base).deliverBatch('440600', [message])).rejects.toThrow(
        '440600 answered 413 PAYLOAD_TOO_LARGE too many',
      );
      expect(await exchange(() => down).deliverBatch('440600', [message])).toBe(false);
      const gone = await pass(
        new EmbeddedTransport(
          '440100',
          registry,
          exchange(() => down),
        ),
        [eventOf('b', 0)],
      );
      expect(gone.results.get('b-0')).toEqual({ deliveredTo: [], complete: false, error: '440600: node not running' });
    });

    it('in one process too: the receiving node applies a batch in order; a message it cannot take holds the rest of its subject only', async () => {
      const link = new EmbeddedExchange();
      const seenHere: string[] = [];
      const receiver = new EmbeddedTransport('440600', registry, link);
      await receiver.start(async (m) => {
        const id = String(m.headers.ce_id);
        if (id === 'x-1') throw new Error('database not answering');
        seenHere.push(id);
        return { status: 'applied' };
      });
      const sender = new EmbeddedTransport('440100', registry, link);
      const events = [eventOf('x', 0), eventOf('x', 1), eventOf('x', 2)];
      const { results } = await pass(sender, events);
      expect(seenHere).toEqual(['x-0']);
      expect(results.get('x-1')).toMatchObject({ complete: false, error: expect.stringContaining('440600: SERVICE_UNAVAILABLE') });
      expect(results.get('x-2')).toMatchObject({ complete: false, held: true });
      expect(await link.deliverBatch('440600', [toTransportMessage(eventOf('x', 1)), toTransportMessage(eventOf('y', 0))])).toEqual([
        { status: 'rejected', code: 'SERVICE_UNAVAILABLE', detail: expect.any(String) },
        { status: 'applied' },
      ]);
      await receiver.stop();
      expect(await link.deliverBatch('440600', [message])).toBe(false);
    });
  });
});
