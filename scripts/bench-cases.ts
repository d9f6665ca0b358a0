import 'reflect-metadata';
import { benchCases, casesTable } from './bench/cases.js';
import { machineLine } from './bench/common.js';
import { startSandbox } from './bench/sandbox-run.js';

/**
 * `npm run bench:cases` (= `npm run build && node dist/scripts/bench-cases.js`): P2 of `npm run bench`
 * alone (see scripts/bench/cases.ts): N 异地代收代办 cases filed and taken through their life
 * through the sandbox's HTTP API, then a raw-SQL baseline doing the same writes.
 *
 * Env: BENCH_CASES (default 200), BENCH_CONCURRENCY (default 8), BENCH_JSON=1 prints JSON too.
 */
const N = Number(process.env.BENCH_CASES ?? 200);
const C = Number(process.env.BENCH_CONCURRENCY ?? 8);

const main = async (): Promise<void> => {
  const run = await startSandbox(C + 2);
  try {
    const r = await benchCases(run, N, C);
    const lines = [
      `# bench:cases — ${N} cases, concurrency ${C}`,
      '',
      `machine: ${machineLine()}, PostgreSQL ${run.pgVersion} (embedded), embedded transport`,
      `completed cases: Foshan ${r.completed.fs}, Guangzhou ${r.completed.gz} (including ${r.warmUp} warm-up cases)`,
      '',
      ...casesTable(r),
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (process.env.BENCH_JSON === '1') process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  } finally {
    await run.close();
  }
};

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
