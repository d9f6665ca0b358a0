import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  BatchRootVerifier,
  batchLeafData,
  batchRootMessage,
  signBatch,
  signBatchRoot,
  verifyBatchInclusion,
  verifyBatchRoot,
  type SignedBatchRoot,
} from './batch-root.js';
import { merkleRoot } from './merkle.js';
import { Sm2Signer, sm2Verify } from './sm2.signer.js';

const guangzhou = Sm2Signer.generate();
const foshan = Sm2Signer.generate();
const keys = new Map([
  [`440100 ${guangzhou.keyId}`, guangzhou.publicKey],
  [`440600 ${foshan.keyId}`, foshan.publicKey],
]);
const resolveKey = (city: string, keyId: string) => keys.get(`${city} ${keyId}`);

const events = (batch: string, count: number) =>
  Array.from({ length: count }, (_, i) => JSON.stringify({ id: `${batch}-${i}`, type: 'case-filed' }));

describe('signed batch roots', () => {
  it('signs one root per batch; every event verifies with its inclusion', () => {
    for (const size of [1, 2, 3, 7, 16, 33]) {
      const batch = events(`b${size}`, size);
      const { root, inclusions } = signBatch(batch, { batchId: `batch-${size}`, signerCity: '440100' }, guangzhou);
      expect(root).toMatchObject({ batchId: `batch-${size}`, size, signerCity: '440100', keyId: guangzhou.keyId });
      expect(root.root).toBe(merkleRoot(batch.map((e, i) => batchLeafData(`batch-${size}`, i, size, e))));
      expect(verifyBatchRoot(root, guangzhou.publicKey)).toBe(true);
      expect(sm2Verify(batchRootMessage(root), root.signature, guangzhou.publicKey)).toBe(true);
      batch.forEach((event, i) => {
        expect(inclusions[i]).toMatchObject({ batchId: `batch-${size}`, index: i, size });
        expect(verifyBatchInclusion(event, inclusions[i]!, root)).toBe(true);
        expect(verifyBatchInclusion(Buffer.from(event), inclusions[i]!, root)).toBe(true);
      });
    }
  });

  it('binds every field of the statement to the signature', () => {
    const { root } = signBatch(events('s', 5), { batchId: 'batch-s', signerCity: '440100' }, guangzhou);
    const tampered: SignedBatchRoot[] = [
      { ...root, batchId: 'batch-t' },
      { ...root, size: 6 },
      { ...root, size: 4 },
      { ...root, root: merkleRoot(['other']) },
      { ...root, signerCity: '440600' },
      { ...root, keyId: foshan.keyId },
      { ...root, signature: signBatchRoot({ ...root, batchId: 'batch-t' }, guangzhou).signature },
    ];
    for (const statement of tampered) expect(verifyBatchRoot(statement, guangzhou.publicKey)).toBe(false);
    expect(verifyBatchRoot(root, foshan.publicKey)).toBe(false); // key id is Guangzhou's
    expect(verifyBatchRoot({ ...root, keyId: foshan.keyId, signature: root.signature }, foshan.publicKey)).toBe(false);
    expect(verifyBatchRoot({ ...root, size: 0 }, guangzhou.publicKey)).toBe(false);
    expect(verifyBatchRoot({ ...root, root: root.root.toUpperCase() }, guangzhou.publicKey)).toBe(false);
    expect(() => signBatchRoot({ batchId: '', size: 1, root: root.root, signerCity: '440100' }, guangzhou)).toThrow(TypeError);
  });

  it('does not let an event move to another batch, batch id, position or size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 24 }), fc.nat(), fc.nat(), (size, a, b) => {
        const shared = events('same-events', size); // the same events in two batches
        const first = signBatch(shared, { batchId: 'batch-1', signerCity: '440100' }, guangzhou);
        const second = signBatch(shared, { batchId: 'batch-2', signerCity: '440100' }, guangzhou);
        const i = a % size;
        const j = (i + 1 + (b % (size - 1))) % size; // another index
        const event = shared[i]!;
        const inclusion = first.inclusions[i]!;
        expect(verifyBatchInclusion(event, inclusion, first.root)).toBe(true);
        // into the other batch, with its own or with the other batch's id
        expect(verifyBatchInclusion(event, inclusion, second.root)).toBe(false);
        expect(verifyBatchInclusion(event, { ...inclusion, batchId: 'batch-2' }, second.root)).toBe(false);
        // replayed under another batch id with a statement re-labelled (its signature no longer verifies)
        const relabelled = { ...first.root, batchId: 'batch-3' };
        expect(verifyBatchInclusion(event, { ...inclusion, batchId: 'batch-3' }, relabelled)).toBe(false);
        // at another position, with this or that position's path
        expect(verifyBatchInclusion(event, { ...inclusion, index: j }, first.root)).toBe(false);
        expect(verifyBatchInclusion(event, first.inclusions[j]!, first.root)).toBe(false);
        // with another size
        expect(verifyBatchInclusion(event, { ...inclusion, size: size + 1 }, first.root)).toBe(false);
        expect(verifyBatchInclusion(event, { ...inclusion, size: size + 1 }, { ...first.root, size: size + 1 })).toBe(false);
        // another event at that position
        expect(verifyBatchInclusion(`${event} `, inclusion, first.root)).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  it('verifies each root once and remembers only roots that verified', () => {
    const verifier = new BatchRootVerifier({ resolveKey, maxRoots: 2 });
    const batch = events('v', 4);
    const { root, inclusions } = signBatch(batch, { batchId: 'batch-v', signerCity: '440100' }, guangzhou);
    batch.forEach((event, i) => expect(verifier.verifyEvent(event, inclusions[i]!, root)).toBe(true));
    expect(verifier.cachedRoots).toBe(1);
    expect(verifier.verifyEvent('forged', inclusions[0]!, root)).toBe(false);

    // A statement with a bad signature, an unknown city or key: rejected and not remembered.
    const forged = { ...root, signature: foshan.sign(batchRootMessage(root)) };
    expect(verifier.verifyEvent(batch[0]!, inclusions[0]!, forged)).toBe(true); // same statement, already verified with Guangzhou's key
    const wrongCity = signBatch(batch, { batchId: 'batch-w', signerCity: '440600' }, guangzhou); // Foshan does not have this key
    expect(verifier.verifyEvent(batch[0]!, wrongCity.inclusions[0]!, wrongCity.root)).toBe(false);
    const unsigned = { ...signBatch(batch, { batchId: 'batch-u', signerCity: '440100' }, guangzhou).root };
    expect(verifier.verifyEvent(batch[0]!, { ...inclusions[0]!, batchId: 'batch-u' }, { ...unsigned, signature: forged.signature })).toBe(
      false,
    );
    expect(verifier.cachedRoots).toBe(1);

    // Bounded: the oldest statement is forgotten (and verified again when it comes back).
    for (const id of ['batch-x', 'batch-y']) {
      const other = signBatch(batch, { batchId: id, signerCity: '440600' }, foshan);
      expect(verifier.verifyEvent(batch[1]!, other.inclusions[1]!, other.root)).toBe(true);
    }
    expect(verifier.cachedRoots).toBe(2);
    expect(verifier.verifyEvent(batch[2]!, inclusions[2]!, root)).toBe(true);
    expect(verifier.cachedRoots).toBe(2);
  });
});
