import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { BatchRootVerifier, signBatch, sm2KeyId, sm2Sign, Sm2Signer, sm2Verify } from '@guangfo/gm-crypto';
import { CityRegistry, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { decodeBatchProof, encodeBatchProof } from './batch-signature.js';
import { type SignedEvent, signingInput, sourceCity, type UnsignedEvent } from './signed-event.js';

export type SignatureVerdict =
  { ok: true; city: string } | { ok: false; code: 'UNSIGNED' | 'UNKNOWN_SIGNER' | 'SIGNATURE_INVALID'; reason: string };

/**
 * Signs outgoing events with this city's key; verifies incoming ones against the sender's pinned key.
 * Two forms, both verified: one signature per event (`sig`), or one per relay batch (`sigbatch`: the
 * event's hash-tree inclusion and the signed root; a root is verified once and remembered).
 */
@Injectable()
export class EventSigner {
  private readonly batchSigner: Sm2Signer;
  private readonly roots: BatchRootVerifier;
  /** sm2KeyId of each pinned public key (the batch root names its key by it). */
  private readonly keyIds = new Map<string, string>();

  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
  ) {
    this.batchSigner = Sm2Signer.fromPrivateKey(config.signingKey.privateKeyHex);
    this.roots = new BatchRootVerifier({
      resolveKey: (city, keyId) => {
        const entry = this.registry.all().find((c) => c.code === city);
        return entry?.signingKeys.find((k) => k.status === 'active' && this.keyIdOf(k.publicKey) === keyId)?.publicKey;
      },
    });
  }

  private keyIdOf(publicKey: string): string {
    let id = this.keyIds.get(publicKey);
    if (!id) this.keyIds.set(publicKey, (id = sm2KeyId(publicKey)));
    return id;
  }

  /** The event with this city's key id, not yet signed (the relay signs it in its batch). */
  unsigned<T>(event: Omit<UnsignedEvent<T>, 'sigkeyid'>): UnsignedEvent<T> {
    return { ...event, sigkeyid: this.config.signingKey.keyId };
  }

  /** One signature for this event alone. */
  sign<T>(event: Omit<UnsignedEvent<T>, 'sigkeyid'>): SignedEvent<T> {
    const unsigned = this.unsigned(event);
    return { ...unsigned, sig: sm2Sign(signingInput(unsigned), this.config.signingKey.privateKeyHex) };
  }

  /** One signature for the whole batch: each event gets its `sigbatch` (inclusion proof + signed root). */
  signBatch<T>(events: readonly UnsignedEvent<T>[]): SignedEvent<T>[] {
    if (!events.length) return [];
    const { root, inclusions } = signBatch(
      events.map((e) => signingInput(e)),
      { batchId: randomUUID(), signerCity: this.config.cityCode },
      this.batchSigner,
    );
    return events.map((e, i) => ({ ...e, sigbatch: encodeBatchProof({ root, inclusion: inclusions[i]! }) }));
  }

  verify(event: Partial<SignedEvent>): SignatureVerdict {
    if ((!event.sig && !event.sigbatch) || !event.sigkeyid)
      return { ok: false, code: 'UNSIGNED', reason: 'event carries no sig/sigbatch and sigkeyid extension' };
    const city = event.source ? sourceCity(event.source) : undefined;
    if (!city) return { ok: false, code: 'UNKNOWN_SIGNER', reason: `source ${String(event.source)} names no city` };
    const key = this.registry.verificationKey(city, event.sigkeyid);
    if (!key) return { ok: false, code: 'UNKNOWN_SIGNER', reason: `no active key ${event.sigkeyid} pinned for city ${city}` };
    const invalid: SignatureVerdict = {
      ok: false,
      code: 'SIGNATURE_INVALID',
      reason: `signature does not verify with ${city}/${key.keyId}`,
    };
    let valid = false;
    try {
      if (event.sig) valid = sm2Verify(signingInput(event as SignedEvent), event.sig, key.publicKey);
      else {
        const proof = decodeBatchProof(event.sigbatch!);
        valid =
          proof !== undefined &&
          proof.root.signerCity === city &&
          proof.root.keyId === this.keyIdOf(key.publicKey) &&
          this.roots.verifyEvent(signingInput(event as SignedEvent), proof.inclusion, proof.root);
      }
    } catch {
      valid = false;
    }
    return valid ? { ok: true, city } : invalid;
  }
}
