import { createHash, createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Sealer } from '@guangfo/gm-crypto';
import { NODE_CONFIG, type NodeConfig } from '@guangfo/platform';

/**
 * An insured person's ID number and name at rest: sealed with the node's data-sealing keyring, bound to the person id; and a
 * keyed lookup digest (`person_key`, HMAC-SHA256 under a key derived from the node's first sealing key) so a hospital's
 * 1101 query finds the person without the number being stored in clear. Rotating the first sealing key needs the digests
 * recomputed (not built: see docs/medical-settlement.md).
 */
@Injectable()
export class PersonSeal {
  private readonly lookupKey: Buffer;

  constructor(
    private readonly sealer: Sealer,
    @Inject(NODE_CONFIG) config: NodeConfig,
  ) {
    const first = config.sealingKeys[0];
    if (!first) throw new Error('medical-settlement needs a data-sealing key (DATA_SEALING_KEYS)');
    this.lookupKey = createHash('sha256').update(`guangfo.medical.person-key/v1:${first.keyHex}`).digest();
  }

  personKey(idNumber: string): string {
    return createHmac('sha256', this.lookupKey).update(idNumber.toUpperCase()).digest('hex');
  }

  seal(personId: string, field: 'id-number' | 'name', value: string): string {
    return this.sealer.seal(value, `medical.person.${field}:${personId}`);
  }

  open(personId: string, field: 'id-number' | 'name', sealed: string): string {
    return this.sealer.open(sealed, `medical.person.${field}:${personId}`);
  }
}
