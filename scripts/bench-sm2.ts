import { cpus, loadavg } from 'node:os';
import { performance, monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import smCrypto from 'sm-crypto';
import {
  Sm2VerifyPool,
  generateSm2KeyPair,
  sm2Decrypt,
  sm2Encrypt,
  sm2MessageDigest,
  sm2Sign,
  sm2Verify,
  type Sm2VerifyJob,
} from '@guangfo/gm-crypto';

/**
 * `npm run bench:sm2` (= `npm run build && node dist/scripts/bench-sm2.js`): per-operation time of
 * the project's SM2 (sign, verify with a key seen for the first time, verify with a pinned key,
 * encryption) against sm-crypto (the implementation used before), in the same process, one
 * operation at a time on the event loop; then the event-loop time per verified event inline and
 * with `Sm2VerifyPool`.
 *
 * Env: BENCH_SM2_N (default 200); BENCH_SM2_POOL_SIZE (default: the pool's default);
 * BENCH_SM2_BASELINE = path of another build's gm-crypto `index.js` (e.g. a previous commit's,
 * compiled elsewhere) to time its sign/verify and encrypt/decrypt in the same process, alternating
 * with this build's.
 */
const N = Number(process.env.BENCH_SM2_N ?? 200);
const message = JSON.stringify({
  specversion: '1.0',
  type: 'gov.guangfo.affairs.case-filed.v1',
  data: { caseId: 'x'.repeat(36), item: '11440100MB2C12345X' },
});
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/**
 * Wall time per operation, and the process's CPU time per operation (no worker is running while
 * these run): on a machine shared with other jobs, CPU time varies much less than wall time.
 */
const measure = (name: string, runs: number, op: (i: number) => unknown): number => {
  for (let i = 0; i < Math.min(10, runs); i++) op(i);
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) op(i);
  const used = process.cpuUsage(cpu);
  const ms = (performance.now() - start) / runs;
  const cpuMs = (used.user + used.system) / 1000 / runs;
  console.log(`${name.padEnd(52)} ${ms.toFixed(3).padStart(8)} ms/op, cpu ${cpuMs.toFixed(3)} ms/op  (${runs} ops)`);
  return ms;
};

interface Sm2Api {
  sm2Sign(message: string, privateKey: string, options?: { publicKey?: string }): string;
  sm2Verify(message: string, signature: string, publicKey: string): boolean;
  sm2Encrypt(message: Uint8Array, publicKey: string): Buffer;
  sm2Decrypt(ciphertext: Uint8Array, privateKey: string): Buffer;
}

const current: Sm2Api = { sm2Sign, sm2Verify, sm2Encrypt, sm2Decrypt };
const baselinePath = process.env.BENCH_SM2_BASELINE;
const baseline = baselinePath ? ((await import(pathToFileURL(baselinePath).href)) as Sm2Api) : undefined;

const keys = generateSm2KeyPair();
const signature = sm2Sign(message, keys.privateKey);
const oldSignature = smCrypto.sm2.doSignature(message, keys.privateKey, { hash: true, publicKey: keys.publicKey });
// One-off keys: each is verified once, so none of them gets a table.
const oneOff = Array.from({ length: 4 * N + 40 }, () => {
  const k = generateSm2KeyPair();
  return { publicKey: k.publicKey, signature: sm2Sign(message, k.privateKey) };
});
let nextOneOff = 0;

console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${load()}`);
measure('sm-crypto sign (before gm-crypto)', Math.ceil(N / 10), () =>
  smCrypto.sm2.doSignature(message, keys.privateKey, { hash: true, publicKey: keys.publicKey }),
);
measure('sm-crypto verify (before gm-crypto)', Math.ceil(N / 10), () =>
  smCrypto.sm2.doVerifySignature(message, oldSignature, keys.publicKey, { hash: true }),
);

const builds: [string, Sm2Api][] = baseline
  ? [
      ['baseline', baseline],
      ['this build', current],
    ]
  : [['this build', current]];
for (const [name, api] of builds) {
  const start = performance.now();
  for (let i = 0; i < 3; i++)
    if (!api.sm2Verify(message, signature, keys.publicKey)) throw new Error(`bench: ${name} rejects a valid signature`);
  console.log(
    `${`${name}: first 3 verifications (build the tables)`.padEnd(52)} ${(performance.now() - start).toFixed(3).padStart(8)} ms once`,
  );
}
const rounds = baseline ? 2 : 1; // baseline, this build, baseline, this build: drift shows as a difference between rounds
for (let round = 1; round <= rounds; round++) {
  for (const [name, api] of builds) {
    const tag = baseline ? `${name} (round ${round})` : name;
    measure(`${tag}: sm2Sign`, N, () => api.sm2Sign(message, keys.privateKey, { publicKey: keys.publicKey }));
    measure(`${tag}: sm2Verify, pinned key`, N, () => api.sm2Verify(message, signature, keys.publicKey));
    const base = nextOneOff;
    nextOneOff += Math.floor(N / 2) + 10;
    measure(`${tag}: sm2Verify, one-off key`, Math.floor(N / 2), (i) =>
      api.sm2Verify(message, oneOff[base + i]!.signature, oneOff[base + i]!.publicKey),
    );
  }
}
measure('this build: e = SM3(Z_A ‖ M), Z_A cached', N, () => sm2MessageDigest(message, keys.publicKey));

// Event-loop time per verified event: inline, and with the pool (the main thread only posts jobs
// and receives booleans). ELU = performance.eventLoopUtilization(); delay = monitorEventLoopDelay.
const events = Array.from({ length: 4 * N }, (_, i) => `${message}#${i}`);
const jobs: Sm2VerifyJob[] = events.map((m) => ({ message: m, signature: sm2Sign(m, keys.privateKey), publicKey: keys.publicKey }));
const delay = monitorEventLoopDelay({ resolution: 1 });

/** `inline`: `run` is one synchronous call, so the loop is blocked for all of it (the delay histogram has no sample inside). */
async function eventLoopRun(name: string, run: () => Promise<boolean[]> | boolean[], inline = false): Promise<void> {
  delay.reset();
  delay.enable();
  const elu = performance.eventLoopUtilization();
  const start = performance.now();
  const cpu = process.cpuUsage();
  const results = await run();
  const cpuUsed = process.cpuUsage(cpu);
  const wall = performance.now() - start;
  const used = performance.eventLoopUtilization(elu);
  delay.disable();
  if (results.length !== jobs.length || !results.every(Boolean)) throw new Error(`bench: ${name} rejected valid signatures`);
  const blocking = inline
    ? `loop blocked ${wall.toFixed(1)} ms in one stretch`
    : `loop delay p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`;
  const rate = ((jobs.length / wall) * 1000).toFixed(0);
  const cpuPerEvent = (cpuUsed.user + cpuUsed.system) / 1000 / jobs.length; // all threads of the process
  console.log(
    `${name.padEnd(52)} ${(used.active / jobs.length).toFixed(3).padStart(8)} ms event loop/event, ` +
      `process cpu ${cpuPerEvent.toFixed(3)} ms/event, ${rate} events/s, ${blocking}`,
  );
}

const pool = new Sm2VerifyPool(process.env.BENCH_SM2_POOL_SIZE ? { size: Number(process.env.BENCH_SM2_POOL_SIZE) } : {});
const poolStart = performance.now();
await pool.ready();
await pool.verifyMany(jobs.slice(0, 4)); // pins the key in the workers
console.log(
  `${`pool of ${pool.size}: start (self-test, base table) and pin`.padEnd(52)} ${(performance.now() - poolStart).toFixed(3).padStart(8)} ms once`,
);
// Inline, as one synchronous loop would run (e.g. verifying a batch in a message handler).
await eventLoopRun(`inline sm2Verify (${jobs.length} events)`, () => jobs.map((j) => sm2Verify(j.message, j.signature, j.publicKey)), true);
await eventLoopRun(`pool.verify, one call per event`, () => Promise.all(jobs.map((j) => pool.verify(j.message, j.signature, j.publicKey))));
await eventLoopRun(`pool.verifyMany, one call`, () => pool.verifyMany(jobs));
await pool.close();

// Encryption of a 32-byte data key to a pinned recipient key (the first 3 encryptions pin it), and
// its decryption; with a baseline, alternating as above. Each build decrypts the other's ciphertext.
const dataKey = Buffer.alloc(32, 7);
console.log(`load average before encryption ${load()}`);
for (let round = 1; round <= rounds; round++) {
  for (const [name, api] of builds) {
    const tag = baseline ? `${name} (round ${round})` : name;
    const wrapped = api.sm2Encrypt(dataKey, keys.publicKey);
    for (const [, other] of builds)
      if (!other.sm2Decrypt(wrapped, keys.privateKey).equals(dataKey)) throw new Error(`bench: ${name}'s ciphertext does not decrypt`);
    measure(`${tag}: sm2Encrypt (32-byte data key)`, N, () => api.sm2Encrypt(dataKey, keys.publicKey));
    measure(`${tag}: sm2Decrypt (32-byte data key)`, N, () => api.sm2Decrypt(wrapped, keys.privateKey));
  }
}
const start = performance.now();
if (!sm2Verify(message, signature, keys.publicKey) || sm2Verify(`${message} `, signature, keys.publicKey))
  throw new Error('bench: verification is wrong');
console.log(`sanity ok (${(performance.now() - start).toFixed(3)} ms), load average at the end ${load()}`);
