import { describe, expect, it } from '@jest/globals';
import { Sealer } from '@guangfo/gm-crypto';
import { openLegacyWebhookSecret } from './migrations/1764633600000-platform-sealing.migration.js';
import { webhookSecretAd } from './webhook-secret.seal.js';

describe('webhook secret sealing', () => {
  const sealer = new Sealer([{ keyId: 'gz-seal-1', keyHex: 'a'.repeat(64) }]);

  it('opens what it sealed, and the seal does not contain the secret', () => {
    const sealed = sealer.seal('whsec_abc', webhookSecretAd('sub-1'));
    expect(sealed).not.toContain('whsec_abc');
    expect(Sealer.keyIdOf(sealed)).toBe('gz-seal-1');
    expect(sealer.open(sealed, webhookSecretAd('sub-1'))).toBe('whsec_abc');
  });

  it('is bound to the subscription id', () => {
    expect(() => sealer.open(sealer.seal('whsec_abc', webhookSecretAd('sub-1')), webhookSecretAd('sub-2'))).toThrow(/integrity/);
  });

  it('keeps opening after the sealing key is rotated', () => {
    const sealed = sealer.seal('whsec_abc', webhookSecretAd('sub-1'));
    const rotated = new Sealer([
      { keyId: 'gz-seal-2', keyHex: 'b'.repeat(64) },
      { keyId: 'gz-seal-1', keyHex: 'a'.repeat(64) },
    ]);
    expect(rotated.open(sealed, webhookSecretAd('sub-1'))).toBe('whsec_abc');
    expect(() => new Sealer([{ keyId: 'gz-seal-2', keyHex: 'b'.repeat(64) }]).open(sealed, webhookSecretAd('sub-1'))).toThrow(
      /gz-seal-1.*not in the sealing keyring/,
    );
  });
});

describe('the re-sealing migration', () => {
  it('opens the old signing-key-derived seal (known answer) and names a wrong signing key', () => {
    const legacy = 'v1.Z3otZGVtby0yMDI2.toeDnKwoyy9n4S8i.JQQEp0kiQUu4jBsb3VFY5g.P3gNrFMEdjPR1zRL8PNN4uJ6BA';
    const keys = {
      cityCode: '440100',
      signingKey: { keyId: 'gz-demo-2026', privateKeyHex: '3224d706bc907af1a1abf1e259da02b217ba51feced1a1857170683b0a2e83f6' },
    };
    expect(openLegacyWebhookSecret(keys, legacy, 'sub-legacy-1')).toBe('whsec_legacy_secret');
    expect(() => openLegacyWebhookSecret(keys, legacy, 'sub-other')).toThrow();
    expect(() =>
      openLegacyWebhookSecret({ ...keys, signingKey: { ...keys.signingKey, keyId: 'gz-2027' } }, legacy, 'sub-legacy-1'),
    ).toThrow(/sealed under signing key gz-demo-2026/);
  });
});
