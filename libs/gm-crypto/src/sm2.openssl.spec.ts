/**
 * Cross-checks SM2 against the OpenSSL 3 command line, in both directions.
 * OpenSSL is required: if the `openssl` binary is missing the tests fail
 * (spawnSync reports ENOENT and `openssl()` throws) rather than skip.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SM2_DEFAULT_USER_ID,
  Sm2Signer,
  generateSm2KeyPair,
  sm2PrivateKeyFromPem,
  sm2PrivateKeyToPem,
  sm2PublicKeyFromPem,
  sm2PublicKeyToPem,
  sm2Sign,
  sm2Verify,
} from './sm2.signer.js';

interface OpensslResult {
  readonly status: number;
  readonly output: string;
}

/** Runs the openssl CLI; throws if it cannot be started. Non-zero exit codes are returned, not thrown. */
function openssl(args: string[]): OpensslResult {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.error) throw new Error(`cannot run openssl: ${result.error.message}`);
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

function opensslOk(args: string[]): string {
  const { status, output } = openssl(args);
  if (status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${status}): ${output}`);
  return output;
}

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sm2-openssl-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const verifyWithOpenssl = (pub: string, msg: string, sig: string, distid = SM2_DEFAULT_USER_ID): OpensslResult =>
  openssl([
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
    `distid:${distid}`,
  ]);

const signWithOpenssl = (key: string, msg: string, sig: string, distid = SM2_DEFAULT_USER_ID): void => {
  opensslOk([
    'pkeyutl',
    '-sign',
    '-inkey',
    file(key),
    '-rawin',
    '-in',
    file(msg),
    '-out',
    file(sig),
    '-digest',
    'sm3',
    '-pkeyopt',
    `distid:${distid}`,
  ]);
};

describe('SM2 interoperability with the OpenSSL CLI', () => {
  it('has an OpenSSL 3 with SM2 and SM3', () => {
    expect(opensslOk(['version'])).toMatch(/^OpenSSL 3\./);
    expect(opensslOk(['list', '-digest-algorithms'])).toMatch(/SM3/i);
  });

  it('OpenSSL verifies our signature and rejects a tampered message', () => {
    const { privateKey, publicKey } = generateSm2KeyPair();
    const message = Buffer.from('{"type":"credential.issued","subject":"广佛通办"}', 'utf8');
    writeFileSync(file('pub.pem'), sm2PublicKeyToPem(publicKey));
    writeFileSync(file('msg'), message);
    writeFileSync(file('sig'), Buffer.from(sm2Sign(message, privateKey), 'base64'));

    const ok = verifyWithOpenssl('pub.pem', 'msg', 'sig');
    expect(ok.output).toContain('Signature Verified Successfully');
    expect(ok.status).toBe(0);

    writeFileSync(file('msg.tampered'), Buffer.concat([message, Buffer.from(' ')]));
    const tampered = verifyWithOpenssl('pub.pem', 'msg.tampered', 'sig');
    expect(tampered.output).not.toContain('Signature Verified Successfully');
    expect(tampered.status).not.toBe(0);

    // The user id is part of Z_A: a different distid must fail too.
    expect(verifyWithOpenssl('pub.pem', 'msg', 'sig', 'ALICE123@YAHOO.COM').status).not.toBe(0);
  });

  it('OpenSSL verifies our signature made with a non-default user id', () => {
    const signer = Sm2Signer.generate({ userId: 'ALICE123@YAHOO.COM' });
    writeFileSync(file('pub-alice.pem'), signer.publicKeyPem());
    writeFileSync(file('msg-alice'), 'message digest');
    writeFileSync(file('sig-alice'), Buffer.from(signer.sign('message digest'), 'base64'));
    expect(verifyWithOpenssl('pub-alice.pem', 'msg-alice', 'sig-alice', 'ALICE123@YAHOO.COM').output).toContain(
      'Signature Verified Successfully',
    );
  });

  it('OpenSSL verifies the GM/T 0003.5 Annex A signature with our PEM encoding of the standard key', () => {
    const standardPublicKey =
      '0409F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020' +
      'CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13';
    const der =
      '3046022100F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3' +
      '022100B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA';
    writeFileSync(file('pub-std.pem'), sm2PublicKeyToPem(standardPublicKey));
    writeFileSync(file('msg-std'), 'message digest');
    writeFileSync(file('sig-std'), Buffer.from(der, 'hex'));
    expect(verifyWithOpenssl('pub-std.pem', 'msg-std', 'sig-std').output).toContain('Signature Verified Successfully');
  });

  it('we verify an OpenSSL signature, read its PEM keys, and reject a tampered message', () => {
    opensslOk(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', file('ossl-key.pem')]);
    opensslOk(['pkey', '-in', file('ossl-key.pem'), '-pubout', '-out', file('ossl-pub.pem')]);
    opensslOk(['ec', '-in', file('ossl-key.pem'), '-out', file('ossl-key-sec1.pem')]);
    const message = Buffer.from('event 42: 受理 → 办结', 'utf8');
    writeFileSync(file('ossl-msg'), message);
    signWithOpenssl('ossl-key.pem', 'ossl-msg', 'ossl-sig');

    const publicPem = readFileSync(file('ossl-pub.pem'), 'utf8');
    const signature = readFileSync(file('ossl-sig'));
    expect(sm2Verify(message, signature, publicPem)).toBe(true);
    expect(sm2Verify(message, signature.toString('base64'), sm2PublicKeyFromPem(publicPem))).toBe(true);
    expect(sm2Verify(Buffer.concat([message, Buffer.from('!')]), signature, publicPem)).toBe(false);
    expect(sm2Verify(message, signature, publicPem, { userId: 'someone-else' })).toBe(false);

    // OpenSSL's private key files (PKCS#8 and SEC 1) decode to the same key pair as its public key file.
    const keyPair = sm2PrivateKeyFromPem(readFileSync(file('ossl-key.pem'), 'utf8'));
    expect(sm2PrivateKeyFromPem(readFileSync(file('ossl-key-sec1.pem'), 'utf8'))).toEqual(keyPair);
    expect(keyPair.publicKey).toBe(sm2PublicKeyFromPem(publicPem));
    expect(sm2PrivateKeyToPem(keyPair.privateKey)).toBe(readFileSync(file('ossl-key.pem'), 'utf8'));
  });

  it('OpenSSL signs with a PKCS#8 key we exported, and we verify it', () => {
    const signer = Sm2Signer.generate();
    writeFileSync(file('our-key.pem'), signer.exportPrivateKeyPem());
    writeFileSync(file('our-msg'), 'signed by openssl with our key');
    signWithOpenssl('our-key.pem', 'our-msg', 'our-sig');
    expect(signer.verify('signed by openssl with our key', readFileSync(file('our-sig')))).toBe(true);
  });
});
