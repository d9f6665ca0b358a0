/**
 * SM3 cryptographic hash (GB/T 32905-2016, GM/T 0004-2012), computed by
 * Node's OpenSSL-backed `crypto` module.
 *
 * Strings are hashed as their UTF-8 bytes. Output is a 256-bit digest, as
 * lowercase hex (`sm3`) or raw bytes (`sm3Bytes`).
 *
 * @example sm3('abc') === '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0'
 */
import { createHash, getHashes, type Hash } from 'node:crypto';

export type Sm3Input = string | Uint8Array;

/** Length of an SM3 digest in bytes. */
export const SM3_DIGEST_LENGTH = 32;

function newSm3(): Hash {
  try {
    return createHash('sm3');
  } catch (cause) {
    throw new Error(`SM3 is not available in this Node.js/OpenSSL build (getHashes() has no "sm3": ${!getHashes().includes('sm3')})`, {
      cause,
    });
  }
}

/** SM3 digest of `data` (or of the concatenation of several parts) as raw bytes. */
export function sm3Bytes(...parts: Sm3Input[]): Buffer {
  const hash = newSm3();
  for (const part of parts) hash.update(typeof part === 'string' ? Buffer.from(part, 'utf8') : part);
  return hash.digest();
}

/** SM3 digest of `data` (or of the concatenation of several parts) as lowercase hex. */
export function sm3(...parts: Sm3Input[]): string {
  return sm3Bytes(...parts).toString('hex');
}

/** An SM3 computed part by part: `update` with each part in order, then `hex()` once. */
export interface Sm3Digester {
  update(part: Sm3Input): Sm3Digester;
  /** The digest of every part so far, as lowercase hex; the digester is finished after it. */
  hex(): string;
}

/** SM3 over parts fed one by one (a large input hashed as it is produced, never held whole). */
export function sm3Digester(): Sm3Digester {
  const hash = newSm3();
  const d: Sm3Digester = {
    update: (part) => {
      hash.update(typeof part === 'string' ? Buffer.from(part, 'utf8') : part);
      return d;
    },
    hex: () => hash.digest('hex'),
  };
  return d;
}
