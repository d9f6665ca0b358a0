import { createHash } from 'node:crypto';

/** Lower-case hex SHA-256 of text (UTF-8) or bytes. */
export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
