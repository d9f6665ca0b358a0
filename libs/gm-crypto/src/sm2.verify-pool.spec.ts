import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSm2KeyPair, sm2Sign, sm2Verify, type Sm2KeyPair } from './sm2.signer.js';
import { Sm2VerifyPool, Sm2VerifyPoolError, type Sm2VerifyJob } from './sm2.verify-pool.js';

/**
 * The pool runs its workers from the TypeScript sources here (ts-jest): the worker registers a
 * transpile-only loader first. The last describe runs the compiled layout (dist/) in a child node.
 */
let keys: Sm2KeyPair;
let other: Sm2KeyPair;

beforeAll(() => {
  keys = generateSm2KeyPair();
  other = generateSm2KeyPair();
});

const job = (message: string, signer: Sm2KeyPair, publicKey = signer.publicKey, userId?: string): Sm2VerifyJob => ({
  message,
  signature: sm2Sign(message, signer.privateKey, userId === undefined ? {} : { userId }),
  publicKey,
  ...(userId === undefined ? {} : { userId }),
});

describe('Sm2VerifyPool', () => {
  let pool: Sm2VerifyPool;

  beforeAll(async () => {
    pool = new Sm2VerifyPool({ size: 2, maxBatch: 3 });
    await pool.ready();
  });

  afterAll(async () => {
    await pool.close();
  });

  it('verifies like sm2Verify, in the order of the jobs', async () => {
    const jobs: Sm2VerifyJob[] = [
      job('a', keys),
      job('b', keys, other.publicKey), // wrong key
      { ...job('c', keys), message: 'c!' }, // tampered message
      job('d', other),
      job('e', keys, keys.publicKey, 'guangzhou-node'),
      { ...job('f', keys, keys.publicKey, 'guangzhou-node'), userId: 'foshan-node' }, // wrong id
      { ...job('g', keys), signature: 'not a signature' },
      { ...job('h', keys), message: Buffer.from('h') },
      ...Array.from({ length: 10 }, (_, i) => job(`event ${i}`, i % 2 ? keys : other)),
    ];
    const expected = jobs.map((j) => sm2Verify(j.message, j.signature, j.publicKey, j.userId === undefined ? {} : { userId: j.userId }));
    expect(expected.slice(0, 8)).toEqual([true, false, false, true, true, false, false, true]);
    await expect(pool.verifyMany(jobs)).resolves.toEqual(expected);
    await expect(pool.verifyMany([])).resolves.toEqual([]);
    const one = job('single', keys);
    await expect(pool.verify(one.message, one.signature, one.publicKey)).resolves.toBe(true);
    await expect(pool.verify('single?', one.signature, one.publicKey)).resolves.toBe(false);
  });

  it('sends compact copies of byte views and accepts signatures as bytes', async () => {
    const backing = Buffer.concat([Buffer.from('xx'), Buffer.from('广佛通办'), Buffer.from('yy')]);
    const view = backing.subarray(2, backing.length - 2);
    const signature = Buffer.from(sm2Sign(view, keys.privateKey), 'base64');
    await expect(pool.verify(view, signature, keys.publicKey)).resolves.toBe(true);
    await expect(pool.verify(backing, signature, keys.publicKey)).resolves.toBe(false);
  });

  it('rejects a malformed key as sm2Verify throws, and only that call', async () => {
    const good = job('ok', keys);
    await expect(pool.verify(good.message, good.signature, '04abcd')).rejects.toThrow(TypeError);
    await expect(
      pool.verify(good.message, good.signature, `${keys.publicKey.slice(0, -1)}${keys.publicKey.endsWith('0') ? '1' : '0'}`),
    ).rejects.toThrow(RangeError);
    await expect(pool.verifyMany([good, { ...good, publicKey: '04abcd' }])).rejects.toThrow(TypeError);
    await expect(pool.verify(good.message, good.signature, good.publicKey, { userId: '' })).rejects.toThrow(TypeError);
    await expect(pool.verify(good.message, good.signature, good.publicKey)).resolves.toBe(true);
  });

  it('validates its options', () => {
    expect(() => new Sm2VerifyPool({ size: 0 })).toThrow(RangeError);
    expect(() => new Sm2VerifyPool({ size: 1.5 })).toThrow(RangeError);
    expect(() => new Sm2VerifyPool({ maxBatch: 0 })).toThrow(RangeError);
  });
});

describe('Sm2VerifyPool when a worker crashes', () => {
  it('rejects only the jobs in flight on that worker and replaces it', async () => {
    const pool = new Sm2VerifyPool({ size: 2 });
    try {
      await pool.ready();
      const j = job('crash test', keys);
      pool.crashWorkerForTesting(0);
      // Calls of one tick go out together, in one batch per worker: jobs 1–2 to worker 0, 3–4 to worker 1.
      // Worker 0 handles the crash message first.
      const settled = await Promise.allSettled([1, 2, 3, 4].map(() => pool.verify(j.message, j.signature, j.publicKey)));
      expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
      for (const s of settled) {
        if (s.status === 'fulfilled') expect(s.value).toBe(true);
        else {
          expect(s.reason).toBeInstanceOf(Sm2VerifyPoolError);
          expect((s.reason as Error).message).toMatch(/crashed/);
          expect(((s.reason as Error).cause as Error).message).toMatch(/crash requested/);
        }
      }
      expect(pool.replacedWorkers).toBe(1);
      expect(pool.size).toBe(2);
      await pool.ready();
      await expect(pool.verifyMany(Array.from({ length: 8 }, (_, i) => job(`after ${i}`, keys)))).resolves.toEqual(Array(8).fill(true));
      expect(pool.pendingJobs).toBe(0);
    } finally {
      await pool.close();
    }
  });
});

describe('Sm2VerifyPool.close', () => {
  it('lets the jobs in flight finish, then rejects new ones', async () => {
    const pool = new Sm2VerifyPool({ size: 1 });
    const jobs = Array.from({ length: 6 }, (_, i) => job(`closing ${i}`, keys));
    const inFlight = pool.verifyMany(jobs);
    const single = pool.verify(jobs[0]!.message, jobs[0]!.signature, keys.publicKey); // queued for this tick's batch
    const closed = pool.close();
    await expect(inFlight).resolves.toEqual(Array(6).fill(true));
    await expect(single).resolves.toBe(true);
    await closed;
    await expect(pool.close()).resolves.toBeUndefined();
    await expect(pool.verify(jobs[0]!.message, jobs[0]!.signature, keys.publicKey)).rejects.toThrow(Sm2VerifyPoolError);
    await expect(pool.verifyMany(jobs)).rejects.toThrow(Sm2VerifyPoolError);
  });
});

describe('Sm2VerifyPool from compiled JavaScript (the dist/ layout)', () => {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, '../../..');
  let dir: string;

  beforeAll(() => {
    // Transpile gm-crypto's sources as tsc would into a temporary folder that sees the project's node_modules.
    const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
    dir = mkdtempSync(join(tmpdir(), 'sm2-pool-dist-'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    for (const file of readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
      const { outputText } = ts.transpileModule(readFileSync(join(here, file), 'utf8'), {
        fileName: file,
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), outputText);
    }
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts sm2.verify-worker.js next to the compiled pool', () => {
    const script = `
      import { Sm2VerifyPool, generateSm2KeyPair, sm2Sign } from './index.js';
      const keys = generateSm2KeyPair();
      const pool = new Sm2VerifyPool({ size: 1 });
      const signature = sm2Sign('dist', keys.privateKey);
      const results = await pool.verifyMany([
        { message: 'dist', signature, publicKey: keys.publicKey },
        { message: 'dist?', signature, publicKey: keys.publicKey },
      ]);
      await pool.close();
      console.log(JSON.stringify(results));`;
    writeFileSync(join(dir, 'check.js'), script);
    const result = spawnSync(process.execPath, ['check.js'], { cwd: dir, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('[true,false]');
  });
});
