import { cpus, loadavg } from 'node:os';
import { benchSm2 } from './bench/sm2.js';

/**
 * `npm run bench:sm2` (= `npm run build && node dist/scripts/bench-sm2.js`): per-operation time of
 * the project's SM2 (sign, verify with a key seen for the first time, verify with a pinned key,
 * encryption) against sm-crypto (the implementation used before), in the same process, one
 * operation at a time on the event loop. Env: BENCH_SM2_N (default 200). `npm run bench` runs it too.
 */
const N = Number(process.env.BENCH_SM2_N ?? 200);

console.log(
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
const r = benchSm2(N, (l) => console.log(`${l.name.padEnd(44)} ${l.msPerOp.toFixed(3).padStart(8)} ms/op  (${l.runs} ops)`));
console.log(`${'after: first verifications (builds the tables)'.padEnd(44)} ${r.tablesOnceMs.toFixed(3).padStart(8)} ms once`);
console.log('sanity ok');
