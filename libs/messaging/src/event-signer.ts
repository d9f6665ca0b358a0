import { Inject, Injectable } from '@nestjs/common';
import { sm2Sign, sm2Verify } from '@guangfo/gm-crypto';
import { CityRegistry, NODE_CONFIG, type NodeConfig } from '@guangfo/platform';
import { type SignedEvent, signingInput, sourceCity, type UnsignedEvent } from './signed-event.js';

export type SignatureVerdict =
  | { ok: true; city: string }
  | { ok: false; code: 'UNSIGNED' | 'UNKNOWN_SIGNER' | 'SIGNATURE_INVALID'; reason: string };

/** Signs outgoing events with this city's key; verifies incoming ones against the sender's pinned key. */
@Injectable()
export class EventSigner {
  constructor(
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly registry: CityRegistry,
  ) {}

  sign<T>(event: Omit<UnsignedEvent<T>, 'sigkeyid'>): SignedEvent<T> {
    const unsigned: UnsignedEvent<T> = { ...event, sigkeyid: this.config.signingKey.keyId };
    return { ...unsigned, sig: sm2Sign(signingInput(unsigned), this.config.signingKey.privateKeyHex) };
  }

  verify(event: Partial<SignedEvent>): SignatureVerdict {
    if (!event.sig || !event.sigkeyid) return { ok: false, code: 'UNSIGNED', reason: 'event carries no sig/sigkeyid extension' };
    const city = event.source ? sourceCity(event.source) : undefined;
    if (!city) return { ok: false, code: 'UNKNOWN_SIGNER', reason: `source ${String(event.source)} names no city` };
    const key = this.registry.verificationKey(city, event.sigkeyid);
    if (!key) return { ok: false, code: 'UNKNOWN_SIGNER', reason: `no active key ${event.sigkeyid} pinned for city ${city}` };
    let valid = false;
    try {
      valid = sm2Verify(signingInput(event as SignedEvent), event.sig, key.publicKey);
    } catch {
      valid = false;
    }
    if (!valid) {
      return { ok: false, code: 'SIGNATURE_INVALID', reason: `signature does not verify with ${city}/${key.keyId}` };
    }
    return { ok: true, city };
  }
}
