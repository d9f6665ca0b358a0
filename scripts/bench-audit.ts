import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AuditBackgroundChain1796428800000,
  AuditChainer,
  type AuditRecord,
  AuditService,
  chainHash,
  GENESIS_HASH,
  PlatformInit1764201600000,
  runMigrations,
  verifyAuditChain,
} from '@guangfo/platform';
import { EmbeddedDatabase } from '../apps/sandbox/src/embedded-database.js';

/**
 * `npm run bench:audit` (= `npm run build && node dist/scripts/bench-audit.js`): N audited
 * transactions at each concurrency, on embedded PostgreSQL, with the append of the previous
 * version (city-wide `pg_advisory_xact_lock`, read the last record, chain to it, insert — in the
 * request's transaction) and with the current one (insert only; the background `AuditChainer`
 * running meanwhile), side by side. Each transaction: insert a row (the change), append the audit
 * record, insert a second row (work after the audit, as most services do), commit.
 * Then the time the chainer needed to link what was left, and a verification of both chains (the
 * old one after running the migration on it).
 *
 * Env: BENCH_AUDIT_N (transactions per run, default 2000), BENCH_AUDIT_CONCURRENCY (default 1,8,32).
 */
const N = Number(process.env.BENCH_AUDIT_N ?? 2000);
const LEVELS = (process.env.BENCH_AUDIT_CONCURRENCY ?? '1,8,32').split(',').map(Number);
const LEGACY_LOCK = 7_440_100_001;

const entry = (i: number) => ({
  actor: 'clerk:fs-clerk',
  action: 'case.read',
  resource: `case:${i}`,
  outcome: 'success' as const,
  detail: { purpose: 'IDENTITY_CHECK', i },
});

/** The append before the background chainer, as it was in AuditService. */
const legacyAppend = async (em: EntityManager, i: number): Promise<void> => {
  await em.query('SELECT pg_advisory_xact_lock($1)', [LEGACY_LOCK]);
  const [last] = (await em.query('SELECT seq, hash FROM platform.audit_log ORDER BY seq DESC LIMIT 1')) as { seq: string; hash: string }[];
  const e = entry(i);
  const record: AuditRecord = { seq: last ? Number(last.seq) + 1 : 1, at: new Date().toISOString(), ...e, correlationId: null };
  const prevHash = last?.hash ?? GENESIS_HASH;
  await em.query(
    `INSERT INTO platform.audit_log (seq, at, actor, action, resource, outcome, detail, correlation_id, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      record.seq,
      record.at,
      record.actor,
      record.action,
      record.resource,
      record.outcome,
      JSON.stringify(record.detail),
      null,
      prevHash,
      chainHash(prevHash, record),
    ],
  );
};

interface Run {
  tps: number;
  p50: number;
  p95: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const load = async (
  ds: DataSource,
  concurrency: number,
  from: number,
  append: (em: EntityManager, i: number) => Promise<void>,
  count = N,
): Promise<Run> => {
  const latencies: number[] = [];
  let next = from;
  const end = from + count;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < end; i = next++) {
        const t = performance.now();
        await ds.transaction(async (em) => {
          await em.query(`INSERT INTO public.thing (id, body) VALUES ($1, $2)`, [`thing:${i}`, 'x'.repeat(200)]);
          await append(em, i);
          await em.query(`INSERT INTO public.thing_event (thing_id, body) VALUES ($1, $2)`, [`thing:${i}`, 'y'.repeat(200)]);
        });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { tps: count / seconds, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
};

const main = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-bench-audit-'));
  const db = new EmbeddedDatabase(dir);
  await db.start();
  const sources: DataSource[] = [];
  try {
    const open = async (name: string, migrations: (new () => unknown)[]) => {
      await db.ensureDatabase(name);
      await runMigrations(db.url(name), migrations);
      const ds = new DataSource({ type: 'postgres', url: db.url(name), extra: { max: Math.max(...LEVELS) + 4 } });
      await ds.initialize();
      await ds.query(`CREATE TABLE public.thing (id text PRIMARY KEY, body text NOT NULL)`);
      await ds.query(`CREATE TABLE public.thing_event (id bigserial PRIMARY KEY, thing_id text NOT NULL, body text NOT NULL)`);
      sources.push(ds);
      return ds;
    };
    const before = await open('audit_before', [PlatformInit1764201600000]);
    const after = await open('audit_after', [PlatformInit1764201600000, AuditBackgroundChain1796428800000]);
    const audit = new AuditService(after);
    const chainer = new AuditChainer(after);
    chainer.onApplicationBootstrap();

    console.log(
      `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(`${N} audited transactions per run (insert, audit append, insert, commit), embedded PostgreSQL, one process`);
    console.log('');
    console.log('concurrency | before: lock + chain in tx      | after: insert only, chained behind   | after/before');
    console.log('            |    tx/s   p50 ms   p95 ms      |    tx/s   p50 ms   p95 ms            |   tx/s');
    let offset = 0;
    // Warm-up of both paths (connections, plans).
    await load(before, 4, 10_000_000, legacyAppend, 200);
    await load(after, 4, 10_000_000, (em, i) => audit.record(entry(i), em), 200);
    for (const c of LEVELS) {
      offset += N;
      const b = await load(before, c, offset, legacyAppend);
      const a = await load(after, c, offset, (em, i) => audit.record(entry(i), em));
      const f = (x: number, w = 8) => x.toFixed(1).padStart(w);
      console.log(
        `${String(c).padStart(11)} | ${f(b.tps)} ${f(b.p50)} ${f(b.p95)}      | ${f(a.tps)} ${f(a.p50)} ${f(a.p95)}            | ${(a.tps / b.tps).toFixed(2).padStart(6)}×`,
      );
    }
    await chainer.onApplicationShutdown();
    const [{ n: waiting }] = (await after.query(`SELECT count(*)::int AS n FROM platform.audit_log WHERE pos IS NULL`)) as { n: number }[];
    const t = performance.now();
    const linked = await chainer.pass();
    console.log('');
    console.log(
      `chainer: ${waiting} records not linked yet when the load stopped; linked ${linked} in ${(performance.now() - t).toFixed(0)} ms`,
    );
    // The chain written the old way, migrated: still valid as it is.
    await runMigrations(db.url('audit_before'), [PlatformInit1764201600000, AuditBackgroundChain1796428800000]);
    const vb = await verifyAuditChain(before);
    const va = await verifyAuditChain(after);
    console.log(`verify before: ok=${vb.ok} count=${vb.count}; after: ok=${va.ok} count=${va.count} unlinked=${va.unchained.count}`);
    if (!vb.ok || !va.ok || va.unchained.count) process.exitCode = 1;
  } finally {
    for (const ds of sources) await ds.destroy();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
};

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
