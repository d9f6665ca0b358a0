/**
 * Opaque page cursors: base64url (RFC 4648 §5) of the JSON of a small payload the list endpoint
 * chooses (its sort key and a tie-breaker). Clients get them from `nextCursor` and send them back
 * unchanged; they never build one. Each endpoint maps a rejected cursor to its own problem code.
 */

/** Longest cursor accepted: ours are well under 200 characters; anything longer is not one of ours. */
export const CURSOR_MAX_LENGTH = 512;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export const encodeCursor = (payload: unknown): string => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');

/**
 * The payload of a cursor this API issued, or `undefined` when `raw` is not one: too long, not
 * base64url, not JSON, or (with `accept`) not of the expected shape.
 */
export function decodeCursor<T = unknown>(raw: string, accept?: (payload: unknown) => payload is T): T | undefined {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > CURSOR_MAX_LENGTH || !BASE64URL.test(raw)) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (accept && !accept(payload)) return undefined;
  return payload as T;
}
