import { type BatchInclusion, type SignedBatchRoot } from '@guangfo/gm-crypto';

/**
 * The `sigbatch` extension: where an event sits in a batch the sending relay signed once, and the
 * signed root statement of that batch. Encoded as base64url of the JSON array
 * `[batchId, size, root, signerCity, keyId, signature, index, path]` (CloudEvents extension values are strings).
 */
export interface EventBatchProof {
  root: SignedBatchRoot;
  inclusion: BatchInclusion;
}

const MAX_ENCODED = 16_384;

export const encodeBatchProof = ({ root, inclusion }: EventBatchProof): string =>
  Buffer.from(
    JSON.stringify([root.batchId, root.size, root.root, root.signerCity, root.keyId, root.signature, inclusion.index, inclusion.path]),
    'utf8',
  ).toString('base64url');

/** Undefined when the value is not a well-formed proof (the verifier then rejects the event). */
export const decodeBatchProof = (value: string): EventBatchProof | undefined => {
  if (value.length > MAX_ENCODED || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 8) return undefined;
  const [batchId, size, root, signerCity, keyId, signature, index, path] = parts as unknown[];
  const isString = (v: unknown): v is string => typeof v === 'string';
  if (!isString(batchId) || !isString(root) || !isString(signerCity) || !isString(keyId) || !isString(signature)) return undefined;
  if (!Number.isSafeInteger(size) || !Number.isSafeInteger(index) || !Array.isArray(path) || !path.every(isString) || path.length > 64)
    return undefined;
  return {
    root: { batchId, size: size as number, root, signerCity, keyId, signature },
    inclusion: { batchId, index: index as number, size: size as number, path: path as string[] },
  };
};
