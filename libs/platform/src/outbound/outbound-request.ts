import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup, type OutboundPolicy, refusalForHost } from './outbound-policy.js';

export class OutboundRefused extends Error {
  readonly code = 'EFORBIDDENADDRESS';
}

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers?: OutgoingHttpHeaders;
  body?: string;
  timeoutMs: number;
  policy: OutboundPolicy;
  /** Aborts the request (connect, response and body): the caller is shutting down. */
  signal?: AbortSignal;
}

/**
 * One outbound HTTP(S) request under an {@link OutboundPolicy}: the host is checked as written and
 * every resolved address at connect time; no redirects are followed (a 3xx is returned as is);
 * an overall timeout covers connect and response headers. Resolves with the response (the caller
 * reads or discards the body); rejects on a refused address, a network error or the timeout.
 */
export const outboundRequest = (url: string | URL, o: OutboundRequest): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    const target = typeof url === 'string' ? new URL(url) : url;
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return reject(new OutboundRefused(`${target.protocol} is not http(s)`));
    const why = refusalForHost(target.hostname, o.policy);
    if (why) return reject(new OutboundRefused(`forbidden address: ${why}`));
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers: OutgoingHttpHeaders = {
      ...(o.headers ?? {}),
      ...(o.body !== undefined ? { 'content-length': String(Buffer.byteLength(o.body)) } : {}),
    };
    const req = send(
      target,
      { method: o.method, headers, lookup: guardedLookup(o.policy) as never, ...(o.signal ? { signal: o.signal } : {}) },
      (res) => {
        clearTimeout(timer);
        resolve(res);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no response within ${o.timeoutMs} ms`)), o.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(o.body);
  });
