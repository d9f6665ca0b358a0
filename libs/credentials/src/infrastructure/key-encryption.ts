import { Sealer } from '@guangfo/gm-crypto';

/** The associated data an issuer private key is sealed with: its purpose and its key id. */
export const issuerKeyAd = (keyId: string): string => `credentials.issuer-key.private-key:${keyId}`;

/**
 * Issuer private keys at rest. Production would keep them in an HSM or a KMS (GM/T 0018 signing
 * server / 密码机) and never see the private key; this project keeps them in the city's own
 * database, always sealed with the node's data-sealing keyring (the platform's Sealer,
 * DATA_SEALING_KEYS: its own key, never the signing key), bound to the issuer key id.
 */
export class KeyEncryption {
  constructor(private readonly sealer: Sealer) {}

  seal(privateKeyHex: string, keyId: string): string {
    return this.sealer.seal(Buffer.from(privateKeyHex, 'hex'), issuerKeyAd(keyId));
  }

  /** The private key (hex). Throws with a message an operator can act on. */
  open(stored: string, keyId: string): string {
    try {
      return this.sealer.openBytes(stored, issuerKeyAd(keyId)).toString('hex');
    } catch (err) {
      throw new Error(`issuer key ${keyId}: ${(err as Error).message}`);
    }
  }
}
