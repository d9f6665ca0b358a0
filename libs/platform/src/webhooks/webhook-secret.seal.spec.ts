import { describe, expect, it } from '@jest/globals';
import { WebhookSecretSealer } from './webhook-secret.seal.js';

const KEY = 'a'.repeat(64);

describe('WebhookSecretSealer', () => {
  const sealer = new WebhookSecretSealer('gz-2026', KEY, '440100');

  it('opens what it sealed, and the seal does not contain the secret', () => {
    const sealed = sealer.seal('whsec_abc', 'sub-1');
    expect(sealed).not.toContain('whsec_abc');
    expect(sealed.startsWith('v1.')).toBe(true);
    expect(sealer.open(sealed, 'sub-1')).toBe('whsec_abc');
    expect(sealer.seal('whsec_abc', 'sub-1')).not.toBe(sealed);
  });

  it('is bound to the subscription id', () => {
    expect(() => sealer.open(sealer.seal('whsec_abc', 'sub-1'), 'sub-2')).toThrow();
  });

  it('does not open under another signing key (rotation: the partner rotates the secret)', () => {
    const sealed = sealer.seal('whsec_abc', 'sub-1');
    expect(() => new WebhookSecretSealer('gz-2027', 'b'.repeat(64), '440100').open(sealed, 'sub-1')).toThrow(/another key/);
    expect(() => new WebhookSecretSealer('gz-2026', 'b'.repeat(64), '440100').open(sealed, 'sub-1')).toThrow();
    expect(() => sealer.open('garbage', 'sub-1')).toThrow(/format/);
  });
});
