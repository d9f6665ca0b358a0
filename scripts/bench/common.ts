import http from 'node:http';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/** Helpers shared by the benchmarks (`npm run bench` and the single ones). No timing assertions anywhere. */

export const SMOKE = process.env.BENCH_SMOKE === '1';

/** A positive number from the environment, or the smoke / full default. */
export const envNumber = (name: string, full: number, smoke: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return SMOKE ? smoke : full;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return n;
};

export const percentile = (xs: readonly number[], p: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export const percentiles = (xs: readonly number[]): Percentiles => ({
  n: xs.length,
  p50: percentile(xs, 50),
  p95: percentile(xs, 95),
  p99: percentile(xs, 99),
  max: xs.length ? Math.max(...xs) : NaN,
});

/**
 * A pool of the benchmark's own on a node's database. `end()` resolves before every backend has
 * gone, so a database dropped right after may still cut one: such errors of idle clients are
 * ignored here instead of crashing the process (queries still reject as usual).
 */
export const inspectionPool = (connectionString: string, max: number): pg.Pool => {
  const p = new pg.Pool({ connectionString, max });
  p.on('error', () => undefined);
  return p;
};

/** Progress on stderr (stdout carries only the tables). */
export const progress = (s: string): void => {
  process.stderr.write(`bench: ${s}\n`);
};

/** Seconds since `t0` (performance.now()), for progress lines. */
export const since = (t0: number): string => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over items with at most `c` in flight. */
export const pool = async <T>(items: readonly T[], c: number, fn: (item: T, i: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(c, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
};

/**
 * Open loop at a fixed offered rate: item i starts at t0 + i / rate whatever happened to the earlier
 * ones, with at most `maxInFlight` outstanding (if that cap is reached the offered rate is not kept:
 * the caller reports the achieved rate). Bounded by `n`. Rejects with the first failure.
 */
export const offerAtRate = async (
  n: number,
  ratePerSecond: number,
  maxInFlight: number,
  fn: (i: number) => Promise<void>,
): Promise<{ seconds: number; capped: number }> => {
  const t0 = performance.now();
  let inFlight = 0;
  let capped = 0;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const started: Promise<void>[] = [];
  for (let i = 0; i < n && failure === undefined; i++) {
    const wait = t0 + (i * 1000) / ratePerSecond - performance.now();
    if (wait >= 1) await sleep(wait);
    if (inFlight >= maxInFlight) capped += 1;
    while (inFlight >= maxInFlight) await new Promise<void>((r) => (wake = r));
    inFlight += 1;
    started.push(
      fn(i)
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => {
          inFlight -= 1;
          wake?.();
          wake = undefined;
        }),
    );
  }
  await Promise.all(started);
  if (failure !== undefined) throw failure;
  return { seconds: (performance.now() - t0) / 1000, capped };
};

/** Polls `probe` until it returns true (a probe that throws counts as not yet), at most `timeoutMs`. */
export const waitUntil = async (what: string, probe: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<void> => {
  const until = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (err) {
      last = err;
    }
    if (performance.now() > until)
      throw new Error(
        `timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`,
      );
    await sleep(everyMs);
  }
};

export const fmt = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '–');
export const ratio = (a: number, b: number): number => (b > 0 ? a / b : NaN);

export const machineLine = (): string =>
  `${cpus().length} × ${cpus()[0]?.model?.trim() ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}, Node ${process.version}`;
export const loadLine = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

/** One line of the targets table. */
export interface Target {
  name: string;
  measured: number;
  /** `min`: measured must be ≥ bound; `max`: ≤ bound. */
  kind: 'min' | 'max';
  bound: number;
  unit: string;
}

export const targetMet = (t: Target): boolean =>
  Number.isFinite(t.measured) && (t.kind === 'min' ? t.measured >= t.bound : t.measured <= t.bound);

export const markdownTable = (head: string[], align: ('l' | 'r')[], rows: string[][]): string[] => [
  `| ${head.join(' | ')} |`,
  `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
];

/** What a benchmark hands back: its tables (markdown lines), its targets, and notes. */
export interface BenchSection {
  title: string;
  lines: string[];
  targets: Target[];
}

/**
 * A kept-alive socket the server closed while it sat idle (Node's server closes them after its keep-alive timeout, 5 s) resets
 * the next request sent on it before the server reads it. Such a request is sent once more on a fresh socket, as Node's
 * documentation of `reusedSocket` advises; any other error stands.
 */
export const idleSocketReset = (req: http.ClientRequest, err: NodeJS.ErrnoException): boolean =>
  req.reusedSocket && err.code === 'ECONNRESET';

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 256 });
/**
 * The load generator's HTTP client: node:http with kept-alive sockets. It shares the 2 cores with the nodes under test, so it
 * should cost as little as it can (the undici `fetch` costs noticeably more CPU per request).
 */
export const postJson = (
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  retried = false,
): Promise<{ status: number; json: any; ms: number }> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const payload = Buffer.from(JSON.stringify(body));
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: keepAlive,
        headers: { 'content-type': 'application/json', 'content-length': String(payload.length), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json, ms: performance.now() - t0 });
        });
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`POST ${url}: no answer in 60 s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!retried && idleSocketReset(req, err)) postJson(url, body, headers, true).then(resolve, reject);
      else reject(err);
    });
    req.end(payload);
  });
