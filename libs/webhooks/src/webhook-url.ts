import { isLoopbackHost, type OutboundPolicy, refusalForHost } from '@guangfo/platform';

export type WebhookUrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/**
 * A partner's webhook target, checked when it subscribes: `https://` to a host the outbound policy
 * allows; `http://` only to a loopback host and only where the policy allows loopback (the sandbox,
 * by explicit setting). Names are checked again on every resolved address at delivery time.
 */
export const checkWebhookUrl = (raw: string, policy: OutboundPolicy): WebhookUrlVerdict => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not an absolute URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'credentials in the URL are not allowed' };
  if (url.hash) return { ok: false, reason: 'a fragment is not allowed' };
  if (url.protocol === 'http:') {
    if (policy.allowLoopback && isLoopbackHost(url.hostname)) return { ok: true, url };
    return {
      ok: false,
      reason: policy.allowLoopback ? 'http:// is allowed only to a loopback host (127.0.0.1, ::1, localhost)' : 'https:// is required',
    };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'https:// is required' };
  const why = refusalForHost(url.hostname, policy);
  if (why) return { ok: false, reason: `loopback, private, link-local and metadata addresses are not allowed (${why})` };
  return { ok: true, url };
};
