/**
 * SM3 hash trees: the Merkle tree of RFC 6962 §2.1 (RFC 9162 §2.1) with SM3 as its hash.
 *
 * - Leaves and inner nodes are domain-separated: leaf = SM3(0x00 ‖ data), node = SM3(0x01 ‖ left ‖ right),
 *   so an inner node can never be presented as a leaf (second-preimage attacks on the tree).
 * - For n > 1 leaves the tree splits at k, the largest power of two below n: no leaf is duplicated
 *   to fill a level, so a list and the list with its last leaf repeated have different roots.
 * - An inclusion proof is the audit path of RFC 6962 §2.1.1, leaf to root; verification is the
 *   algorithm of RFC 9162 §2.1.3.2, which checks the path against the leaf's index and the tree size.
 *   A proof fixes the size only as far as the tree's shape along its path (leaf 0 has the same path
 *   in trees of 5 and 6 leaves), and equal leaves are interchangeable: sign the size with the root
 *   and put the index into the leaf (batch-root.ts does both).
 *
 * Hashes are exchanged as lowercase hex (64 digits), as `sm3` returns them. Verification never
 * throws on malformed proofs: it returns false.
 */
import { SM3_DIGEST_LENGTH, sm3Bytes, type Sm3Input } from './sm3.js';

/** A 32-byte SM3 digest: bytes, or 64 hex digits. */
export type MerkleHash = string | Uint8Array;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SM3(0x00 ‖ data). */
export function merkleLeafHash(data: Sm3Input): Buffer {
  return sm3Bytes(LEAF_PREFIX, data);
}

/** SM3(0x01 ‖ left ‖ right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sm3Bytes(NODE_PREFIX, left, right);
}

function hashBytes(hash: MerkleHash): Buffer | undefined {
  if (hash instanceof Uint8Array) return hash.length === SM3_DIGEST_LENGTH ? Buffer.from(hash) : undefined;
  return typeof hash === 'string' && /^[0-9a-fA-F]{64}$/.test(hash) ? Buffer.from(hash, 'hex') : undefined;
}

/**
 * A hash tree over a list of leaves, every level kept: the root, and each leaf's proof in
 * O(log n) (a relay proves every event of a batch).
 */
export class MerkleTree {
  /** levels[0]: leaf hashes; each next level pairs neighbours and carries an unpaired last node up. */
  readonly #levels: Buffer[][];

  private constructor(levels: Buffer[][]) {
    this.#levels = levels;
  }

  /** Builds the tree over `leaves` (their data, hashed here as leaves). Throws for an empty list. */
  static of(leaves: readonly Sm3Input[]): MerkleTree {
    if (leaves.length === 0) throw new RangeError('a hash tree needs at least one leaf');
    const levels = [leaves.map(merkleLeafHash)];
    for (let level = levels[0]!; level.length > 1;) {
      const next: Buffer[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? merkleNodeHash(level[i]!, level[i + 1]!) : level[i]!);
      levels.push(next);
      level = next;
    }
    return new MerkleTree(levels);
  }

  /** Number of leaves. */
  get size(): number {
    return this.#levels[0]!.length;
  }

  /** The root hash (hex). */
  get root(): string {
    return this.#levels[this.#levels.length - 1]![0]!.toString('hex');
  }

  /** The audit path of leaf `index` (hex hashes, leaf to root). */
  proof(index: number): string[] {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) throw new RangeError(`no leaf ${index} in a tree of ${this.size}`);
    const path: string[] = [];
    let i = index;
    for (const level of this.#levels.slice(0, -1)) {
      const sibling = i ^ 1;
      if (sibling < level.length) path.push(level[sibling]!.toString('hex'));
      i = Math.floor(i / 2);
    }
    return path;
  }
}

/** The root (hex) of the hash tree over `leaves`. Throws for an empty list. */
export function merkleRoot(leaves: readonly Sm3Input[]): string {
  return MerkleTree.of(leaves).root;
}

/** The inclusion proof of `leaves[index]` (hex hashes, leaf to root). Use {@link MerkleTree} to prove many leaves. */
export function merkleProof(leaves: readonly Sm3Input[], index: number): string[] {
  return MerkleTree.of(leaves).proof(index);
}

/**
 * RFC 9162 §2.1.3.2: the root that `proof` leads to from the leaf hash at `index` in a tree of
 * `size` leaves, or undefined if the path does not fit that index and size.
 */
function rootFromProof(leafHash: Buffer, proof: readonly MerkleHash[], index: number, size: number): Buffer | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const element of proof) {
    const p = hashBytes(element);
    if (p === undefined || sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = merkleNodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = merkleNodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

/**
 * Whether `leaf` (its data) is leaf `index` of the tree of `size` leaves whose root is `root`,
 * by its inclusion proof. False for any malformed input.
 */
export function verifyMerkleProof(leaf: Sm3Input, proof: readonly MerkleHash[], root: MerkleHash, index: number, size: number): boolean {
  const expected = hashBytes(root);
  if (expected === undefined || !Array.isArray(proof)) return false;
  if (typeof leaf !== 'string' && !(leaf instanceof Uint8Array)) return false;
  const computed = rootFromProof(merkleLeafHash(leaf), proof, index, size);
  return computed !== undefined && computed.equals(expected);
}
