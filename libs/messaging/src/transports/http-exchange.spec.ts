import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CityRegistry } from '@guangfo/platform';
import { type SignedEvent, toTransportMessage, type TransportMessage, type WireMessage } from '../signed-event.js';
import { EmbeddedTransport } from './embedded.transport.js';
import { EMBEDDED_DELIVERY_PATH, HttpExchange } from './http-exchange.js';

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
  body: TransportMessage;
}

/** A stand-in for the peer's delivery endpoint on 127.0.0.1: answers what `answer` says. */
const peer = () => {
  const seen: Seen[] = [];
  let answer: (res: ServerResponse) => void = (res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"applied"}');
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(text) as TransportMessage });
      answer(res);
    });
  });
  return {
    seen,
    server,
    answer: (a: (res: ServerResponse) => void) => (answer = a),
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
});
