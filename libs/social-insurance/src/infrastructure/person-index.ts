import { createHmac, hkdfSync } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Sealer } from '@guangfo/gm-crypto';
import { NODE_CONFIG, type NodeConfig } from '@guangfo/platform';

/**
 * Persons at rest: the ID number sealed (the platform's Sealer, bound to the person row), and a
 * keyed index to find the row — HMAC-SM3 under a key derived (HKDF-SM3) from each key of the
 * node's sealing keyring, written `<keyId>.<hex>`. A lookup tries every key of the keyring, so a
 * rotated keyring still finds rows indexed under an older key; new rows use the newest key.
 */
@Injectable()
export class PersonIndex {
  private readonly keys: { keyId: string; key: Buffer }[];

  constructor(
    @Inject(NODE_CONFIG) config: NodeConfig,
    private readonly sealer: Sealer,
  ) {
    this.keys = config.sealingKeys.map((k) => ({
      keyId: k.keyId,
      key: Buffer.from(
        hkdfSync(
          'sm3',
          Buffer.from(k.keyHex, 'hex'),
          Buffer.from('guangfo/social-insurance/v1'),
          Buffer.from(`person-index\u0000${k.keyId}`),
          32,
        ),
      ),
    }));
  }

  private indexWith(k: { keyId: string; key: Buffer }, idNumber: string): string {
    return `${k.keyId}.${createHmac('sm3', k.key).update(idNumber.toUpperCase()).digest('hex')}`;
  }

  /** The index a new row gets (newest key). */
  current(idNumber: string): string {
    return this.indexWith(this.keys[0]!, idNumber);
  }

  /** Every index the person may be stored under. */
  candidates(idNumber: string): string[] {
    return this.keys.map((k) => this.indexWith(k, idNumber));
  }

  sealId(personId: string, idNumber: string): string {
    return this.sealer.seal(idNumber, `social-insurance.person.id:${personId}`);
  }

  openId(personId: string, sealed: string): string {
    return this.sealer.open(sealed, `social-insurance.person.id:${personId}`);
  }

  sealName(personId: string, name: string): string {
    return this.sealer.seal(name, `social-insurance.person.name:${personId}`);
  }

  openName(personId: string, sealed: string): string {
    return this.sealer.open(sealed, `social-insurance.person.name:${personId}`);
  }

  /** Months of a person held for a request or transfer (other cities' data): sealed, bound to where they are kept. */
  sealJson(purpose: string, value: unknown): string {
    return this.sealer.seal(JSON.stringify(value), `social-insurance.${purpose}`);
  }

  openJson<T>(purpose: string, sealed: string): T {
    return JSON.parse(this.sealer.open(sealed, `social-insurance.${purpose}`)) as T;
  }
}
