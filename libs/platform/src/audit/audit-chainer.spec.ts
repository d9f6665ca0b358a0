import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource, type EntityManager } from 'typeorm';
import { EmbeddedDatabase } from '../../../../apps/sandbox/src/embedded-database.js';
import { AuditBackgroundChain1796428800000 } from '../database/migrations/1796428800000-audit-background-chain.migration.js';
import { PlatformInit1764201600000 } from '../database/migrations/1764201600000-platform-init.migration.js';
import { runMigrations } from '../database/migration.runner.js';
import { type AuditRecord, chainHash, GENESIS_HASH } from './audit-chain.js';
import { AUDIT_CHAIN_LOCK, AuditChainer } from './audit-chainer.js';
import { AuditService, verifyAuditChain } from './audit.service.js';

/** The audit log on a real PostgreSQL (embedded): appends in many transactions, the background chainer, the verifier. */
describe('audit chain on PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-audit-'));
  const db = new EmbeddedDatabase(dir);
  let ds: DataSource;
  let audit: AuditService;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const entry = (resource: string) => ({
    actor: 'clerk:fs-clerk',
    action: 'case.read',
    resource,
    outcome: 'success' as const,
    detail: { purpose: 'test' },
  });
  const rows = async () =>
    (await ds.query(`SELECT seq::int, pos::int, resource, hash FROM platform.audit_log ORDER BY seq`)) as {
      seq: number;
      pos: number | null;
      resource: string;
      hash: string | null;
    }[];
  /** Runs `fn` with the append-only triggers off (a superuser tampering with the table). */
  const asSuperuser = (fn: (em: EntityManager) => Promise<unknown>) =>
    ds.transaction(async (em) => {
      await em.query(`ALTER TABLE platform.audit_log DISABLE TRIGGER audit_log_no_update`);
      await fn(em);
      await em.query(`ALTER TABLE platform.audit_log ENABLE TRIGGER audit_log_no_update`);
    });

  /** The append of the previous version: city-wide lock, read the last record, chain to it, insert. */
  const legacyAppend = async (em: EntityManager, resource: string): Promise<void> => {
    await em.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const [last] = (await em.query('SELECT seq, hash FROM platform.audit_log ORDER BY seq DESC LIMIT 1')) as {
      seq: string;
      hash: string;
    }[];
    const record: AuditRecord = {
      seq: last ? Number(last.seq) + 1 : 1,
      at: new Date().toISOString(),
      ...entry(resource),
      correlationId: null,
    };
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

  const migrate = async (direction: 'up' | 'down') => {
    const qr = ds.createQueryRunner();
    try {
      await qr.startTransaction();
      await new AuditBackgroundChain1796428800000()[direction](qr);
      await qr.commitTransaction();
    } catch (err) {
      await qr.rollbackTransaction();
      throw err;
    } finally {
      await qr.release();
    }
  };

  beforeAll(async () => {
    await db.start();
    await db.ensureDatabase('audit');
    await runMigrations(db.url('audit'), [PlatformInit1764201600000]);
    ds = new DataSource({ type: 'postgres', url: db.url('audit'), extra: { max: 20 } });
    await ds.initialize();
    await ds.query(`CREATE TABLE public.thing (id text PRIMARY KEY)`);
    audit = new AuditService(ds);
  }, 120_000);

  afterAll(async () => {
    await ds?.destroy();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the records chained before the migration valid, and chains new ones after them', async () => {
    for (let i = 1; i <= 5; i++) await ds.transaction((em) => legacyAppend(em, `legacy:${i}`));
    await runMigrations(db.url('audit'), [PlatformInit1764201600000, AuditBackgroundChain1796428800000]);
    expect(await verifyAuditChain(ds)).toMatchObject({ ok: true, count: 5, unchained: { count: 0, stale: false } });
    expect((await rows()).map((r) => [r.seq, r.pos])).toEqual([1, 2, 3, 4, 5].map((n) => [n, n]));
    // Reversible while the chain is still in seq order.
    await migrate('down');
    expect(
      await ds.query(
        `SELECT 1 FROM information_schema.columns WHERE table_schema = 'platform' AND table_name = 'audit_log' AND column_name = 'pos'`,
      ),
    ).toEqual([]);
    await migrate('up');
    expect(await verifyAuditChain(ds)).toMatchObject({ ok: true, count: 5 });

    await audit.record(entry('after:1'));
    const [added] = (await rows()).slice(-1);
    expect(added).toMatchObject({ seq: 6, pos: null, hash: null });
    expect(await verifyAuditChain(ds)).toMatchObject({ ok: true, count: 5, unchained: { count: 1, oldestSeq: 6, stale: false } });
    expect(await new AuditChainer(ds).pass()).toBe(1);
    expect(await verifyAuditChain(ds)).toMatchObject({ ok: true, count: 6, unchained: { count: 0, oldestSeq: null } });
  });

  it('chains concurrent appends from many transactions, some rolled back, into one valid chain with no lost or extra record', async () => {
    const before = (await rows()).length;
    const chainers = [new AuditChainer(ds, { batchSize: 7 }), new AuditChainer(ds, { batchSize: 7 })];
    let appending = true;
    // Two chainers (two processes of the city) link while the transactions commit.
    const chaining = chainers.map(async (c) => {
      while (appending) {
        await c.pass();
        await sleep(1);
      }
    });
    const committed: string[] = [];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 80 }, (_, i) =>
        ds.transaction(async (em) => {
          const id = `thing:${i}`;
          await em.query(`INSERT INTO public.thing (id) VALUES ($1)`, [id]);
          await audit.record(entry(id), em);
          await sleep((i * 7) % 13); // commits in another order than seq
          if (i % 4 === 3) throw new Error('rolled back');
          committed.push(id);
        }),
      ),
    );
    appending = false;
    await Promise.all(chaining);
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(20);
    await chainers[0]!.pass();

    const after = (await rows()).slice(before);
    expect(after.map((r) => r.resource).sort()).toEqual([...committed].sort());
    expect(committed).toHaveLength(60);
    expect(after.every((r) => r.pos !== null && r.hash !== null)).toBe(true);
    const things = (await ds.query(`SELECT id FROM public.thing ORDER BY id`)) as { id: string }[];
    expect(things.map((t) => t.id)).toEqual([...committed].sort());
    // Rolled-back appends leave seq gaps; the chain positions have none.
    const positions = after.map((r) => r.pos!).sort((a, b) => a - b);
    expect(positions).toEqual(Array.from({ length: 60 }, (_, i) => before + 1 + i));
    expect(Math.max(...after.map((r) => r.seq))).toBeGreaterThan(before + 60);
    expect(await verifyAuditChain(ds)).toMatchObject({ ok: true, count: before + 60, unchained: { count: 0 } });
  });

  it('refuses to revert the migration once records are linked out of seq order or wait to be linked', async () => {
    await expect(migrate('down')).rejects.toThrow(/cannot return to the inline chain/);
  });

  it('links a record whose seq is lower but whose transaction commits later after the others, never skipping it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let seqOfSlow = 0;
    const slow = ds.transaction(async (em) => {
      await audit.record(entry('slow'), em);
      const [{ seq }] = (await em.query(`SELECT seq::int FROM platform.audit_log WHERE resource = 'slow'`)) as { seq: number }[];
      seqOfSlow = seq;
      await held;
    });
    while (!seqOfSlow) await sleep(5);
    await audit.record(entry('fast'));
    const chainer = new AuditChainer(ds);
    expect(await chainer.pass()).toBe(1); // fast: slow is not committed, hence not visible
    release();
    await slow;
    expect(await chainer.pass()).toBe(1);
    const [slowRow, fastRow] = (await rows()).filter((r) => r.resource === 'slow' || r.resource === 'fast');
    expect(slowRow!.resource).toBe('slow');
    expect(slowRow!.seq).toBeLessThan(fastRow!.seq);
    expect(slowRow!.pos).toBe(fastRow!.pos! + 1);
    expect(await verifyAuditChain(ds)).toMatchObject({ ok: true, unchained: { count: 0 } });
  });

  it('lets one chainer at a time link (advisory lock held by the chainer only)', async () => {
    await audit.record(entry('locked-out'));
    const qr = ds.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction();
      await qr.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]); // another process is chaining
      expect(await new AuditChainer(ds).pass()).toBe(0);
      // Appends do not wait for that lock.
      await audit.record(entry('while-locked'));
      await qr.commitTransaction();
    } finally {
      await qr.release();
    }
    expect(await new AuditChainer(ds).pass()).toBe(2);
    expect(await verifyAuditChain(ds)).toMatchObject({ ok: true, unchained: { count: 0 } });
  });

  it('loses nothing when the chainer stops between commit and chaining: the next chainer links it', async () => {
    const stopped = new AuditChainer(ds, { pollMs: 60_000 });
    stopped.onApplicationBootstrap();
    await sleep(50);
    await stopped.onApplicationShutdown(); // the node goes down
    for (let i = 0; i < 3; i++) await ds.transaction((em) => audit.record(entry(`unlinked:${i}`), em));
    // A record left behind an hour ago: flagged.
    await ds.query(
      `INSERT INTO platform.audit_log (at, actor, action, resource, outcome, detail) VALUES (now() - interval '1 hour', 'system', 'x', 'old', 'success', '{}')`,
    );
    const waiting = await verifyAuditChain(ds);
    expect(waiting).toMatchObject({ ok: true, unchained: { count: 4, stale: true } });
    expect(waiting.unchained.oldestAgeMs).toBeGreaterThan(5 * 60_000);
    const { count } = waiting;
    expect(await new AuditChainer(ds).pass()).toBe(4); // the node comes back
    expect(await verifyAuditChain(ds)).toMatchObject({ ok: true, count: count + 4, unchained: { count: 0, stale: false } });
  });

  it('refuses every change but the chainer’s one-time link', async () => {
    await expect(ds.query(`UPDATE platform.audit_log SET actor = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`UPDATE platform.audit_log SET hash = repeat('f', 64) WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`UPDATE platform.audit_log SET pos = NULL, prev_hash = NULL, hash = NULL WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(ds.query(`DELETE FROM platform.audit_log WHERE seq = 1`)).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE platform.audit_log`)).rejects.toThrow(/append-only/);
    await audit.record(entry('unlinked'));
    const [{ seq }] = (await ds.query(`SELECT max(seq)::int AS seq FROM platform.audit_log`)) as { seq: number }[];
    await expect(ds.query(`UPDATE platform.audit_log SET actor = 'x' WHERE seq = $1`, [seq])).rejects.toThrow(/append-only/);
    await expect(
      ds.query(`UPDATE platform.audit_log SET pos = 999999, prev_hash = 'a', hash = 'b', actor = 'x' WHERE seq = $1`, [seq]),
    ).rejects.toThrow(/append-only/);
    expect(await new AuditChainer(ds).pass()).toBe(1);
  });

  describe('the verifier finds one changed, inserted or removed record among the chained ones', () => {
    const chainedRow = async (offset: number) =>
      (
        (await ds.query(`SELECT seq::int, pos::int FROM platform.audit_log WHERE pos IS NOT NULL ORDER BY pos OFFSET $1 LIMIT 1`, [
          offset,
        ])) as { seq: number; pos: number }[]
      )[0]!;

    it('a changed record', async () => {
      const target = await chainedRow(7);
      await asSuperuser((em) => em.query(`UPDATE platform.audit_log SET detail = '{"purpose":"other"}' WHERE seq = $1`, [target.seq]));
      expect(await verifyAuditChain(ds)).toMatchObject({
        ok: false,
        brokenAtPos: target.pos,
        brokenAtSeq: target.seq,
        count: target.pos - 1,
        reason: expect.stringContaining('content'),
      });
      await asSuperuser((em) => em.query(`UPDATE platform.audit_log SET detail = '{"purpose":"test"}' WHERE seq = $1`, [target.seq]));
      expect(await verifyAuditChain(ds)).toMatchObject({ ok: true });
    });

    it('a removed record (its position left empty, or the later ones renumbered)', async () => {
      const target = await chainedRow(10);
      const next = await chainedRow(11);
      const [saved] = (await ds.query(`SELECT * FROM platform.audit_log WHERE seq = $1`, [target.seq])) as Record<string, unknown>[];
      await asSuperuser((em) => em.query(`DELETE FROM platform.audit_log WHERE seq = $1`, [target.seq]));
      expect(await verifyAuditChain(ds)).toMatchObject({
        ok: false,
        brokenAtPos: next.pos,
        brokenAtSeq: next.seq,
        reason: expect.stringContaining('position gap'),
      });
      await asSuperuser(async (em) => {
        await em.query(`UPDATE platform.audit_log SET pos = -pos WHERE pos > $1`, [target.pos]);
        await em.query(`UPDATE platform.audit_log SET pos = -pos - 1 WHERE pos < 0`);
      });
      expect(await verifyAuditChain(ds)).toMatchObject({
        ok: false,
        brokenAtPos: target.pos,
        brokenAtSeq: next.seq,
        reason: expect.stringContaining('prev_hash'),
      });
      await asSuperuser(async (em) => {
        await em.query(`UPDATE platform.audit_log SET pos = -pos WHERE pos >= $1`, [target.pos]);
        await em.query(`UPDATE platform.audit_log SET pos = -pos + 1 WHERE pos < 0`);
        await em.query(`INSERT INTO platform.audit_log SELECT * FROM jsonb_populate_record(NULL::platform.audit_log, $1)`, [
          JSON.stringify(saved),
        ]);
      });
      expect(await verifyAuditChain(ds)).toMatchObject({ ok: true });
    });

    it('an inserted record, linked to its predecessor with a correct hash', async () => {
      const before = await chainedRow(3);
      const after = await chainedRow(4);
      const [{ hash: prevHash }] = (await ds.query(`SELECT hash FROM platform.audit_log WHERE pos = $1`, [before.pos])) as {
        hash: string;
      }[];
      const forged: AuditRecord = { seq: 1_000_000, at: new Date().toISOString(), ...entry('forged'), correlationId: null };
      await asSuperuser(async (em) => {
        await em.query(`UPDATE platform.audit_log SET pos = -pos WHERE pos > $1`, [before.pos]);
        await em.query(`UPDATE platform.audit_log SET pos = -pos + 1 WHERE pos < 0`);
        await em.query(
          `INSERT INTO platform.audit_log (seq, at, actor, action, resource, outcome, detail, correlation_id, pos, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10)`,
          [
            forged.seq,
            forged.at,
            forged.actor,
            forged.action,
            forged.resource,
            forged.outcome,
            JSON.stringify(forged.detail),
            before.pos + 1,
            prevHash,
            chainHash(prevHash, forged),
          ],
        );
      });
      expect(await verifyAuditChain(ds)).toMatchObject({
        ok: false,
        brokenAtPos: after.pos + 1,
        brokenAtSeq: after.seq,
        reason: expect.stringContaining('prev_hash'),
      });
    });
  });
});
