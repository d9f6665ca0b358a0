import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { guardedLookup } from './webhook-url.js';

export interface WebhookPostResult {
  /** HTTP status, when the endpoint answered. */
  statusCode?: number;
  durationMs: number;
  /** Why the attempt failed (network, timeout, non-2xx). Absent on success. */
  error?: string;
  ok: boolean;
}

/**
 * One POST to a partner endpoint: no redirects, an overall timeout (connect + response), the
 * response body read and discarded (at most 64 KiB). Outside the sandbox names resolving to
 * private addresses are refused.
 */
export const postWebhook = (url: string, headers: Record<string, string>, body: string, o: { timeoutMs: number; allowPrivate: boolean }): Promise<WebhookPostResult> =>
  new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    let settled = false;
    const done = (r: Omit<WebhookPostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: elapsed() });
    };
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        ...(o.allowPrivate ? {} : { lookup: guardedLookup as never }),
      },
      (res: IncomingMessage) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > 65_536) res.destroy();
        });
        const finish = () => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          done({ ok, statusCode: status, ...(ok ? {} : { error: `HTTP ${status}` }) });
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no response within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    req.on('error', (err: Error) => done({ ok: false, error: err.message }));
    req.end(body);
  });
