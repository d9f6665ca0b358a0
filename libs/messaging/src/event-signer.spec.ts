import { describe, expect, it } from '@jest/globals';
import { generateSm2KeyPair } from '@guangfo/gm-crypto';
import { CityRegistry, type NodeConfig } from '@guangfo/platform';
import { decodeBatchProof, encodeBatchProof } from './batch-signature.js';
import { EventSigner } from './event-signer.js';
import type { SignedEvent, UnsignedEvent } from './signed-event.js';

const gz = generateSm2KeyPair();
const fs = generateSm2KeyPair();
const attacker = generateSm2KeyPair();
const registry = CityRegistry.fromData(
  {
    cities: [
      {
        code: '440100',
        nameZh: '广州市',
        nameEn: 'Guangzhou',
        provinceCode: '440000',
        signingKeys: [{ keyId: 'gz-1', alg: 'SM2-SM3', status: 'active', publicKey: gz.publicKey }],
      },
      {
        code: '440600',
        nameZh: '佛山市',
        nameEn: 'Foshan',
        provinceCode: '440000',
        signingKeys: [{ keyId: 'fs-1', alg: 'SM2-SM3', status: 'active', publicKey: fs.publicKey }],
      },
    ],
  },
  false,
);
const signerOf = (cityCode: string, keyId: string, privateKeyHex: string) =>
  new EventSigner({ cityCode, signingKey: { keyId, privateKeyHex } } as NodeConfig, registry);
const guangzhou = signerOf('440100', 'gz-1', gz.privateKey);
const foshan = signerOf('440600', 'fs-1', fs.privateKey);
/** Guangzhou's key id, but an attacker's private key. */
const impostor = signerOf('440100', 'gz-1', attacker.privateKey);

const event = (n: number): UnsignedEvent<{ n: number; name: string }> =>
  guangzhou.unsigned({
    specversion: '1.0',
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    source: '/guangfo/440100/affairs',
    type: 'gov.guangfo.affairs.case-filed.v1',
    subject: `case-${n % 3}`,
    time: '2026-12-04T08:00:00.000Z',
    datacontenttype: 'application/json',
    tocity: '440600',
    data: { n, name: `event ${n}` },
  });
const batch = (signer: EventSigner, size: number, from = 0): SignedEvent<{ n: number; name: string }>[] =>
  signer.signBatch(Array.from({ length: size }, (_, i) => event(from + i)));

describe('EventSigner: one signature per relay batch (sigbatch)', () => {
  it('every event of a batch verifies, for batch sizes 1 to 9, and carries no per-event signature', () => {
    for (let size = 1; size <= 9; size++) {
      const signed = batch(guangzhou, size);
      for (const e of signed) {
        expect(e.sig).toBeUndefined();
        expect(foshan.verify(e)).toEqual({ ok: true, city: '440100' });
      }
    }
  });

  it('a tampered event is rejected: data, an attribute, or the sender named', () => {
    const [e] = batch(guangzhou, 4);
    expect(foshan.verify({ ...e!, data: { ...e!.data, name: 'forged' } }).ok).toBe(false);
    expect(foshan.verify({ ...e!, tocity: '441200' })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    expect(foshan.verify({ ...e!, source: '/guangfo/440600/affairs', sigkeyid: 'fs-1' })).toMatchObject({
      ok: false,
      code: 'SIGNATURE_INVALID',
    });
  });

  it('an event moved into another batch, or to another position, is rejected', () => {
    const first = batch(guangzhou, 4, 0);
    const second = batch(guangzhou, 4, 100);
    // The event of batch 1 with the proof of batch 2 at the same index.
    expect(foshan.verify({ ...first[1]!, sigbatch: second[1]!.sigbatch })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    // Its own batch, another index (the path of index 2, or its own path claimed at index 2).
    expect(foshan.verify({ ...first[1]!, sigbatch: first[2]!.sigbatch })).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    const proof = decodeBatchProof(first[1]!.sigbatch!)!;
    expect(
      foshan.verify({ ...first[1]!, sigbatch: encodeBatchProof({ root: proof.root, inclusion: { ...proof.inclusion, index: 2 } }) }).ok,
    ).toBe(false);
    // Another batch id or size in the inclusion than in the signed root.
    expect(
      foshan.verify({
        ...first[1]!,
        sigbatch: encodeBatchProof({ root: { ...proof.root, batchId: 'other' }, inclusion: { ...proof.inclusion, batchId: 'other' } }),
      }).ok,
    ).toBe(false);
    expect(
      foshan.verify({
        ...first[1]!,
        sigbatch: encodeBatchProof({ root: { ...proof.root, size: 8 }, inclusion: { ...proof.inclusion, size: 8 } }),
      }).ok,
    ).toBe(false);
  });

  it('a replayed event verifies again (the receiver’s inbox makes the repeat a duplicate); its root is verified once and remembered', () => {
    const [a, b] = batch(guangzhou, 2);
    expect(foshan.verify(a!).ok).toBe(true);
    expect(foshan.verify(a!).ok).toBe(true);
    expect(foshan.verify(b!).ok).toBe(true);
  });

  it('a batch signed with another key under the pinned key id, or claiming another city, is rejected', () => {
    const [forged] = batch(impostor, 3);
    expect(foshan.verify(forged!)).toMatchObject({ ok: false, code: 'SIGNATURE_INVALID' });
    const [genuine] = batch(guangzhou, 3);
    const proof = decodeBatchProof(genuine!.sigbatch!)!;
    expect(
      foshan.verify({
        ...genuine!,
        sigbatch: encodeBatchProof({ root: { ...proof.root, signerCity: '440600' }, inclusion: proof.inclusion }),
      }).ok,
    ).toBe(false);
  });

  it('a malformed or missing proof is rejected, never thrown', () => {
    const [e] = batch(guangzhou, 2);
    for (const sigbatch of [
      '',
      'not base64!',
      Buffer.from('[1,2,3]').toString('base64url'),
      Buffer.from('{"a":1}').toString('base64url'),
      'A'.repeat(20_000),
    ]) {
      expect(foshan.verify({ ...e!, sigbatch }).ok).toBe(false);
    }
    const { sigbatch: _drop, ...bare } = e!;
    expect(foshan.verify(bare)).toMatchObject({ ok: false, code: 'UNSIGNED' });
  });

  it('per-event signatures (N-1 senders) still verify, and win over a stale sigbatch', () => {
    const single = guangzhou.sign(event(7));
    expect(foshan.verify(single).ok).toBe(true);
    const [other] = batch(guangzhou, 2, 50);
    expect(foshan.verify({ ...single, sigbatch: other!.sigbatch }).ok).toBe(true);
    expect(foshan.verify({ ...single, sig: impostor.sign(event(7)).sig }).ok).toBe(false);
  });
});
