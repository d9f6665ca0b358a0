import { describe, expect, it } from '@jest/globals';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import {
  SM2_CURVE,
  SM2_DEFAULT_USER_ID,
  Sm2Signer,
  generateSm2KeyPair,
  normalizeSm2PrivateKey,
  normalizeSm2PublicKey,
  sm2KeyId,
  sm2MessageDigest,
  sm2PrivateKeyFromPem,
  sm2PrivateKeyToPem,
  sm2PublicKeyFromPem,
  sm2PublicKeyFromPrivateKey,
  sm2PublicKeyToPem,
  sm2Sign,
  sm2SignWithNonceForTesting,
  sm2SignatureToDer,
  sm2SignatureToRaw,
  sm2Verify,
  sm2Za,
} from './sm2.signer.js';
import { sm3 } from './sm3.js';

/**
 * Signature example on the recommended curve sm2p256v1 from GM/T 0003.5-2012 /
 * GB/T 32918.5-2017 Annex A (ID_A = "1234567812345678", M = "message digest").
 *
 * Where the values were cross-checked in public code:
 * - d, k, M, ID, r, s: OpenSSL test/sm2_internal_test.c, sm2_sig_test()
 *   ("From Annex A in both GM/T0003.5-2012 and GB/T 32918.5-2016"), which signs
 *   with this fixed k and expects exactly this r and s.
 * - x_A, y_A: ww-rm/gmalg tests.py (test_sign2), several SM2 test suites.
 * - Z_A and e: GmSSL-era sm2test.c (Z_exp / Dgst_exp), a Go SM2 test citing
 *   "GM/T 0003.5-2012 A.2" (e), and C/ObjC sample code (c_base_za).
 * - x_1 (of [k]G): same k as the encryption example, whose C1 x-coordinate is
 *   04EBFC71... in OpenSSL's sm2_crypt_test.
 */
const STANDARD = {
  privateKey: '3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8',
  publicKey:
    '04' +
    '09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020' +
    'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13',
  userId: '1234567812345678',
  message: 'message digest',
  za: 'B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3',
  e: 'F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640',
  k: 0x59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21n,
  x1: 0x04ebfc718e8d1798620432268e77feb6415e2ede0e073c0f4f640ecd2e149a73n,
  r: 'F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3',
  s: 'B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA',
} as const;

const STANDARD_RAW = Buffer.from(STANDARD.r + STANDARD.s, 'hex');
// Both r and s have the top bit set, so each INTEGER gets a 0x00 prefix: 0x46 = 2 * (2 + 33).
const STANDARD_DER = Buffer.from(`3046022100${STANDARD.r}022100${STANDARD.s}`, 'hex');

const flipLastBit = (bytes: Uint8Array): Buffer => {
  const copy = Buffer.from(bytes);
  copy[copy.length - 1]! ^= 1;
  return copy;
};

describe('SM2 known answer: GM/T 0003.5-2012 / GB/T 32918.5-2017 Annex A', () => {
  it('(1) derives the standard public key from the standard private key', () => {
    expect(sm2PublicKeyFromPrivateKey(STANDARD.privateKey)).toBe(STANDARD.publicKey.toLowerCase());
  });

  it('(2) computes the standard Z_A and e', () => {
    const options = { userId: STANDARD.userId };
    expect(sm2Za(STANDARD.publicKey, options)).toBe(STANDARD.za.toLowerCase());
    expect(sm2MessageDigest(STANDARD.message, STANDARD.publicKey, options)).toBe(STANDARD.e.toLowerCase());
    // Z_A from its definition, spelled out: SM3(ENTL || ID || a || b || xG || yG || xA || yA).
    const hex = (v: bigint) => v.toString(16).padStart(64, '0');
    const zaInput = Buffer.from(
      '0080' +
        Buffer.from(STANDARD.userId).toString('hex') +
        [SM2_CURVE.a, SM2_CURVE.b, SM2_CURVE.gx, SM2_CURVE.gy].map(hex).join('') +
        STANDARD.publicKey.slice(2),
      'hex',
    );
    expect(sm3(zaInput)).toBe(STANDARD.za.toLowerCase());
    // ...and r = (e + x1) mod n with x1 from [k]G, the step sm-crypto performs.
    expect((BigInt(`0x${STANDARD.e}`) + STANDARD.x1) % SM2_CURVE.n).toBe(BigInt(`0x${STANDARD.r}`));
  });

  it('(3) verifies the standard (r, s) in every accepted encoding', () => {
    const { message, publicKey, userId } = STANDARD;
    for (const signature of [
      STANDARD_RAW,
      STANDARD_DER,
      STANDARD_DER.toString('base64'),
      STANDARD_RAW.toString('base64'),
      STANDARD_DER.toString('hex'),
      STANDARD.r + STANDARD.s,
    ]) {
      expect(sm2Verify(message, signature, publicKey, { userId })).toBe(true);
    }
    expect(sm2Verify(Buffer.from(message), STANDARD_DER, sm2PublicKeyToPem(publicKey), { userId })).toBe(true);
    // The standard's ID is the default one.
    expect(STANDARD.userId).toBe(SM2_DEFAULT_USER_ID);
    expect(sm2Verify(message, STANDARD_DER, publicKey)).toBe(true);
  });

  it('(3) rejects the standard signature for a tampered message, another id, key or signature', () => {
    const { message, publicKey } = STANDARD;
    expect(sm2Verify('message digesT', STANDARD_DER, publicKey)).toBe(false);
    expect(sm2Verify(`${message} `, STANDARD_DER, publicKey)).toBe(false);
    expect(sm2Verify(message, STANDARD_DER, publicKey, { userId: 'ALICE123@YAHOO.COM' })).toBe(false);
    expect(sm2Verify(message, STANDARD_DER, generateSm2KeyPair().publicKey)).toBe(false);
    expect(sm2Verify(message, flipLastBit(STANDARD_RAW), publicKey)).toBe(false);
    expect(sm2Verify(message, flipLastBit(STANDARD_DER), publicKey)).toBe(false);
  });

  it('(4) reproduces r and s exactly when sm-crypto is given the fixed k', () => {
    // sm-crypto's doSignature takes precomputed (k, x1) points via its `pointPool` option.
    const der = sm2SignWithNonceForTesting(STANDARD.message, STANDARD.privateKey, STANDARD.k, { userId: STANDARD.userId });
    expect(der.toString('hex')).toBe(STANDARD_DER.toString('hex').toLowerCase());
    expect(sm2SignatureToRaw(der).toString('hex')).toBe((STANDARD.r + STANDARD.s).toLowerCase());
    // Without publicKey the signer derives it; with it, the result is the same.
    const again = sm2SignWithNonceForTesting(STANDARD.message, STANDARD.privateKey, STANDARD.k, {
      publicKey: STANDARD.publicKey,
    });
    expect(again.equals(der)).toBe(true);
  });
});

describe('sm2Sign / sm2Verify', () => {
  const { privateKey, publicKey } = generateSm2KeyPair();

  it('round-trips and outputs base64 DER', () => {
    const signature = sm2Sign('广佛通办 event', privateKey, { publicKey });
    const der = Buffer.from(signature, 'base64');
    expect(der.toString('base64')).toBe(signature);
    expect(der[0]).toBe(0x30);
    expect(der.length).toBeGreaterThanOrEqual(8);
    expect(der.length).toBeLessThanOrEqual(72);
    expect(sm2SignatureToDer(der).equals(der)).toBe(true);
    expect(sm2Verify('广佛通办 event', signature, publicKey)).toBe(true);
    expect(sm2Verify('广佛通办 event', sm2SignatureToRaw(der), publicKey)).toBe(true);
    expect(sm2Verify('广佛通办 Event', signature, publicKey)).toBe(false);
  });

  it('uses a fresh nonce for every signature', () => {
    const signatures = new Set(Array.from({ length: 5 }, () => sm2Sign('same', privateKey)));
    expect(signatures.size).toBe(5);
  });

  it('treats strings as UTF-8 and honours Uint8Array views', () => {
    const text = '粤 A·12345 ✓';
    const signature = sm2Sign(text, privateKey);
    expect(sm2Verify(Buffer.from(text, 'utf8'), signature, publicKey)).toBe(true);
    const backing = Buffer.concat([Buffer.from('xx'), Buffer.from(text, 'utf8'), Buffer.from('yy')]);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 2, backing.length - 4);
    expect(sm2Verify(view, signature, publicKey)).toBe(true);
    expect(sm2Verify(new Uint8Array(0), sm2Sign(new Uint8Array(0), privateKey), publicKey)).toBe(true);
  });

  it('binds the user id', () => {
    const signature = sm2Sign('m', privateKey, { userId: 'guangzhou-node' });
    expect(sm2Verify('m', signature, publicKey, { userId: 'guangzhou-node' })).toBe(true);
    expect(sm2Verify('m', signature, publicKey)).toBe(false);
    expect(() => sm2Sign('m', privateKey, { userId: '' })).toThrow(TypeError);
    expect(() => sm2Sign('m', privateKey, { userId: 'x'.repeat(8192) })).toThrow(RangeError);
  });

  it('returns false (never throws) for malformed or out-of-range signatures', () => {
    const n = SM2_CURVE.n.toString(16).padStart(64, '0');
    const zero = '0'.repeat(64);
    const one = '0'.repeat(63) + '1';
    const nonCanonical = Buffer.from(`3047022200${STANDARD.r}022100${STANDARD.s}`, 'hex'); // padded INTEGER
    for (const bad of [
      '',
      'not base64!',
      'AAAA',
      Buffer.alloc(0),
      Buffer.alloc(63),
      Buffer.concat([STANDARD_DER, Buffer.from([0])]), // trailing byte
      nonCanonical,
      zero + one, // r = 0
      one + n, // s = n
      Buffer.from(`3006020100020101`, 'hex'), // DER r = 0
    ]) {
      expect(sm2Verify(STANDARD.message, bad, STANDARD.publicKey)).toBe(false);
    }
  });

  it('throws for a malformed public key', () => {
    expect(() => sm2Verify('m', STANDARD_DER, '04abcd')).toThrow(TypeError);
    const offCurve = `${STANDARD.publicKey.slice(0, -1)}4`;
    expect(() => sm2Verify('m', STANDARD_DER, offCurve)).toThrow(RangeError);
  });

  it('converts between DER and raw forms and rejects junk', () => {
    expect(sm2SignatureToDer(STANDARD_RAW).equals(STANDARD_DER)).toBe(true);
    expect(sm2SignatureToRaw(STANDARD_DER).equals(STANDARD_RAW)).toBe(true);
    // Small r and s: minimal INTEGERs, raw form left-padded to 32 bytes each.
    const small = Buffer.from('3006020101020102', 'hex');
    expect(sm2SignatureToRaw(small).toString('hex')).toBe('0'.repeat(63) + '1' + '0'.repeat(63) + '2');
    expect(sm2SignatureToDer(sm2SignatureToRaw(small)).equals(small)).toBe(true);
    expect(() => sm2SignatureToDer(Buffer.alloc(10))).toThrow();
  });
});

describe('SM2 keys', () => {
  it('generates valid, distinct key pairs in sm-crypto hex form', () => {
    const a = generateSm2KeyPair();
    const b = generateSm2KeyPair();
    expect(a.privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(a.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(sm2PublicKeyFromPrivateKey(a.privateKey)).toBe(a.publicKey);
    expect(a.privateKey).not.toBe(b.privateKey);
  });

  it('validates the private key range [1, n-2]', () => {
    expect(normalizeSm2PrivateKey('1')).toBe('0'.repeat(63) + '1');
    expect(normalizeSm2PrivateKey((SM2_CURVE.n - 2n).toString(16))).toMatch(/^fffffffe/);
    expect(() => normalizeSm2PrivateKey('0')).toThrow(RangeError);
    expect(() => normalizeSm2PrivateKey((SM2_CURVE.n - 1n).toString(16))).toThrow(RangeError);
    expect(() => normalizeSm2PrivateKey('xyz')).toThrow(TypeError);
    expect(() => normalizeSm2PrivateKey('1'.repeat(65))).toThrow(TypeError);
  });

  it('normalizes public keys given with or without 04, compressed, or in upper case', () => {
    const expected = STANDARD.publicKey.toLowerCase();
    expect(normalizeSm2PublicKey(STANDARD.publicKey)).toBe(expected);
    expect(normalizeSm2PublicKey(STANDARD.publicKey.slice(2))).toBe(expected);
    // y_A ends in ...13 (odd), so the compressed prefix is 03.
    expect(normalizeSm2PublicKey(`03${STANDARD.publicKey.slice(2, 66)}`)).toBe(expected);
    expect(() => normalizeSm2PublicKey(`02${STANDARD.publicKey.slice(2, 66)}`)).not.toThrow();
    expect(normalizeSm2PublicKey(`02${STANDARD.publicKey.slice(2, 66)}`)).not.toBe(expected);
    expect(() => normalizeSm2PublicKey('00')).toThrow(TypeError);
    expect(() => normalizeSm2PublicKey(`04${'00'.repeat(64)}`)).toThrow(RangeError);
  });

  it('derives keyId as the first 16 hex digits of SM3 over 04||x||y', () => {
    const id = sm2KeyId(STANDARD.publicKey);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(id).toBe(sm3(Buffer.from(STANDARD.publicKey, 'hex')).slice(0, 16));
    expect(sm2KeyId(STANDARD.publicKey.slice(2).toLowerCase())).toBe(id);
    expect(sm2KeyId(generateSm2KeyPair().publicKey)).not.toBe(id);
  });

  it('writes SubjectPublicKeyInfo PEM byte-identical to OpenSSL/Node and reads it back', () => {
    const pem = sm2PublicKeyToPem(STANDARD.publicKey);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    // Fixed 26-byte header: SEQUENCE, AlgorithmIdentifier{id-ecPublicKey, 1.2.156.10197.1.301}, BIT STRING.
    const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
    expect(der.subarray(0, 27).toString('hex')).toBe('3059301306072a8648ce3d020106082a811ccf5501822d03420004');
    expect(sm2PublicKeyFromPem(pem)).toBe(STANDARD.publicKey.toLowerCase());

    const nodeKey = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const nodePem = nodeKey.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(sm2PublicKeyToPem(sm2PublicKeyFromPem(nodePem))).toBe(nodePem);
  });

  it('writes PKCS#8 PEM byte-identical to OpenSSL/Node and reads PKCS#8 and SEC 1', () => {
    const nodeKey = generateKeyPairSync('ec', { namedCurve: 'SM2' });
    const pkcs8 = nodeKey.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const sec1 = nodeKey.privateKey.export({ type: 'sec1', format: 'pem' }) as string;
    const fromPkcs8 = sm2PrivateKeyFromPem(pkcs8);
    expect(sm2PrivateKeyFromPem(sec1)).toEqual(fromPkcs8);
    expect(sm2PublicKeyToPem(fromPkcs8.publicKey)).toBe(nodeKey.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(sm2PrivateKeyToPem(fromPkcs8.privateKey)).toBe(pkcs8);

    const ours = sm2PrivateKeyToPem(STANDARD.privateKey);
    expect(sm2PrivateKeyFromPem(ours)).toEqual({
      privateKey: STANDARD.privateKey.toLowerCase(),
      publicKey: STANDARD.publicKey.toLowerCase(),
    });
    expect(() => createPrivateKey(ours)).not.toThrow();
  });

  it('rejects PEM for other curves or key types', () => {
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(() => sm2PublicKeyFromPem(p256.publicKey.export({ type: 'spki', format: 'pem' }) as string)).toThrow(/SM2 curve/);
    expect(() => sm2PrivateKeyFromPem(p256.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)).toThrow(/SM2 curve/);
    expect(() => sm2PublicKeyFromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')).toThrow(/label/);
  });
});

describe('Sm2Signer', () => {
  it('signs with its id and key, and exposes only public material by default', () => {
    const signer = Sm2Signer.generate({ userId: 'foshan-node' });
    const signature = signer.sign('payload');
    expect(signer.verify('payload', signature)).toBe(true);
    expect(sm2Verify('payload', signature, signer.publicKey, { userId: 'foshan-node' })).toBe(true);
    expect(sm2Verify('payload', signature, signer.publicKey)).toBe(false);
    expect(signer.keyId).toBe(sm2KeyId(signer.publicKey));
    expect(JSON.stringify(signer)).not.toContain(signer.exportKeyPair().privateKey);
  });

  it('round-trips through PEM and hex', () => {
    const signer = Sm2Signer.generate();
    const fromPem = Sm2Signer.fromPem(signer.exportPrivateKeyPem());
    const fromHex = Sm2Signer.fromPrivateKey(signer.exportKeyPair().privateKey);
    expect(fromPem.publicKey).toBe(signer.publicKey);
    expect(fromHex.keyId).toBe(signer.keyId);
    expect(signer.verify('x', fromPem.sign('x'))).toBe(true);
    expect(sm2PublicKeyFromPem(signer.publicKeyPem())).toBe(signer.publicKey);
    expect(Sm2Signer.fromPrivateKey(STANDARD.privateKey).publicKey).toBe(STANDARD.publicKey.toLowerCase());
  });
});
