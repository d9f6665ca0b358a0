import { performance } from 'node:perf_hooks';
import smCrypto from 'sm-crypto';
import { generateSm2KeyPair, sm2Decrypt, sm2Encrypt, sm2Sign, sm2Verify } from '@guangfo/gm-crypto';
import { type BenchSection, fmt, markdownTable } from './common.js';

/**
 * SM2: per-operation time of the project's SM2 (@guangfo/gm-crypto: sign, verify with a pinned key
 * and with a key seen once, encryption of a data key) against sm-crypto (the implementation used
 * before), in one process, one operation at a time on the event loop, same 150-byte event body.
 */
export interface Sm2Line {
  name: string;
  msPerOp: number;
  runs: number;
}

export interface Sm2Result {
  n: number;
  lines: Sm2Line[];
  tablesOnceMs: number;
}

const message = JSON.stringify({
  specversion: '1.0',
  type: 'gov.guangfo.affairs.case-filed.v1',
  data: { caseId: 'x'.repeat(36), item: '11440100MB2C12345X' },
});

export const benchSm2 = (n: number, onLine: (line: Sm2Line) => void = () => undefined): Sm2Result => {
  const lines: Sm2Line[] = [];
  const measure = (name: string, runs: number, op: (i: number) => unknown): void => {
    for (let i = 0; i < Math.min(10, runs); i++) op(i);
    const start = performance.now();
    for (let i = 0; i < runs; i++) op(i);
    const line = { name, msPerOp: (performance.now() - start) / runs, runs };
    lines.push(line);
    onLine(line);
  };
  const keys = generateSm2KeyPair();
  const signature = sm2Sign(message, keys.privateKey);
  const oldSignature = smCrypto.sm2.doSignature(message, keys.privateKey, { hash: true, publicKey: keys.publicKey });
  // One-off keys: each is verified once, so none of them gets a table.
  const oneOff = Array.from({ length: n + 10 }, () => {
    const k = generateSm2KeyPair();
    return { publicKey: k.publicKey, signature: sm2Sign(message, k.privateKey) };
  });
  measure('before: sm-crypto sign', Math.ceil(n / 10), () =>
    smCrypto.sm2.doSignature(message, keys.privateKey, { hash: true, publicKey: keys.publicKey }),
  );
  measure('before: sm-crypto verify', Math.ceil(n / 10), () =>
    smCrypto.sm2.doVerifySignature(message, oldSignature, keys.publicKey, { hash: true }),
  );
  const start = performance.now();
  sm2Verify(message, signature, keys.publicKey);
  sm2Verify(message, signature, keys.publicKey);
  sm2Verify(message, signature, keys.publicKey);
  const tablesOnceMs = performance.now() - start;
  measure('after: sm2Sign', n, () => sm2Sign(message, keys.privateKey, { publicKey: keys.publicKey }));
  measure('after: sm2Verify, pinned key', n, () => sm2Verify(message, signature, keys.publicKey));
  measure('after: sm2Verify, one-off key', n, (i) => sm2Verify(message, oneOff[i]!.signature, oneOff[i]!.publicKey));
  const dataKey = Buffer.alloc(32, 7);
  const wrapped = sm2Encrypt(dataKey, keys.publicKey);
  measure('sm2Encrypt (32-byte data key)', n, () => sm2Encrypt(dataKey, keys.publicKey));
  measure('sm2Decrypt (32-byte data key)', n, () => sm2Decrypt(wrapped, keys.privateKey));
  if (!sm2Verify(message, signature, keys.publicKey) || sm2Verify(`${message} `, signature, keys.publicKey))
    throw new Error('bench: SM2 verification is wrong');
  return { n, lines, tablesOnceMs };
};

export const sm2Section = (r: Sm2Result): BenchSection => {
  const ms = (name: string) => r.lines.find((l) => l.name === name)?.msPerOp ?? NaN;
  const before = { sign: ms('before: sm-crypto sign'), verify: ms('before: sm-crypto verify') };
  const row = (op: string, b: number, a: number) => [op, fmt(b, 2), fmt(a, 3), Number.isFinite(b) ? `×${fmt(b / a, 1)}` : ''];
  return {
    title: 'SM2 — @guangfo/gm-crypto vs sm-crypto (per operation, one at a time)',
    lines: [
      `${r.n} operations each (sm-crypto: ${Math.ceil(r.n / 10)}), 150-byte event body.`,
      '',
      ...markdownTable(
        ['operation', 'sm-crypto ms', 'gm-crypto ms', 'speed-up'],
        ['l', 'r', 'r', 'r'],
        [
          row('sign', before.sign, ms('after: sm2Sign')),
          row('verify, pinned key', before.verify, ms('after: sm2Verify, pinned key')),
          row('verify, key seen once', before.verify, ms('after: sm2Verify, one-off key')),
          row('encrypt a 32-byte data key', NaN, ms('sm2Encrypt (32-byte data key)')),
          row('decrypt a 32-byte data key', NaN, ms('sm2Decrypt (32-byte data key)')),
          ['tables for G and one key (first verifications, once)', '', fmt(r.tablesOnceMs, 1), ''],
        ],
      ),
    ],
    targets: [],
  };
};
