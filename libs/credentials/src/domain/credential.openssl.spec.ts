/**
 * An independent implementation verifies a credential signature this service produced:
 * 1. OpenSSL 3 verifies the SM2/SM3 signature over the payload our canonicalisation produced;
 * 2. scripts/verify-credential-openssl.sh rebuilds the payload with jq (not our code) and verifies.
 * OpenSSL and jq are required: if either is missing the tests FAIL (spawnSync reports ENOENT and
 * run() throws), they never skip.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sm2PublicKeyToPem } from '@guangfo/gm-crypto';
import { credentialFields, credentialSigningPayload } from './credential.document.js';
import { signedCredential, testIssuerKey } from '../../test-fixtures/credential.factory.js';

interface Run {
  status: number;
  output: string;
}
const run = (cmd: string, args: string[]): Run => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
};

let dir: string;
const file = (name: string) => join(dir, name);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'credential-openssl-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const opensslVerify = (msg: string, sig: string, pub: string): Run =>
  run('openssl', [
    'pkeyutl',
    '-verify',
    '-pubin',
    '-inkey',
    file(pub),
    '-rawin',
    '-in',
    file(msg),
    '-sigfile',
    file(sig),
    '-digest',
    'sm3',
    '-pkeyopt',
    'distid:1234567812345678',
  ]);

describe('credential signatures verify with OpenSSL (an independent SM2/SM3 implementation)', () => {
  const key = testIssuerKey();
  const credential = signedCredential(key, {
    attributes: { residenceAddressDistrict: '天河区 "珠江新城" \\ A座', settledYears: 5, canApplyForHukou: true },
  });

  it('OpenSSL verifies the service signature over the canonical payload, and rejects a tampered payload', () => {
    const payload = credentialSigningPayload(credentialFields(credential), credential.proof.keyId);
    writeFileSync(file('pub.pem'), sm2PublicKeyToPem(key.publicKey));
    writeFileSync(file('msg'), payload, 'utf8');
    writeFileSync(file('sig.der'), Buffer.from(credential.proof.signature, 'base64'));

    const ok = opensslVerify('msg', 'sig.der', 'pub.pem');
    expect(ok.output).toContain('Signature Verified Successfully');
    expect(ok.status).toBe(0);

    writeFileSync(file('msg.tampered'), payload.replace('陈小明', '陈大明'), 'utf8');
    const bad = opensslVerify('msg.tampered', 'sig.der', 'pub.pem');
    expect(bad.output).not.toContain('Signature Verified Successfully');
    expect(bad.status).not.toBe(0);
  });

  it('jq + OpenSSL (scripts/verify-credential-openssl.sh) rebuild the payload from the JSON document and verify it', () => {
    writeFileSync(file('issuer.pem'), sm2PublicKeyToPem(key.publicKey));
    // Member order in the file is irrelevant: the payload is canonical.
    writeFileSync(file('credential.json'), JSON.stringify(Object.fromEntries(Object.entries(credential).reverse()), null, 2));
    const ok = run('bash', ['scripts/verify-credential-openssl.sh', file('credential.json'), file('issuer.pem')]);
    expect(ok.output).toContain('Signature Verified Successfully');
    expect(ok.status).toBe(0);

    writeFileSync(file('tampered.json'), JSON.stringify({ ...credential, validTo: '2099-12-31' }));
    const bad = run('bash', ['scripts/verify-credential-openssl.sh', file('tampered.json'), file('issuer.pem')]);
    expect(bad.output).not.toContain('Signature Verified Successfully');
    expect(bad.status).not.toBe(0);

    writeFileSync(file('other.pem'), sm2PublicKeyToPem(testIssuerKey().publicKey));
    expect(run('bash', ['scripts/verify-credential-openssl.sh', file('credential.json'), file('other.pem')]).status).not.toBe(0);
  });
});
