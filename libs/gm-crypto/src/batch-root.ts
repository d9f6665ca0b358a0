/**
 * Signed batch roots: one SM2 signature for a batch of events instead of one per event.
 *
 * Intended use (nothing is wired to messaging yet):
 * - The relay takes a batch of outgoing events, builds the hash tree (merkle.ts) over their leaves
 *   with {@link signBatch}, and signs one root statement {batchId, size, root, signerCity, keyId}.
 *   Each event travels with its {@link BatchInclusion} (batch id, index, size, audit path) and the
 *   {@link SignedBatchRoot}.
 * - The consumer checks the root's signature once per batch and remembers it
 *   ({@link BatchRootVerifier}); each event then costs ~log2(size) SM3 hashes.
 * - A leaf is not the bare event: it is {@link batchLeafData}(batchId, index, size, event), so an
 *   event proven in one batch cannot be presented as part of another batch, under another batch
 *   id, or at another position; the signed statement fixes the size and the signer's city and key.
 *
 * The statement is signed as the UTF-8 JSON array
 * `["guangfo-batch-root/v1", batchId, size, root, signerCity, keyId]` ({@link batchRootMessage}),
 * with the signer's SM2 key and user id; the root signature can also be checked on
 * `Sm2VerifyPool` with that message.
 */
import { MerkleTree, verifyMerkleProof } from './merkle.js';
import { Sm2Signer, sm2KeyId, sm2Verify, type Sm2Options } from './sm2.signer.js';
import type { Sm3Input } from './sm3.js';

export const BATCH_ROOT_CONTEXT = 'guangfo-batch-root/v1';
const LEAF_CONTEXT = Buffer.from('guangfo-batch-leaf/v1\0', 'utf8');
const MAX_BATCH_SIZE = 0xffffffff;

/** What the signer of a batch states. */
export interface BatchRootStatement {
  readonly batchId: string;
  /** Number of events (leaves) in the batch. */
  readonly size: number;
  /** Root of the batch's hash tree, 64 lowercase hex digits. */
  readonly root: string;
  /** City code of the signer (e.g. the sending city node). */
  readonly signerCity: string;
  /** `sm2KeyId` of the signing key. */
  readonly keyId: string;
}

/** A root statement and its SM2 signature (DER, base64) over {@link batchRootMessage}. */
export interface SignedBatchRoot extends BatchRootStatement {
  readonly signature: string;
}

/** Where one event sits in its batch. */
export interface BatchInclusion {
  readonly batchId: string;
  readonly index: number;
  readonly size: number;
  /** Audit path, leaf to root (hex). */
  readonly path: readonly string[];
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isSize = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_BATCH_SIZE;

function wellFormed(statement: BatchRootStatement): boolean {
  const { batchId, size, root, signerCity, keyId } = statement;
  return isText(batchId) && isSize(size) && typeof root === 'string' && /^[0-9a-f]{64}$/.test(root) && isText(signerCity) && isText(keyId);
}

/**
 * The bytes hashed as leaf `index` of batch `batchId` of `size` events:
 * "guangfo-batch-leaf/v1" ‖ 0x00 ‖ len(batchId) (4 bytes) ‖ batchId ‖ index (4 bytes) ‖ size (4 bytes) ‖ event.
 */
export function batchLeafData(batchId: string, index: number, size: number, event: Sm3Input): Buffer {
  if (!isText(batchId)) throw new TypeError('batchId must be a non-empty string');
  if (!isSize(size) || !Number.isSafeInteger(index) || index < 0 || index >= size)
    throw new RangeError(`no index ${index} in a batch of ${size}`);
  const id = Buffer.from(batchId, 'utf8');
  const header = Buffer.alloc(12);
  header.writeUInt32BE(id.length, 0);
  header.writeUInt32BE(index, 4);
  header.writeUInt32BE(size, 8);
  const body = typeof event === 'string' ? Buffer.from(event, 'utf8') : event;
  return Buffer.concat([LEAF_CONTEXT, header.subarray(0, 4), id, header.subarray(4), body]);
}

/** The message signed for a batch root (UTF-8 JSON array, fixed order). */
export function batchRootMessage(statement: BatchRootStatement): Buffer {
  const { batchId, size, root, signerCity, keyId } = statement;
  return Buffer.from(JSON.stringify([BATCH_ROOT_CONTEXT, batchId, size, root, signerCity, keyId]), 'utf8');
}

/** Signs a root statement with `signer` (its key id goes into the statement). */
export function signBatchRoot(statement: Omit<BatchRootStatement, 'keyId'>, signer: Sm2Signer): SignedBatchRoot {
  const full: BatchRootStatement = {
    batchId: statement.batchId,
    size: statement.size,
    root: statement.root,
    signerCity: statement.signerCity,
    keyId: signer.keyId,
  };
  if (!wellFormed(full)) throw new TypeError('batch root statement is malformed');
  return { ...full, signature: signer.sign(batchRootMessage(full)) };
}

/** Builds the tree over a batch of events, signs its root, and returns each event's inclusion. */
export function signBatch(
  events: readonly Sm3Input[],
  batch: { readonly batchId: string; readonly signerCity: string },
  signer: Sm2Signer,
): { readonly root: SignedBatchRoot; readonly inclusions: BatchInclusion[] } {
  const size = events.length;
  const tree = MerkleTree.of(events.map((event, index) => batchLeafData(batch.batchId, index, size, event)));
  const root = signBatchRoot({ batchId: batch.batchId, size, root: tree.root, signerCity: batch.signerCity }, signer);
  const inclusions = events.map((_, index) => ({ batchId: batch.batchId, index, size, path: tree.proof(index) }));
  return { root, inclusions };
}

/**
 * Whether `root` is a well-formed statement signed by `publicKey` (whose key id must be the
 * statement's). Throws only for a malformed key, as `sm2Verify`.
 */
export function verifyBatchRoot(root: SignedBatchRoot, publicKey: string, options: Sm2Options = {}): boolean {
  if (!wellFormed(root) || sm2KeyId(publicKey) !== root.keyId) return false;
  return sm2Verify(batchRootMessage(root), root.signature, publicKey, options);
}

/**
 * Whether `event` is the event at `inclusion.index` of the batch whose root statement is `root`.
 * Checks the hash tree only: the root's signature must have been verified (see {@link BatchRootVerifier}).
 */
export function verifyBatchInclusion(event: Sm3Input, inclusion: BatchInclusion, root: BatchRootStatement): boolean {
  if (!wellFormed(root) || inclusion.batchId !== root.batchId || inclusion.size !== root.size) return false;
  const { index, size, path } = inclusion;
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) return false;
  if (typeof event !== 'string' && !(event instanceof Uint8Array)) return false;
  return verifyMerkleProof(batchLeafData(root.batchId, index, size, event), path, root.root, index, size);
}

export interface BatchRootVerifierOptions {
  /** The public key of `keyId` for `signerCity`, or undefined if it is unknown (then nothing verifies). */
  readonly resolveKey: (signerCity: string, keyId: string) => string | undefined;
  /** Verified root statements remembered (default 4096, oldest forgotten first). */
  readonly maxRoots?: number;
  /** User id of the signers' SM2 keys (default `1234567812345678`). */
  readonly userId?: string;
}

/**
 * Verifies events of signed batches, checking each root statement's signature once and
 * remembering the statements that verified (never the ones that did not).
 */
export class BatchRootVerifier {
  readonly #options: BatchRootVerifierOptions;
  readonly #maxRoots: number;
  /** Verified statements: batchRootMessage (base64) + public key. */
  readonly #verified = new Set<string>();

  constructor(options: BatchRootVerifierOptions) {
    this.#options = options;
    this.#maxRoots = options.maxRoots ?? 4096;
    if (!Number.isSafeInteger(this.#maxRoots) || this.#maxRoots < 1) throw new RangeError('maxRoots must be a positive integer');
  }

  /** Number of verified root statements remembered. */
  get cachedRoots(): number {
    return this.#verified.size;
  }

  /** Whether `root` is signed by the key its statement names (memoised for statements that verify). */
  verifyRoot(root: SignedBatchRoot): boolean {
    if (!wellFormed(root)) return false;
    const publicKey = this.#options.resolveKey(root.signerCity, root.keyId);
    if (publicKey === undefined) return false;
    const cacheKey = `${batchRootMessage(root).toString('base64')} ${publicKey}`;
    if (this.#verified.has(cacheKey)) return true;
    const options = this.#options.userId === undefined ? {} : { userId: this.#options.userId };
    if (!verifyBatchRoot(root, publicKey, options)) return false;
    if (this.#verified.size >= this.#maxRoots) this.#verified.delete(this.#verified.values().next().value!);
    this.#verified.add(cacheKey);
    return true;
  }

  /** Whether `event` is included, at its stated position, in the signed batch `root`. */
  verifyEvent(event: Sm3Input, inclusion: BatchInclusion, root: SignedBatchRoot): boolean {
    return verifyBatchInclusion(event, inclusion, root) && this.verifyRoot(root);
  }
}
