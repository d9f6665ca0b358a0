import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MerkleTree, merkleLeafHash, merkleNodeHash, merkleProof, merkleRoot, verifyMerkleProof } from './merkle.js';
import { sm3, sm3Bytes } from './sm3.js';

/** RFC 6962 §2.1, written as the RFC defines it (recursively), with SM3: the reference for the tree. */
function referenceRoot(leaves: readonly Uint8Array[]): Buffer {
  if (leaves.length === 1) return sm3Bytes(Buffer.from([0]), leaves[0]!);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sm3Bytes(Buffer.from([1]), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
}

/** RFC 6962 §2.1.1 PATH(m, D[n]). */
function referencePath(m: number, leaves: readonly Uint8Array[]): Buffer[] {
  if (leaves.length === 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...referencePath(m, leaves.slice(0, k)), referenceRoot(leaves.slice(k))]
    : [...referencePath(m - k, leaves.slice(k)), referenceRoot(leaves.slice(0, k))];
}

/**
 * Distinct leaves: two equal leaves are interchangeable in a bare hash tree (the same data at
 * index 0 or 1 of ['x', 'x'] proves either way), which is why batch leaves bind their index.
 */
const leafList = (max = 70) =>
  fc.uniqueArray(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: max, selector: (leaf) => Buffer.from(leaf).toString('hex') });
/** A list of leaves and an index into it. */
const leavesAndIndex = leafList().chain((leaves) => fc.tuple(fc.constant(leaves), fc.nat({ max: leaves.length - 1 })));

const pathLength = (index: number, size: number): number =>
  MerkleTree.of(Array.from({ length: size }, (_, i) => `${i}`)).proof(index).length;

const flipHex = (hex: string, at: number): string => {
  const i = at % hex.length;
  return hex.slice(0, i) + (Number.parseInt(hex[i]!, 16) ^ 1).toString(16) + hex.slice(i + 1);
};

describe('hash tree (RFC 6962 with SM3)', () => {
  it('separates leaves from inner nodes', () => {
    expect(merkleLeafHash('a').toString('hex')).toBe(sm3(Buffer.concat([Buffer.from([0]), Buffer.from('a')])));
    expect(merkleLeafHash('a').toString('hex')).not.toBe(sm3('a'));
    const [a, b] = [merkleLeafHash('a'), merkleLeafHash('b')];
    expect(merkleNodeHash(a, b).toString('hex')).toBe(sm3(Buffer.concat([Buffer.from([1]), a, b])));
    expect(merkleRoot(['a', 'b'])).toBe(merkleNodeHash(a, b).toString('hex'));
    // Three leaves: the split is at 2, the third leaf is not duplicated.
    expect(merkleRoot(['a', 'b', 'c'])).toBe(merkleNodeHash(merkleNodeHash(a, b), merkleLeafHash('c')).toString('hex'));
    expect(merkleRoot(['a', 'b', 'c'])).not.toBe(merkleRoot(['a', 'b', 'c', 'c']));
    // An inner node's preimage presented as a single leaf does not give the same root.
    const concatenated = Buffer.concat([a, b]);
    expect(verifyMerkleProof(concatenated, [], merkleRoot(['a', 'b']), 0, 1)).toBe(false);
  });

  it('has the size-1 tree: root = leaf hash, empty proof', () => {
    expect(merkleRoot(['only'])).toBe(merkleLeafHash('only').toString('hex'));
    expect(merkleProof(['only'], 0)).toEqual([]);
    expect(verifyMerkleProof('only', [], merkleRoot(['only']), 0, 1)).toBe(true);
    expect(verifyMerkleProof('only', [], merkleRoot(['only']), 1, 1)).toBe(false);
    expect(verifyMerkleProof('only', [], merkleRoot(['only']), 0, 2)).toBe(false);
    expect(verifyMerkleProof('other', [], merkleRoot(['only']), 0, 1)).toBe(false);
  });

  it('refuses an empty tree and out-of-range proofs', () => {
    expect(() => merkleRoot([])).toThrow(RangeError);
    expect(() => merkleProof(['a'], 1)).toThrow(RangeError);
    expect(() => MerkleTree.of(['a', 'b']).proof(-1)).toThrow(RangeError);
  });

  it('equals the recursive definition of RFC 6962, root and paths', () => {
    fc.assert(
      fc.property(leavesAndIndex, ([leaves, index]) => {
        const tree = MerkleTree.of(leaves);
        expect(tree.size).toBe(leaves.length);
        expect(tree.root).toBe(referenceRoot(leaves).toString('hex'));
        expect(tree.proof(index)).toEqual(referencePath(index, leaves).map((h) => h.toString('hex')));
      }),
      { numRuns: 150 },
    );
  });

  it("verifies every leaf's proof, for every size from 1 to 40", () => {
    for (let size = 1; size <= 40; size++) {
      const leaves = Array.from({ length: size }, (_, i) => `event ${i}`);
      const tree = MerkleTree.of(leaves);
      leaves.forEach((leaf, i) => {
        expect(verifyMerkleProof(leaf, tree.proof(i), tree.root, i, size)).toBe(true);
        expect(verifyMerkleProof(Buffer.from(leaf), tree.proof(i), Buffer.from(tree.root, 'hex'), i, size)).toBe(true);
      });
    }
  });

  it('fails when the leaf, the index, the size, the root or any path element changes', () => {
    fc.assert(
      fc.property(leavesAndIndex, fc.nat(), fc.integer({ min: 1, max: 200 }), ([leaves, index], at, otherSize) => {
        const tree = MerkleTree.of(leaves);
        const size = leaves.length;
        const proof = tree.proof(index);
        const leaf = leaves[index]!;
        expect(verifyMerkleProof(leaf, proof, tree.root, index, size)).toBe(true);
        // another leaf
        const changed = Uint8Array.from([...leaf, 0]);
        expect(verifyMerkleProof(changed, proof, tree.root, index, size)).toBe(false);
        // another index (the same leaf data elsewhere in the tree has its own path)
        for (const other of [index - 1, index + 1, index ^ 1, (index + at) % size]) {
          if (other !== index) expect(verifyMerkleProof(leaf, proof, tree.root, other, size)).toBe(false);
        }
        // another size, where the path for this index has another length: a proof fixes the size only as far as
        // the tree's shape along the path (leaf 0 has the same path in trees of 5 and 6 leaves), which is why a
        // signed batch root states the size and batch leaves include it (batch-root.spec.ts).
        if (otherSize !== size && (index >= otherSize || pathLength(index, otherSize) !== proof.length)) {
          expect(verifyMerkleProof(leaf, proof, tree.root, index, otherSize)).toBe(false);
        }
        // another root
        expect(verifyMerkleProof(leaf, proof, flipHex(tree.root, at), index, size)).toBe(false);
        // a changed, dropped or extra path element
        if (proof.length > 0) {
          const i = at % proof.length;
          expect(
            verifyMerkleProof(
              leaf,
              proof.map((h, j) => (j === i ? flipHex(h, at) : h)),
              tree.root,
              index,
              size,
            ),
          ).toBe(false);
          expect(verifyMerkleProof(leaf, proof.slice(0, -1), tree.root, index, size)).toBe(false);
          expect(
            verifyMerkleProof(
              leaf,
              proof.filter((_, j) => j !== i),
              tree.root,
              index,
              size,
            ),
          ).toBe(false);
        }
        expect(verifyMerkleProof(leaf, [...proof, tree.root], tree.root, index, size)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('returns false (never throws) for malformed proofs', () => {
    const leaves = ['a', 'b', 'c', 'd', 'e'];
    const tree = MerkleTree.of(leaves);
    const proof = tree.proof(2);
    for (const [path, root, index, size] of [
      [proof, 'zz', 2, 5],
      [proof, tree.root.slice(2), 2, 5],
      [[...proof.slice(0, -1), 'not hex'], tree.root, 2, 5],
      [[...proof.slice(0, -1), new Uint8Array(31)], tree.root, 2, 5],
      [proof, tree.root, -1, 5],
      [proof, tree.root, 2.5, 5],
      [proof, tree.root, 2, 0],
      [proof, tree.root, 5, 5],
      [proof, tree.root, Number.NaN, 5],
      ['not an array', tree.root, 2, 5],
    ] as const) {
      expect(verifyMerkleProof('c', path as never, root as never, index, size)).toBe(false);
    }
    expect(verifyMerkleProof(42 as never, proof, tree.root, 2, 5)).toBe(false);
    expect(
      verifyMerkleProof(
        'c',
        proof.map((h) => h.toUpperCase()),
        tree.root.toUpperCase(),
        2,
        5,
      ),
    ).toBe(true);
  });
});
