import { describe, expect, it } from '@jest/globals';
import { CaseFiledV1, defineEvent, findContract } from '@guangfo/contracts';
import { generateSm2KeyPair } from '@guangfo/gm-crypto';
import { z } from 'zod';
import { DataKeyCache, openPersonalFields, PersonalSealError, personalFieldsInClear, sealPersonalFields } from './personal-data.seal.js';

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

  describe('with a data-key cache', () => {
    const ctx2 = { ...ctx, id: '11111111-2222-4333-8444-555555555555' };
    const seal = (keys: DataKeyCache, c = ctx) => sealPersonalFields(example, paths, recipient, c, keys) as unknown as Record<string, any>;

    it('a sender reuses one wrapped key per recipient; each event still opens only as itself', () => {
      const keys = new DataKeyCache();
      const a = seal(keys);
      const b = seal(keys, ctx2);
      expect(b.sealedPersonal.ek).toBe(a.sealedPersonal.ek);
      expect(b.sealedPersonal.ct).not.toBe(a.sealedPersonal.ct);
      const opened = new DataKeyCache();
      expect(openPersonalFields(a, paths, own, ctx, opened)).toEqual(example);
      expect(openPersonalFields(b, paths, own, ctx2, opened)).toEqual(example);
      // One event's sealed fields on another event, with the key already unwrapped: refused.
      const swapped = { ...b, sealedPersonal: { ...b.sealedPersonal, ct: a.sealedPersonal.ct } };
      expect(() => openPersonalFields(swapped, paths, own, ctx2, opened)).toThrow(/integrity/);
      // Tampered ciphertext under a cached key: refused.
      // One character in the middle changed (every bit of it is ciphertext, unlike the last characters before padding).
      const ct = a.sealedPersonal.ct as string;
      const i = ct.length >> 1;
      const tampered = {
        ...a,
        sealedPersonal: { ...a.sealedPersonal, ct: `${ct.slice(0, i)}${ct[i] === 'A' ? 'B' : 'A'}${ct.slice(i + 1)}` },
      };
      expect(() => openPersonalFields(tampered, paths, own, ctx, opened)).toThrow(PersonalSealError);
    });

    it('a receiver unwraps each data key once', () => {
      const keys = new DataKeyCache();
      const wrapped = seal(new DataKeyCache()).sealedPersonal.ek as string;
      let unwraps = 0;
      const unwrap = () => {
        unwraps += 1;
        return keys.forRecipient(recipient).sealer; // any sealer: only the count matters here
      };
      keys.opener(wrapped, unwrap);
      keys.opener(wrapped, unwrap);
      expect(unwraps).toBe(1);
    });

    it('a fresh data key after maxUses events or maxAgeMs', () => {
      let now = 0;
      const keys = new DataKeyCache({ maxUses: 2, maxAgeMs: 1_000, maxOpened: 4 }, () => now);
      const eks = [seal(keys), seal(keys), seal(keys)].map((x) => x.sealedPersonal.ek);
      expect(eks[1]).toBe(eks[0]);
      expect(eks[2]).not.toBe(eks[1]);
      now = 1_000;
      expect(seal(keys).sealedPersonal.ek).not.toBe(eks[2]);
    });

    it("another city's key does not open what a cache unwrapped for this one", () => {
      const other = generateSm2KeyPair();
      const sealed = seal(new DataKeyCache());
      expect(openPersonalFields(sealed, paths, own, ctx, new DataKeyCache())).toEqual(example);
      expect(() =>
        openPersonalFields(sealed, paths, { keyId: 'fs-enc-1', privateKeyHex: other.privateKey }, ctx, new DataKeyCache()),
      ).toThrow(/does not open/);
    });
  });
});
