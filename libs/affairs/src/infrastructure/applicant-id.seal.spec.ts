import { describe, expect, it } from '@jest/globals';
import { Sealer } from '@guangfo/gm-crypto';
import { ApplicantIdSeal } from './applicant-id.seal.js';
import { openLegacyApplicantId } from './migrations/1764633600001-affairs-sealing.migration.js';

const ID = '44060419920505002X';

describe('applicant ID numbers at rest', () => {
  const seal = new ApplicantIdSeal(new Sealer([{ keyId: 'fs-seal-1', keyHex: '56'.repeat(32) }]));

  it('seals bound to the case: a number copied onto another case does not open', () => {
    const s = seal.seal('GF-440600-0001', ID);
    expect(s).not.toContain(ID);
    expect(s.startsWith('gfs1.fs-seal-1.')).toBe(true);
    expect(seal.open('GF-440600-0001', s)).toBe(ID);
    expect(() => seal.open('GF-440600-0002', s)).toThrow(/integrity/);
  });

  it('the migration opens the old signing-key-derived cipher (known answer)', () => {
    const signingKey = '3224d706bc907af1a1abf1e259da02b217ba51feced1a1857170683b0a2e83f6';
    const legacy = 'v1.-uVovj4IWzN7N4daYMlgYg.svp58O7s2R8mjkY6O76l82atJhLo-qDToIiTWXipFSE.-LHbrrtv98jiSiu6eSBS4LzrHAPRnMJvPEd78qwKidE';
    expect(openLegacyApplicantId(signingKey, legacy)).toBe(ID);
    expect(() => openLegacyApplicantId('00'.repeat(32), legacy)).toThrow(/EVENT_SIGNING_KEY the node used before/);
  });
});
