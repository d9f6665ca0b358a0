import { describe, expect, it } from '@jest/globals';
import { CaseFiledV1, defineEvent, findContract } from '@guangfo/contracts';
import { generateSm2KeyPair } from '@guangfo/gm-crypto';
import { z } from 'zod';
import { openPersonalFields, PersonalSealError, personalFieldsInClear, sealPersonalFields } from './personal-data.seal.js';

const fs = generateSm2KeyPair();
const recipient = { keyId: 'fs-enc-1', publicKey: fs.publicKey };
const own = { keyId: 'fs-enc-1', privateKeyHex: fs.privateKey };
const ctx = { id: '6b0f7c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e', type: CaseFiledV1.type, source: '/guangfo/440100/affairs', tocity: '440600' };
const example = CaseFiledV1.example;
const paths = CaseFiledV1.personal!;

describe('personal fields sealed for the addressed city', () => {
  it('removes every declared field from data, and the recipient opens them back', () => {
    const sealed = sealPersonalFields(example, paths, recipient, ctx) as unknown as Record<string, any>;
    const wire = JSON.stringify(sealed);
    expect(wire).not.toContain('李小红');
    expect(wire).not.toContain('44060419920505002X');
    expect(wire).not.toContain('ID_CARD-440600-0001');
    expect(sealed.case.applicant).toBeUndefined();
    expect(sealed.case.materials).toBeUndefined();
    expect(sealed.case.itemCode).toBe('XK00201000'); // the rest stays readable for routing and audit
    expect(sealed.sealedPersonal).toMatchObject({ alg: 'SM2+SM4-CTR+HMAC-SM3', kid: 'fs-enc-1' });
    expect(personalFieldsInClear(sealed, paths)).toEqual([]);
    const opened = openPersonalFields(sealed, paths, own, ctx);
    expect(opened).toEqual(example);
    expect(CaseFiledV1.schema.safeParse(opened).success).toBe(true);
  });

  it("opens only with the addressed city's key, for this very event", () => {
    const sealed = sealPersonalFields(example, paths, recipient, ctx);
    const other = generateSm2KeyPair();
    expect(() => openPersonalFields(sealed, paths, { keyId: 'fs-enc-1', privateKeyHex: other.privateKey }, ctx)).toThrow(/does not open/);
    expect(() => openPersonalFields(sealed, paths, { keyId: 'gz-enc-1', privateKeyHex: fs.privateKey }, ctx)).toThrow(
      /sealed to encryption key fs-enc-1/,
    );
    // Moved onto another event, or re-addressed: the associated data no longer matches.
    expect(() => openPersonalFields(sealed, paths, own, { ...ctx, id: '00000000-0000-4000-8000-000000000000' })).toThrow(/integrity/);
    expect(() => openPersonalFields(sealed, paths, own, { ...ctx, source: '/guangfo/440600/affairs' })).toThrow(/integrity/);
  });

  it('refuses a tampered seal, a field in clear, or a missing seal', () => {
    const sealed = sealPersonalFields(example, paths, recipient, ctx) as unknown as Record<string, any>;
    const ct = sealed.sealedPersonal.ct as string;
    const tampered = {
      ...sealed,
      sealedPersonal: { ...sealed.sealedPersonal, ct: `${ct.slice(0, 30)}${ct[30] === 'A' ? 'B' : 'A'}${ct.slice(31)}` },
    };
    expect(() => openPersonalFields(tampered, paths, own, ctx)).toThrow(PersonalSealError);
    expect(() => openPersonalFields({ ...sealed, case: { ...sealed.case, applicant: example.case.applicant } }, paths, own, ctx)).toThrow(
      /in clear: case.applicant/,
    );
    expect(() => openPersonalFields(example, paths, own, ctx)).toThrow(/in clear/);
    const { sealedPersonal: _s, ...noSeal } = sealed;
    expect(() => openPersonalFields(noSeal, paths, own, ctx)).toThrow(/sealedPersonal/);
    expect(() => openPersonalFields({ ...sealed, sealedPersonal: { ...sealed.sealedPersonal, extra: 1 } }, paths, own, ctx)).toThrow(
      /sealedPersonal/,
    );
  });

  it('contracts: broadcasts may declare no personal data; the affairs case events declare theirs', () => {
    expect(() =>
      defineEvent({
        type: 'gov.guangfo.test.thing.v1',
        audience: 'broadcast',
        schema: z.object({ name: z.string() }),
        summary: 's',
        example: { name: 'x' },
        personal: ['name'],
      }),
    ).toThrow(/broadcast carries no personal data/);
    expect(findContract('gov.guangfo.affairs.case-supplemented.v1')?.personal).toEqual(['entry.detail.responses']);
    expect(findContract('gov.guangfo.affairs.case-evaluated.v1')?.personal).toEqual(['comment']);
  });
});
