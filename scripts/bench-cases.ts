import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { freePort } from '../apps/sandbox/src/embedded-database.js';
import { Sandbox } from '../apps/sandbox/src/sandbox.js';

/**
 * `npm run bench:cases` (= `npm run build && node dist/scripts/bench-cases.js`): starts the embedded
 * sandbox (Guangzhou + Foshan, embedded PostgreSQL, embedded transport) in a temp directory, files
 * N 异地代收代办 cases at the Foshan window through the HTTP API and takes each through forward →
 * accept (Guangzhou) → decide → deliver → complete (Foshan), waiting for the other city's copy
 * between the cities' steps. Then a raw-SQL baseline does the same inserts and updates on the
 * acting city's database (case row, timeline entry, outbox row, audit row per step), with the same
 * concurrency, without HTTP, validation, SM2 signatures, the audit hash chain or replication.
 *
 * Env: BENCH_CASES (default 200), BENCH_CONCURRENCY (default 8), BENCH_JSON=1 prints JSON too.
 */

const N = Number(process.env.BENCH_CASES ?? 200);
const C = Number(process.env.BENCH_CONCURRENCY ?? 8);
const GZ = '440100';
const FS = '440600';
const STEPS = ['forward', 'accept', 'decide', 'deliver', 'complete'] as const;

const sha = (c: string) => c.repeat(64);
const filing = (i: number) => ({
  itemCode: 'XK00201000',
  mode: 'proxy',
  administeringCity: GZ,
  applicant: { name: '李小红', idNumber: '44060419920505002X', sub: 'fs-resident', identityCheck: 'id-card-reader' },
  materials: [
    { materialId: 'household-register', file: { fileName: `hr-${i}.pdf`, mediaType: 'application/pdf', sizeBytes: 1000, sha256: sha('e') } },
    { materialId: 'id-card', file: { fileName: 'id.pdf', mediaType: 'application/pdf', sizeBytes: 1000, sha256: sha('a') } },
    { materialId: 'residence-permit', file: { fileName: 'rp.pdf', mediaType: 'application/pdf', sizeBytes: 1000, sha256: sha('b') } },
    { materialId: 'home', file: { fileName: 'home.pdf', mediaType: 'application/pdf', sizeBytes: 1000, sha256: sha('c') } },
    { materialId: 'contributions', file: { fileName: 'si.pdf', mediaType: 'application/pdf', sizeBytes: 1000, sha256: sha('d') } },
  ],
});

const percentile = (xs: number[], p: number): number => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

/** Runs `fn` over items with at most `c` in flight. */
const pool = async <T>(items: T[], c: number, fn: (item: T, i: number) => Promise<void>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(c, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
};

interface Row { phase: string; requests: number; cases: number; seconds: number; casesPerSecond: number; p50: number; p95: number; p99: number }
const row = (phase: string, cases: number, seconds: number, lat: number[]): Row => ({
  phase, requests: lat.length, cases, seconds, casesPerSecond: cases / seconds, p50: percentile(lat, 50), p95: percentile(lat, 95), p99: percentile(lat, 99),
});

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-bench-'));
  const ports: Record<string, number> = { [GZ]: await freePort(), [FS]: await freePort() };
  const sandbox = new Sandbox({ dataDir: dir, ports, logLevel: 'silent' });
  const pools: pg.Pool[] = [];
  try {
    await sandbox.start();
    const base = (city: string) => `http://127.0.0.1:${ports[city]}/api/v1`;
    const token = async (city: string, username: string) =>
      ((await (await fetch(`${base(city)}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username }) })).json()) as { accessToken: string }).accessToken;
    const tokens = { fs: await token(FS, 'fs-clerk'), gz: await token(GZ, 'gz-clerk') };
    const db: Record<string, pg.Pool> = { [FS]: new pg.Pool({ connectionString: sandbox.db.url(Sandbox.databaseName(FS)), max: C + 2 }), [GZ]: new pg.Pool({ connectionString: sandbox.db.url(Sandbox.databaseName(GZ)), max: C + 2 }) };
    pools.push(db[FS], db[GZ]);

    const call = async (city: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; ms: number; json: any }> => {
      const t0 = performance.now();
      const res = await fetch(`${base(city)}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${city === FS ? tokens.fs : tokens.gz}`, ...headers },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as unknown;
      return { status: res.status, ms: performance.now() - t0, json };
    };
    const expectOk = (r: { status: number; json: any }, what: string, status = 200) => {
      if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.json)}`);
    };
    /** The other city's copy has reached `version` (read from its database, not through the API, so waiting adds no audited reads). */
    const replicated = async (city: string, id: string, version: number): Promise<number> => {
      const t0 = performance.now();
      for (;;) {
        const r = await db[city].query<{ version: number }>('SELECT version FROM affairs.case WHERE id = $1', [id]);
        if ((r.rows[0]?.version ?? 0) >= version) return performance.now() - t0;
        if (performance.now() - t0 > 30_000) throw new Error(`${city} never reached version ${version} of ${id}`);
        await new Promise((r2) => setTimeout(r2, 5));
      }
    };
    const stepBody = (s: (typeof STEPS)[number]) => (s === 'decide' ? { outcome: 'approved' } : s === 'deliver' ? { method: 'window-pickup' } : {});
    const lifecycle = async (id: string, lat: Record<string, number[]>, lag: number[]) => {
      let v = 1;
      for (const s of STEPS) {
        const city = s === 'accept' || s === 'decide' ? GZ : FS;
        if (s === 'accept') lag.push(await replicated(GZ, id, v));
        if (s === 'deliver') lag.push(await replicated(FS, id, v));
        const r = await call(city, `/cases/${id}/${s}`, stepBody(s), { 'if-match': `"${v}"` });
        expectOk(r, s);
        lat[s].push(r.ms);
        v += 1;
      }
    };

    // Warm-up (JIT, pools, prepared plans): not measured.
    const warm: string[] = [];
    for (let i = 0; i < Math.min(10, N); i++) {
      const r = await call(FS, '/cases', filing(i));
      expectOk(r, 'file', 201);
      warm.push(r.json.id);
    }
    const warmLat: Record<string, number[]> = Object.fromEntries(STEPS.map((s) => [s, []]));
    await pool(warm, C, (id) => lifecycle(id, warmLat, []));

    // 1. Filing through the API.
    const fileLat: number[] = [];
    const ids: string[] = [];
    let t0 = performance.now();
    await pool(Array.from({ length: N }, (_, i) => i), C, async (i) => {
      const r = await call(FS, '/cases', filing(i), { 'idempotency-key': `bench-${i}` });
      expectOk(r, 'file', 201);
      fileLat.push(r.ms);
      ids.push(r.json.id);
    });
    const fileSeconds = (performance.now() - t0) / 1000;

    // 2. The rest of each case's life, across both cities.
    const stepLat: Record<string, number[]> = Object.fromEntries(STEPS.map((s) => [s, []]));
    const lag: number[] = [];
    t0 = performance.now();
    await pool(ids, C, (id) => lifecycle(id, stepLat, lag));
    const lifeSeconds = (performance.now() - t0) / 1000;
    const allSteps = STEPS.flatMap((s) => stepLat[s]);
    await replicated(GZ, ids[ids.length - 1], 6);
    const done = await Promise.all([FS, GZ].map(async (c) => (await db[c].query<{ n: number }>(`SELECT count(*)::int AS n FROM affairs.case WHERE state = 'completed'`)).rows[0].n));

    // 3. Raw-SQL baseline: the same rows, written straight to Foshan's database.
    const sample = (await db[FS].query<{ aggregate: unknown; envelope: unknown }>(
      `SELECT c.aggregate, o.envelope FROM affairs.case c JOIN platform.outbox o ON o.subject = c.id::text WHERE c.id = $1 LIMIT 1`, [ids[0]],
    )).rows[0];
    const bq = db[FS];
    await bq.query(`DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench;
      CREATE TABLE bench.case (LIKE affairs.case INCLUDING ALL);
      CREATE TABLE bench.timeline_entry (LIKE affairs.timeline_entry INCLUDING ALL);
      CREATE TABLE bench.outbox (LIKE platform.outbox INCLUDING ALL);
      CREATE TABLE bench.audit_log (LIKE platform.audit_log INCLUDING ALL);
      CREATE SEQUENCE bench.audit_seq;`);
    const tx = async (fn: (c: pg.PoolClient) => Promise<void>): Promise<number> => {
      const s = performance.now();
      const c = await bq.connect();
      try {
        await c.query('BEGIN');
        await fn(c);
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK');
        throw err;
      } finally {
        c.release();
      }
      return performance.now() - s;
    };
    const writeEntry = async (c: pg.PoolClient, id: string, seq: number) => {
      await c.query(`INSERT INTO bench.timeline_entry (case_id, seq, kind, author_city, at, entry) VALUES ($1, $2, 'x', $3, now(), $4)`, [id, seq, FS, JSON.stringify({ seq })]);
      await c.query(`INSERT INTO bench.outbox (event_id, type, subject, audience, to_city, envelope) VALUES (gen_random_uuid(), 'x', $1, 'addressed', $2, $3)`, [id, GZ, JSON.stringify(sample.envelope)]);
      await c.query(`INSERT INTO bench.audit_log (seq, at, actor, action, resource, outcome, detail, prev_hash, hash) VALUES (nextval('bench.audit_seq'), now(), 'clerk:x', 'case.x', $1, 'success', '{}', '', '')`, [id]);
    };
    const baseIds = Array.from({ length: N }, () => crypto.randomUUID());
    const baseFile: number[] = [];
    t0 = performance.now();
    await pool(baseIds, C, async (id) => {
      baseFile.push(await tx(async (c) => {
        await c.query(
          `INSERT INTO bench.case (id, item_code, mode, channel, applicant_city, receiving_city, administering_city, origin_city, participants, applicant_sub, applicant_name,
             applicant_id_masked, applicant_id_cipher, aggregate, state, version, holder_city, due_date, filed_at, updated_at)
           VALUES ($1, 'XK00201000', 'proxy', 'window', $2, $2, $3, $2, $4, 'fs-resident', '李小红', '440***********002X', 'v1.x', $5, 'submitted', 1, $2, '2026-12-11', now(), now())`,
          [id, FS, GZ, [FS, GZ], JSON.stringify(sample.aggregate)],
        );
        await writeEntry(c, id, 1);
      }));
    });
    const baseFileSeconds = (performance.now() - t0) / 1000;
    const baseStep: number[] = [];
    t0 = performance.now();
    await pool(baseIds, C, async (id) => {
      for (let seq = 2; seq <= 6; seq++) {
        baseStep.push(await tx(async (c) => {
          await c.query('SELECT version FROM bench.case WHERE id = $1 FOR UPDATE', [id]);
          await c.query(`UPDATE bench.case SET version = $2, aggregate = $3, updated_at = now() WHERE id = $1`, [id, seq, JSON.stringify(sample.aggregate)]);
          await writeEntry(c, id, seq);
        }));
      }
    });
    const baseLifeSeconds = (performance.now() - t0) / 1000;
    await bq.query('DROP SCHEMA bench CASCADE');

    const pgVersion = (await bq.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
    const rows: Row[] = [
      row('API: file (POST /cases)', N, fileSeconds, fileLat),
      row('API: forward → accept → decide → deliver → complete (both cities)', N, lifeSeconds, allSteps),
      ...STEPS.map((s) => row(`  API step: ${s}`, N, lifeSeconds, stepLat[s])),
      row('  cross-city wait (other city\'s copy caught up)', N, lifeSeconds, lag),
      row('raw SQL: file (same inserts)', N, baseFileSeconds, baseFile),
      row('raw SQL: 5 steps (same inserts + update)', N, baseLifeSeconds, baseStep),
    ];
    const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
    const lines = [
      `# bench:cases — ${N} cases, concurrency ${C}`,
      '',
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${release()}, Node ${process.version}, PostgreSQL ${pgVersion} (embedded), embedded transport`,
      `completed cases: Foshan ${done[0]}, Guangzhou ${done[1]} (including ${warm.length} warm-up cases)`,
      '',
      '| phase | requests | wall s | cases/s | p50 ms | p95 ms | p99 ms |',
      '|---|---:|---:|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.phase} | ${r.requests} | ${fmt(r.seconds, 2)} | ${fmt(r.casesPerSecond)} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${fmt(r.p99)} |`),
      '',
    ];
    process.stdout.write(lines.join('\n'));
    if (process.env.BENCH_JSON === '1') process.stdout.write(`${JSON.stringify({ N, C, rows }, null, 2)}\n`);
  } finally {
    for (const p of pools) await p.end();
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
