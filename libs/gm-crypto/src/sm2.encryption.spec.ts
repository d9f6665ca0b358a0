/**
 * SM2 encryption: round trip, tamper and wrong key, and interop both ways with two independent
 * implementations: sm-crypto (C1C3C2 mode) and the OpenSSL 3 command line (ASN.1 DER form).
 * OpenSSL is required: if the binary is missing the tests fail rather than skip.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import smCrypto from 'sm-crypto';
import { sm2CiphertextFromDer, sm2CiphertextToDer, sm2Decrypt, sm2Encrypt } from './sm2.encryption.js';
import { generateSm2KeyPair, sm2PrivateKeyToPem, sm2PublicKeyToPem } from './sm2.signer.js';

const dir = mkdtempSync(join(tmpdir(), 'sm2-enc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openssl = (args: string[]): Buffer => {
  const r = spawnSync('openssl', args);
  if (r.error) throw new Error(`cannot run openssl: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
};

describe('SM2 encryption (GM/T 0003.4, C1C3C2)', () => {
  const keys = generateSm2KeyPair();
  const dataKey = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

  it('round-trips, is randomised, and has the C1C3C2 layout', () => {
    const ct = sm2Encrypt(dataKey, keys.publicKey);
    expect(ct.length).toBe(65 + 32 + dataKey.length);
    expect(ct[0]).toBe(4);
    expect(sm2Decrypt(ct, keys.privateKey).equals(dataKey)).toBe(true);
    expect(sm2Encrypt(dataKey, keys.publicKey).equals(ct)).toBe(false);
    const text = Buffer.from('李小红 44060419920505002X — a longer message than one KDF block of 32 bytes', 'utf8');
    expect(sm2Decrypt(sm2Encrypt(text, keys.publicKey), keys.privateKey).toString('utf8')).toBe(text.toString('utf8'));
  });

  it('fails on a tampered ciphertext or the wrong private key', () => {
    const ct = sm2Encrypt(dataKey, keys.publicKey);
    const c2 = Buffer.from(ct);
    c2[c2.length - 1]! ^= 1;
    expect(() => sm2Decrypt(c2, keys.privateKey)).toThrow(/C3/);
    const c3 = Buffer.from(ct);
    c3[70]! ^= 1;
    expect(() => sm2Decrypt(c3, keys.privateKey)).toThrow(/C3/);
    expect(() => sm2Decrypt(ct, generateSm2KeyPair().privateKey)).toThrow(/C3/);
  });

  it('interoperates with sm-crypto in C1C3C2 mode, both ways', () => {
    const ours = sm2Encrypt(dataKey, keys.publicKey);
    expect(smCrypto.sm2.doDecrypt(ours.subarray(1).toString('hex'), keys.privateKey, 1, { output: 'array' })).toEqual([...dataKey]);
    const theirs = smCrypto.sm2.doEncrypt([...dataKey], keys.publicKey, 1);
    expect(sm2Decrypt(Buffer.from(`04${theirs}`, 'hex'), keys.privateKey).equals(dataKey)).toBe(true);
  });

  it('interoperates with OpenSSL 3 (ASN.1 DER ciphertext), both ways', () => {
    const keyPem = join(dir, 'key.pem');
    const pubPem = join(dir, 'pub.pem');
    writeFileSync(keyPem, sm2PrivateKeyToPem(keys.privateKey));
    writeFileSync(pubPem, sm2PublicKeyToPem(keys.publicKey));
    const der = sm2CiphertextToDer(sm2Encrypt(dataKey, keys.publicKey));
    writeFileSync(join(dir, 'ct.der'), der);
    expect(openssl(['pkeyutl', '-decrypt', '-inkey', keyPem, '-in', join(dir, 'ct.der')]).equals(dataKey)).toBe(true);
    writeFileSync(join(dir, 'msg.bin'), dataKey);
    openssl(['pkeyutl', '-encrypt', '-pubin', '-inkey', pubPem, '-in', join(dir, 'msg.bin'), '-out', join(dir, 'ossl.der')]);
    const fromOpenssl = sm2CiphertextFromDer(readFileSync(join(dir, 'ossl.der')));
    expect(sm2Decrypt(fromOpenssl, keys.privateKey).equals(dataKey)).toBe(true);
  });
});
