import { createHash } from 'node:crypto';
import { stringify } from 'safe-stable-stringify';

/**
 * Canonical JSON for hashing and event signatures: object keys sorted, no whitespace, `undefined`
 * members dropped. (Signed credentials use the stricter form in libs/credentials, which also
 * refuses non-integers so that no two implementations can disagree on a signed document.)
 */
export const canonicalJson = (value: unknown): string => stringify(value) ?? 'null';

/** Lower-case hex SHA-256 of text (UTF-8) or bytes. */
export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
