import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { type BenchSection, fmt, markdownTable, type Percentiles, percentiles, pool, postJson, ratio, type Target } from './common.js';
import { type CpuReading, cpuPer } from './process-cpu.js';
import { FS, GZ, type HttpSandboxRun } from './sandbox-run.js';

/**
 * P2: 跨城通办 cases through the HTTP API of the sandbox against a raw-SQL baseline doing the same
 * writes at the same concurrency. Through the API: N 异地代收代办 cases (XK00201000, five materials)
 * filed at the Foshan window with an Idempotency-Key each, then each case through forward (Foshan) →
 * accept, decide (Guangzhou) → deliver, complete (Foshan) with If-Match and `Prefer: return=minimal`, waiting before Guangzhou's
 * and Foshan's turns until that city's copy has the previous entry (polled in its database, so the
 * wait adds no audited reads: that wait is the "cross-city wait" row). Raw SQL, on Foshan's
 * database: per filing one transaction inserting the case row (same aggregate JSON), a timeline
 * entry, an outbox row (same envelope) and an audit row; per step one transaction locking the row,
 * updating it and inserting the same three rows. No HTTP, validation, authorization, SM2, audit
 * chain, view building or replication in the baseline.
 */

const STEPS = ['forward', 'accept', 'decide', 'deliver', 'complete'] as const;

const sha = (c: string) => c.repeat(64);
const filing = (i: number) => ({
  itemCode: 'XK00201000',
  mode: 'proxy',
  administeringCity: GZ,
  applicant: { name: '李小红', idNumber: '44060419920505002X', sub: 'fs-resident', identityCheck: 'id-card-reader' },
  materials: [
    {
      materialId: 'household-register',
      file: { fileName: `hr-${i}.pdf`, mediaType: 'application/pdf', sizeBytes: 1000, sha256: sha('e') },
    },
    { materialId: 'id-card', file: { fileName: 'id.pdf', mediaType: 'application/pdf', sizeBytes: 1000, sha256: sha('a') } },
    { materialId: 'residence-permit', file: { fileName: 'rp.pdf', mediaType: 'application/pdf', sizeBytes: 1000, sha256: sha('b') } },
    { materialId: 'home', file: { fileName: 'home.pdf', mediaType: 'application/pdf', sizeBytes: 1000, sha256: sha('c') } },
    { materialId: 'contributions', file: { fileName: 'si.pdf', mediaType: 'application/pdf', sizeBytes: 1000, sha256: sha('d') } },
  ],
});

export interface CasesRow extends Percentiles {
  phase: string;
  /** Wall seconds and cases per second of the whole phase (absent on the per-step rows). */
  seconds?: number;
  casesPerSecond?: number;
}

export interface CasesResult {
  n: number;
  concurrency: number;
  warmUp: number;
  completed: { fs: number; gz: number };
  rows: CasesRow[];
  file: { api: number; raw: number };
  life: { api: number; raw: number };
  crossCityWait: Percentiles;
  /**
   * CPU per case of each phase (ms), from /proc, when the sandbox's processes can be read: the two city processes and their
   * PostgreSQL through the API, PostgreSQL alone for the raw baseline. A machine that runs slower for a while shows fewer
   * cases per second but about the same CPU per case: the figure to compare between runs and commits.
   */
  cpu?: { file: CpuReading; life: CpuReading; rawFile: CpuReading; rawLife: CpuReading };
}

export const benchCases = async (run: HttpSandboxRun, n: number, c: number): Promise<CasesResult> => {
  const { base, db } = run;
  const tokens = { fs: await run.token(FS, 'fs-clerk'), gz: await run.token(GZ, 'gz-clerk') };

  const call = async (
    city: string,
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; ms: number; json: any }> => {
    const r = await postJson(`${base(city)}${path}`, body, {
      authorization: `Bearer ${city === FS ? tokens.fs : tokens.gz}`,
      ...headers,
    });
    return { status: r.status, ms: r.ms, json: r.status === 204 ? null : r.json };
  };
  const expectOk = (r: { status: number; json: any }, what: string, status = 200) => {
    if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json)}`);
  };
  /** The other city's copy has reached `version` (read from its database, not through the API, so waiting adds no audited reads). */
  const replicated = async (city: string, id: string, version: number): Promise<number> => {
    const t0 = performance.now();
    for (;;) {
      const r = await db[city]!.query<{ version: number }>('SELECT version FROM affairs.case WHERE id = $1', [id]);
      if ((r.rows[0]?.version ?? 0) >= version) return performance.now() - t0;
      if (performance.now() - t0 > 30_000) throw new Error(`${city} never reached version ${version} of ${id}`);
      await new Promise((r2) => setTimeout(r2, 5));
    }
  };
  const stepBody = (s: (typeof STEPS)[number]) =>
    s === 'decide' ? { outcome: 'approved' } : s === 'deliver' ? { method: 'window-pickup' } : {};
  const lifecycle = async (id: string, lat: Record<string, number[]>, lag: number[]) => {
    let v = 1;
    for (const s of STEPS) {
      const city = s === 'accept' || s === 'decide' ? GZ : FS;
      if (s === 'accept') lag.push(await replicated(GZ, id, v));
      if (s === 'deliver') lag.push(await replicated(FS, id, v));
      // The step's new version is all the client needs (ETag): no case read back.
      const r = await call(city, `/cases/${id}/${s}`, stepBody(s), { 'if-match': `"${v}"`, prefer: 'return=minimal' });
      expectOk(r, s, 204);
      lat[s]!.push(r.ms);
      v += 1;
    }
  };

  // Warm-up (JIT, pools, prepared plans): not measured.
  const warm: string[] = [];
  for (let i = 0; i < Math.min(10, n); i++) {
    const r = await call(FS, '/cases', filing(i));
    expectOk(r, 'file', 201);
    warm.push(r.json.id);
  }
  await pool(warm, c, (id) => lifecycle(id, Object.fromEntries(STEPS.map((s) => [s, []])), []));

  const readCpu = run.cpu ?? (() => undefined);
  const cpuAt: (CpuReading | undefined)[] = [];

  // 1. Filing through the API.
  const fileLat: number[] = [];
  const ids: string[] = [];
  cpuAt.push(readCpu());
  let t0 = performance.now();
  await pool(
    Array.from({ length: n }, (_, i) => i),
    c,
    async (i) => {
      const r = await call(FS, '/cases', filing(i), { 'idempotency-key': `bench-${i}` });
      expectOk(r, 'file', 201);
      fileLat.push(r.ms);
      ids.push(r.json.id);
    },
  );
  const fileSeconds = (performance.now() - t0) / 1000;
  cpuAt.push(readCpu());

  // 2. The rest of each case's life, across both cities.
  const stepLat: Record<string, number[]> = Object.fromEntries(STEPS.map((s) => [s, []]));
  const lag: number[] = [];
  t0 = performance.now();
  await pool(ids, c, (id) => lifecycle(id, stepLat, lag));
  const lifeSeconds = (performance.now() - t0) / 1000;
  cpuAt.push(readCpu());
  const allSteps = STEPS.flatMap((s) => stepLat[s]!);
  await replicated(GZ, ids[ids.length - 1]!, 6);
  const [fsDone, gzDone] = await Promise.all(
    [FS, GZ].map(
      async (city) =>
        (await db[city]!.query<{ n: number }>(`SELECT count(*)::int AS n FROM affairs.case WHERE state = 'completed'`)).rows[0]!.n,
    ),
  );

  // 3. Raw-SQL baseline: the same rows, written straight to Foshan's database.
  const sample = (
    await db[FS]!.query<{ aggregate: unknown; envelope: unknown }>(
      `SELECT c.aggregate, o.envelope FROM affairs.case c JOIN platform.outbox o ON o.subject = c.id::text WHERE c.id = $1 LIMIT 1`,
      [ids[0]],
    )
  ).rows[0]!;
  const bq = db[FS]!;
  await bq.query(`DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench;
    CREATE TABLE bench.case (LIKE affairs.case INCLUDING ALL);
    CREATE TABLE bench.timeline_entry (LIKE affairs.timeline_entry INCLUDING ALL);
    CREATE TABLE bench.outbox (LIKE platform.outbox INCLUDING ALL);
    CREATE TABLE bench.audit_log (LIKE platform.audit_log INCLUDING ALL);
    CREATE SEQUENCE bench.audit_seq;`);
  const tx = async (fn: (client: pg.PoolClient) => Promise<void>): Promise<number> => {
    const s = performance.now();
    const client = await bq.connect();
    try {
      await client.query('BEGIN');
      await fn(client);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
    return performance.now() - s;
  };
  const writeEntry = async (client: pg.PoolClient, id: string, seq: number) => {
    await client.query(
      `INSERT INTO bench.timeline_entry (case_id, seq, kind, author_city, at, entry) VALUES ($1, $2, 'x', $3, now(), $4)`,
      [id, seq, FS, JSON.stringify({ seq })],
    );
    await client.query(
      `INSERT INTO bench.outbox (event_id, type, subject, audience, to_city, envelope) VALUES (gen_random_uuid(), 'x', $1, 'addressed', $2, $3)`,
      [id, GZ, JSON.stringify(sample.envelope)],
    );
    await client.query(
      `INSERT INTO bench.audit_log (seq, at, actor, action, resource, outcome, detail, prev_hash, hash) VALUES (nextval('bench.audit_seq'), now(), 'clerk:x', 'case.x', $1, 'success', '{}', '', '')`,
      [id],
    );
  };
  const baseIds = Array.from({ length: n }, () => crypto.randomUUID());
  const baseFile: number[] = [];
  cpuAt.push(readCpu());
  t0 = performance.now();
  await pool(baseIds, c, async (id) => {
    baseFile.push(
      await tx(async (client) => {
        await client.query(
          `INSERT INTO bench.case (id, item_code, mode, channel, applicant_city, receiving_city, administering_city, origin_city, participants, applicant_sub, applicant_name,
             applicant_id_masked, applicant_id_cipher, aggregate, state, version, holder_city, due_date, filed_at, updated_at)
           VALUES ($1, 'XK00201000', 'proxy', 'window', $2, $2, $3, $2, $4, 'fs-resident', '李小红', '440***********002X', 'v1.x', $5, 'submitted', 1, $2, '2026-12-11', now(), now())`,
          [id, FS, GZ, [FS, GZ], JSON.stringify(sample.aggregate)],
        );
        await writeEntry(client, id, 1);
      }),
    );
  });
  const baseFileSeconds = (performance.now() - t0) / 1000;
  cpuAt.push(readCpu());
  const baseStep: number[] = [];
  t0 = performance.now();
  await pool(baseIds, c, async (id) => {
    for (let seq = 2; seq <= 6; seq++) {
      baseStep.push(
        await tx(async (client) => {
          await client.query('SELECT version FROM bench.case WHERE id = $1 FOR UPDATE', [id]);
          await client.query(`UPDATE bench.case SET version = $2, aggregate = $3, updated_at = now() WHERE id = $1`, [
            id,
            seq,
            JSON.stringify(sample.aggregate),
          ]);
          await writeEntry(client, id, seq);
        }),
      );
    }
  });
  const baseLifeSeconds = (performance.now() - t0) / 1000;
  cpuAt.push(readCpu());
  await bq.query('DROP SCHEMA bench CASCADE');

  const [fileStart, fileEnd, lifeEnd, rawStart, rawFileEnd, rawLifeEnd] = cpuAt;
  const whole = (phase: string, seconds: number, lat: number[]): CasesRow => ({
    phase,
    seconds,
    casesPerSecond: n / seconds,
    ...percentiles(lat),
  });
  const part = (phase: string, lat: number[]): CasesRow => ({ phase, ...percentiles(lat) });
  return {
    n,
    concurrency: c,
    warmUp: warm.length,
    completed: { fs: fsDone!, gz: gzDone! },
    rows: [
      whole('API: file (POST /cases)', fileSeconds, fileLat),
      whole('API: forward → accept → decide → deliver → complete (both cities)', lifeSeconds, allSteps),
      ...STEPS.map((s) => part(`  API step: ${s}`, stepLat[s]!)),
      part("  cross-city wait (other city's copy caught up)", lag),
      whole('raw SQL: file (same inserts)', baseFileSeconds, baseFile),
      whole('raw SQL: 5 steps (same inserts + update)', baseLifeSeconds, baseStep),
    ],
    file: { api: n / fileSeconds, raw: n / baseFileSeconds },
    life: { api: n / lifeSeconds, raw: n / baseLifeSeconds },
    crossCityWait: percentiles(lag),
    ...(fileStart && fileEnd && lifeEnd && rawStart && rawFileEnd && rawLifeEnd
      ? {
          cpu: {
            file: cpuPer(fileStart, fileEnd, n),
            life: cpuPer(fileEnd, lifeEnd, n),
            rawFile: cpuPer(rawStart, rawFileEnd, n),
            rawLife: cpuPer(rawFileEnd, rawLifeEnd, n),
          },
        }
      : {}),
  };
};

export const casesTable = (r: CasesResult): string[] =>
  markdownTable(
    ['phase', 'requests', 'wall s', 'cases/s', 'p50 ms', 'p95 ms', 'p99 ms'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    r.rows.map((x) => [
      x.phase,
      String(x.n),
      x.seconds === undefined ? '' : fmt(x.seconds, 2),
      x.casesPerSecond === undefined ? '' : fmt(x.casesPerSecond),
      fmt(x.p50),
      fmt(x.p95),
      fmt(x.p99),
    ]),
  );

export const casesSection = (r: CasesResult): BenchSection => {
  const fileRatio = ratio(r.file.api, r.file.raw);
  const lifeRatio = ratio(r.life.api, r.life.raw);
  const lines = [
    `N = ${r.n} cases (after ${r.warmUp} warm-up cases through their whole life), concurrency ${r.concurrency}; completed: Foshan ${r.completed.fs}, Guangzhou ${r.completed.gz} (warm-up included).`,
    '',
    ...casesTable(r),
    '',
    ...markdownTable(
      ['P2', 'API', 'raw pg', 'API ÷ raw'],
      ['l', 'r', 'r', 'r'],
      [
        ['filing, cases/s', fmt(r.file.api), fmt(r.file.raw), fmt(fileRatio, 3)],
        ['life cycle (5 steps), cases/s', fmt(r.life.api), fmt(r.life.raw), fmt(lifeRatio, 3)],
      ],
    ),
    ...(r.cpu
      ? [
          '',
          "CPU per case, from /proc (user + system time of the sandbox's city processes and of its PostgreSQL over each phase, divided by N; the API's life cycle includes this benchmark's polling of the copies in PostgreSQL). Less sensitive than cases/s to how fast the shared machine runs at the moment: compare it between runs.",
          '',
          ...markdownTable(
            ['phase', 'city processes ms', 'PostgreSQL ms', 'total ms'],
            ['l', 'r', 'r', 'r'],
            [
              ['API: file', r.cpu.file, true],
              ['API: 5 steps, both cities, with replication', r.cpu.life, true],
              ['raw SQL: file', r.cpu.rawFile, false],
              ['raw SQL: 5 steps', r.cpu.rawLife, false],
            ].map(([phase, c, api]) => {
              const x = c as CpuReading;
              return [
                phase as string,
                api ? fmt(x.city ?? 0, 2) : '–',
                fmt(x.postgres ?? 0, 2),
                fmt((api ? (x.city ?? 0) : 0) + (x.postgres ?? 0), 2),
              ];
            }),
          ),
        ]
      : []),
  ];
  const targets: Target[] = [
    { name: `P2 filing ÷ raw pg (concurrency ${r.concurrency})`, measured: fileRatio, kind: 'min', bound: 0.5, unit: '×' },
    { name: `P2 filings/s (concurrency ${r.concurrency})`, measured: r.file.api, kind: 'min', bound: 150, unit: '/s' },
    { name: `P2 life cycle ÷ raw pg (concurrency ${r.concurrency})`, measured: lifeRatio, kind: 'min', bound: 0.3, unit: '×' },
    {
      name: `P3 embedded cross-city wait p50 (case life cycle, concurrency ${r.concurrency})`,
      measured: r.crossCityWait.p50,
      kind: 'max',
      bound: 20,
      unit: 'ms',
    },
    {
      name: `P3 embedded cross-city wait p99 (case life cycle, concurrency ${r.concurrency})`,
      measured: r.crossCityWait.p99,
      kind: 'max',
      bound: 100,
      unit: 'ms',
    },
  ];
  return { title: 'P2 — 跨城通办 filing and life cycle vs raw pg (embedded sandbox)', lines, targets };
};
