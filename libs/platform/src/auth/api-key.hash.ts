import { createHash, randomBytes } from 'node:crypto';

/** API keys are high-entropy random strings, so an unsalted SHA-256 is enough to store them. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');
export const generateApiKey = (): string => `gfk_${randomBytes(24).toString('base64url')}`;
