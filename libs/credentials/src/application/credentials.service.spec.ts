import { describe, expect, it } from '@jest/globals';
import { effectiveStatus, nextStatus } from './credentials.service.js';

describe('credential life cycle', () => {
  it('allows suspend → reinstate, and revoke from valid or suspended; revoked and expired are final', () => {
    expect(nextStatus('valid', 'suspend')).toBe('suspended');
    expect(nextStatus('suspended', 'reinstate')).toBe('valid');
    expect(nextStatus('valid', 'revoke')).toBe('revoked');
    expect(nextStatus('suspended', 'revoke')).toBe('revoked');
    expect(nextStatus('valid', 'reinstate')).toBeUndefined();
    expect(nextStatus('suspended', 'suspend')).toBeUndefined();
    for (const a of ['suspend', 'reinstate', 'revoke'] as const) {
      expect(nextStatus('revoked', a)).toBeUndefined();
      expect(nextStatus('expired', a)).toBeUndefined();
    }
  });

  it('is expired after the last day of validity (Asia/Shanghai), whatever was stored', () => {
    expect(effectiveStatus('valid', '2026-05-31', new Date('2026-05-31T15:59:59Z'))).toBe('valid');
    expect(effectiveStatus('valid', '2026-05-31', new Date('2026-05-31T16:00:00Z'))).toBe('expired');
    expect(effectiveStatus('suspended', '2026-05-31', new Date('2026-06-01T00:00:00Z'))).toBe('expired');
    expect(effectiveStatus('revoked', '2026-05-31', new Date('2026-06-01T00:00:00Z'))).toBe('revoked');
    expect(effectiveStatus('valid', null, new Date('2099-01-01T00:00:00Z'))).toBe('valid');
  });
});
