import { type OutboundPolicy, outboundRequest } from '@guangfo/platform';

export interface WebhookPostResult {
  /** HTTP status, when the endpoint answered. */
  statusCode?: number;
  durationMs: number;
  /** Why the attempt failed (network, timeout, non-2xx, forbidden address). Absent on success. */
  error?: string;
  ok: boolean;
}

/**
 * One POST to a partner endpoint under the outbound policy (the URL's host and every resolved
 * address are checked again now: DNS rebinding): no redirects, an overall timeout (connect +
 * response), the response body read and discarded (at most 64 KiB).
 */
export const postWebhook = async (
  url: string,
  headers: Record<string, string>,
  body: string,
  o: { timeoutMs: number; policy: OutboundPolicy },
): Promise<WebhookPostResult> => {
  const started = process.hrtime.bigint();
  const elapsed = () => Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  try {
    const res = await outboundRequest(url, { method: 'POST', headers, body, timeoutMs: o.timeoutMs, policy: o.policy });
    const status = res.statusCode ?? 0;
    await new Promise<void>((resolve) => {
      let read = 0;
      const timer = setTimeout(() => res.destroy(), Math.max(1, o.timeoutMs - elapsed()));
      const finish = () => {
        clearTimeout(timer);
        resolve();
      };
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > 65_536) res.destroy();
      });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
    });
    const ok = status >= 200 && status < 300;
    return { ok, statusCode: status, durationMs: elapsed(), ...(ok ? {} : { error: `HTTP ${status}` }) };
  } catch (err) {
    return { ok: false, durationMs: elapsed(), error: (err as Error).message };
  }
};
