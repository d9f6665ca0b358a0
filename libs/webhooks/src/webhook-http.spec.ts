import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DENY_PRIVATE, type OutboundPolicy } from '@guangfo/platform';
import { postWebhook } from './webhook-http.js';

const LOOPBACK_OK: OutboundPolicy = { allowLoopback: true, allowedNetworks: [] };

describe('postWebhook', () => {
  let server: Server;
  let base: string;
  const seen: { headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        if (req.url === '/ok') res.writeHead(204).end();
        else if (req.url === '/fail') res.writeHead(500).end('boom');
        else if (req.url === '/redirect') res.writeHead(302, { location: '/ok' }).end();
        // '/hang': never answers
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('posts the body with the headers and reports 2xx as success', async () => {
    const r = await postWebhook(`${base}/ok`, { 'content-type': 'application/json', 'x-test': '1' }, '{"a":1}', {
      timeoutMs: 2000,
      policy: LOOPBACK_OK,
    });
    expect(r).toMatchObject({ ok: true, statusCode: 204 });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
    expect(seen.at(-1)).toMatchObject({ body: '{"a":1}', headers: expect.objectContaining({ 'x-test': '1', 'content-length': '7' }) });
  });

  it('reports a non-2xx answer (redirects are not followed) as a failure with its status', async () => {
    expect(await postWebhook(`${base}/fail`, {}, '{}', { timeoutMs: 2000, policy: LOOPBACK_OK })).toMatchObject({
      ok: false,
      statusCode: 500,
      error: 'HTTP 500',
    });
    expect(await postWebhook(`${base}/redirect`, {}, '{}', { timeoutMs: 2000, policy: LOOPBACK_OK })).toMatchObject({
      ok: false,
      statusCode: 302,
    });
  });

  it('gives up after the timeout', async () => {
    const r = await postWebhook(`${base}/hang`, {}, '{}', { timeoutMs: 200, policy: LOOPBACK_OK });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/no response within 200 ms/);
    expect(r.durationMs).toBeLessThan(2000);
  });

  it('reports connection errors', async () => {
    const r = await postWebhook('http://127.0.0.1:1/x', {}, '{}', { timeoutMs: 2000, policy: LOOPBACK_OK });
    expect(r).toMatchObject({ ok: false });
    expect(r.error).toMatch(/ECONNREFUSED/);
  });

  it('refuses loopback names and addresses unless allowed (SSRF at delivery time too)', async () => {
    for (const url of [`${base}/ok`, `${base.replace('127.0.0.1', '[::1]')}/ok`, `${base.replace('127.0.0.1', 'localhost')}/ok`]) {
      const r = await postWebhook(url, {}, '{}', { timeoutMs: 2000, policy: DENY_PRIVATE });
      expect({ url, ok: r.ok, error: r.error }).toEqual({ url, ok: false, error: expect.stringMatching(/forbidden address/) });
    }
  });

  it('refuses names resolving to private addresses unless allowed (SSRF at connect time)', async () => {
    const r = await postWebhook(`${base.replace('127.0.0.1', 'localhost')}/ok`, {}, '{}', { timeoutMs: 2000, policy: DENY_PRIVATE });
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/forbidden address/);
  });
});
