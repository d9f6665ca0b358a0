import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import smCrypto from 'sm-crypto';
import { generateSm2KeyPair, sm2Decrypt, sm2Encrypt, sm2Sign, sm2Verify } from '@guangfo/gm-crypto';

/**
 * `npm run bench:sm2` (= `npm run build && node dist/scripts/bench-sm2.js`): per-operation time of
 * the project's SM2 (sign, verify with a key seen for the first time, verify with a pinned key,
 * encryption) against sm-crypto (the implementation used before), in the same process, one
 * operation at a time on the event loop. Env: BENCH_SM2_N (default 200).
 */
const N = Number(process.env.BENCH_SM2_N ?? 200);
const message = JSON.stringify({ specversion: '1.0', type: 'gov.guangfo.affairs.case-filed.v1', data: { caseId: 'x'.repeat(36), item: '11440100MB2C12345X' } });

const measure = (name: string, runs: number, op: (i: number) => unknown): void => {
  for (let i = 0; i < Math.min(10, runs); i++) op(i);
  const start = performance.now();
  for (let i = 0; i < runs; i++) op(i);
  console.log(`${name.padEnd(44)} ${((performance.now() - start) / runs).toFixed(3).padStart(8)} ms/op  (${runs} ops)`);
};

const keys = generateSm2KeyPair();
const signature = sm2Sign(message, keys.privateKey);
const oldSignature = smCrypto.sm2.doSignature(message, keys.privateKey, { hash: true, publicKey: keys.publicKey });
// One-off keys: each is verified once, so none of them gets a table.
const oneOff = Array.from({ length: N + 10 }, () => {
  const k = generateSm2KeyPair();
  return { publicKey: k.publicKey, signature: sm2Sign(message, k.privateKey) };
});

console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
measure('before: sm-crypto sign', Math.ceil(N / 10), () => smCrypto.sm2.doSignature(message, keys.privateKey, { hash: true, publicKey: keys.publicKey }));
measure('before: sm-crypto verify', Math.ceil(N / 10), () => smCrypto.sm2.doVerifySignature(message, oldSignature, keys.publicKey, { hash: true }));
let start = performance.now();
sm2Verify(message, signature, keys.publicKey);
sm2Verify(message, signature, keys.publicKey);
sm2Verify(message, signature, keys.publicKey);
console.log(`${'after: first verifications (builds the tables)'.padEnd(44)} ${(performance.now() - start).toFixed(3).padStart(8)} ms once`);
measure('after: sm2Sign', N, () => sm2Sign(message, keys.privateKey, { publicKey: keys.publicKey }));
measure('after: sm2Verify, pinned key', N, () => sm2Verify(message, signature, keys.publicKey));
measure('after: sm2Verify, one-off key', N, (i) => sm2Verify(message, oneOff[i]!.signature, oneOff[i]!.publicKey));
const dataKey = Buffer.alloc(32, 7);
const wrapped = sm2Encrypt(dataKey, keys.publicKey);
measure('sm2Encrypt (32-byte data key)', N, () => sm2Encrypt(dataKey, keys.publicKey));
measure('sm2Decrypt (32-byte data key)', N, () => sm2Decrypt(wrapped, keys.privateKey));
start = performance.now();
if (!sm2Verify(message, signature, keys.publicKey) || sm2Verify(`${message} `, signature, keys.publicKey)) throw new Error('bench: verification is wrong');
console.log(`sanity ok (${(performance.now() - start).toFixed(3)} ms)`);
