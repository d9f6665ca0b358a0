import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  EmbeddedExchange,
  EmbeddedTransport,
  type EventSigner,
  OutboxRelay,
  type OutboxService,
  type SignedEvent,
  type WireMessage,
  wireHeader,
} from '@guangfo/messaging';
import {
  type CityRegistry,
  LeaseWorker,
  MetricsService,
  ScheduledJob,
  type NodeConfig,
  PlatformInit1764201600000,
  runMigrations,
  WebhooksFiles1764288000000,
  WorkerLeases1796342400000,
} from '@guangfo/platform';
import { EmbeddedDatabase } from '../../apps/sandbox/src/embedded-database.js';

/** LeaseWorker and the outbox relay's claim rule on a real PostgreSQL (embedded). */
describe('LeaseWorker on PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-lease-'));
  const db = new EmbeddedDatabase(dir);
  let ds: DataSource;
  const logger = new Logger('lease-worker.e2e');
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    await db.start();
    await db.ensureDatabase('lease');
    await runMigrations(db.url('lease'), [PlatformInit1764201600000, WebhooksFiles1764288000000, WorkerLeases1796342400000]);
    ds = new DataSource({ type: 'postgres', url: db.url('lease'), extra: { max: 10 } });
    await ds.initialize();
    await ds.query(
      `CREATE TABLE public.job (id text PRIMARY KEY, n int NOT NULL, done_by text, lease_owner text, lease_until timestamptz)`,
    );
  }, 120_000);

  afterAll(async () => {
    await ds?.destroy();
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const jobWorker = (acted: Map<string, string[]>, leaseMs = 60_000) =>
    new LeaseWorker<{ id: string }>(
      ds,
      {
        name: 'test jobs',
        table: 'public.job',
        key: 'id',
        due: 'done_by IS NULL',
        order: 'n',
        batchSize: () => 7,
        leaseMs: () => leaseMs,
        pollMs: () => 60_000,
        act: async (rows, lease) => {
          for (const r of rows) {
            acted.set(r.id, [...(acted.get(r.id) ?? []), lease.owner]);
            await sleep(2);
            await lease.settle(r.id, 'done_by = $3', [lease.owner]);
          }
        },
      },
      logger,
    );

  it('two workers never act on the same row', async () => {
    await ds.query(`INSERT INTO public.job (id, n) SELECT 'a' || g, g FROM generate_series(1, 60) g`);
    const acted = new Map<string, string[]>();
    const [a, b] = [jobWorker(acted), jobWorker(acted)];
    const drain = async (w: LeaseWorker<{ id: string }>) => {
      while ((await w.pass()) > 0);
    };
    await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    expect(acted.size).toBe(60);
    for (const owners of acted.values()) expect(owners).toHaveLength(1);
    expect(new Set([...acted.values()].flat())).toEqual(new Set([a.owner, b.owner]));
    const [{ n }] = (await ds.query(
      `SELECT count(*)::int AS n FROM public.job WHERE id LIKE 'a%' AND (done_by IS NULL OR lease_owner IS NOT NULL)`,
    )) as { n: number }[];
    expect(n).toBe(0);
  });

  it('reclaims an expired lease, and ignores the outcome of the worker that lost it', async () => {
    await ds.query(`INSERT INTO public.job (id, n) VALUES ('b1', 1000), ('b2', 1001)`);
    const acted = new Map<string, string[]>();
    const crashed = jobWorker(acted, 300);
    const other = jobWorker(acted);
    const held = await crashed.claim(); // claims, then "dies" without settling
    expect(held.map((r) => r.id).sort()).toEqual(['b1', 'b2']);
    expect(await other.claim()).toEqual([]);
    await sleep(400);
    expect(await other.pass()).toBe(2);
    expect(acted.get('b1')).toEqual([other.owner]);
    expect(await crashed.lease.settle('b1', 'done_by = $3', ['late'])).toBe(false);
    const rows = (await ds.query(`SELECT id, done_by, lease_owner FROM public.job WHERE id IN ('b1', 'b2') ORDER BY id`)) as {
      id: string;
      done_by: string;
      lease_owner: string | null;
    }[];
    expect(rows).toEqual([
      { id: 'b1', done_by: other.owner, lease_owner: null },
      { id: 'b2', done_by: other.owner, lease_owner: null },
    ]);
  });

  it("ScheduledJob: each of its rows runs once when due, on one node at a time; records what the run says; never touches other jobs' rows", async () => {
    await ds.query(
      `CREATE TABLE public.schedule (job text PRIMARY KEY, next_run_at timestamptz NOT NULL, last_count int, lease_owner text, lease_until timestamptz)`,
    );
    // Another job's row, due: neither node may run it.
    await ds.query(`INSERT INTO public.schedule (job, next_run_at) VALUES ('other', now() - interval '1 hour')`);
    const runs: string[] = [];
    const node = () =>
      new ScheduledJob(
        ds,
        {
          name: 'test schedule',
          table: 'public.schedule',
          key: 'job',
          rows: () => [
            { key: 'due', firstRunAt: new Date(Date.now() - 1_000) },
            { key: "o'later", firstRunAt: new Date(Date.now() + 3_600_000) },
          ],
          everyMs: () => 86_400_000,
          pollMs: () => 20,
          leaseMs: 60_000,
          run: async (key) => {
            runs.push(key);
            await sleep(50); // long enough for the other node to poll meanwhile
            return { last_count: runs.length };
          },
        },
        logger,
      );
    const [a, b] = [node(), node()];
    await Promise.all([a.start(), b.start()]);
    for (let i = 0; !runs.length; i++) {
      if (i > 500) throw new Error('the due row never ran');
      await sleep(10);
    }
    await sleep(300); // many polls of both nodes
    await Promise.all([a.stop(), b.stop()]);
    expect(runs).toEqual(['due']);
    const rows = (await ds.query(
      `SELECT job, last_count, lease_owner, next_run_at > now() + interval '23 hours' AS later FROM public.schedule ORDER BY job`,
    )) as unknown[];
    expect(rows).toEqual([
      { job: 'due', last_count: 1, lease_owner: null, later: true },
      { job: "o'later", last_count: null, lease_owner: null, later: false },
      { job: 'other', last_count: null, lease_owner: null, later: false },
    ]);
    // Starting again never moves a scheduled row.
    const before = (await ds.query(`SELECT job, next_run_at FROM public.schedule ORDER BY job`)) as unknown[];
    const c = node();
    await c.start();
    await c.stop();
    expect(await ds.query(`SELECT job, next_run_at FROM public.schedule ORDER BY job`)).toEqual(before);
  });

  describe('outbox relay', () => {
    const config = { relayPollMs: 60_000, retryBaseMs: 1, cityCode: '440100' } as NodeConfig;
    const outbox = { onAdded: () => undefined } as unknown as OutboxService;
    const exchange = new EmbeddedExchange();
    /** Per test: ids refused by the receiving city once, a gate that holds deliveries, what arrived. */
    let failOnce = new Set<string>();
    let gate: { subject: string; open: Promise<void> } | undefined;
    let wire: string[] = [];
    exchange.attach('440600', async (m: WireMessage) => {
      const id = wireHeader(m, 'ce_id')!;
      if (gate?.subject === m.key) await gate.open;
      if (failOnce.delete(id)) throw new Error(`refused ${id}`);
      wire.push(id);
      return { status: 'applied' };
    });
    const relay = async () => {
      const transport = new EmbeddedTransport('440100', {} as CityRegistry, exchange);
      await transport.start(async () => ({ status: 'ignored' }));
      // The rows below carry a signature already, so the relay signs nothing here.
      const signer = { signBatch: (events: unknown[]) => (events.length ? assert.fail('nothing to sign') : []) } as unknown as EventSigner;
      return new OutboxRelay(config, transport, ds, new MetricsService(config), signer, outbox);
    };
    const add = async (subject: string, id: string): Promise<void> => {
      const envelope: SignedEvent = {
        specversion: '1.0',
        id: randomUUID(),
        source: '/cities/440100',
        type: 'gov.guangfo.test.thing.v1',
        subject,
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        tocity: '440600',
        sigkeyid: 'k',
        sig: 's',
        data: { id },
      };
      await ds.query(
        `INSERT INTO platform.outbox (event_id, type, subject, audience, to_city, envelope) VALUES ($1, $2, $3, 'addressed', '440600', $4)`,
        [envelope.id, envelope.type, subject, envelope],
      );
      ids.set(envelope.id, id);
    };
    const ids = new Map<string, string>();
    const named = (eventIds: string[]) => eventIds.map((e) => ids.get(e));
    const state = async (subject: string) =>
      (await ds.query(
        `SELECT envelope->'data'->>'id' AS id, sent_at IS NOT NULL AS sent, attempts, last_error IS NOT NULL AS failed, lease_owner FROM platform.outbox WHERE subject = $1 ORDER BY seq`,
        [subject],
      )) as {
        id: string;
        sent: boolean;
        attempts: number;
        failed: boolean;
        lease_owner: string | null;
      }[];

    it('keeps per-subject order when the head row of a subject fails', async () => {
      wire = [];
      for (const id of ['s1', 's2', 's3']) await add('subject-s', id);
      for (const id of ['t1', 't2']) await add('subject-t', id);
      failOnce = new Set([...ids].filter(([, v]) => v === 's1').map(([k]) => k));
      const r = await relay();
      expect(await r.pass()).toBe(5);
      // s1 refused: s2 and s3 are neither sent on the wire nor marked sent; t is unaffected.
      expect(named(wire)).toEqual(['t1', 't2']);
      expect(await state('subject-s')).toEqual([
        { id: 's1', sent: false, attempts: 1, failed: true, lease_owner: null },
        { id: 's2', sent: false, attempts: 0, failed: false, lease_owner: null },
        { id: 's3', sent: false, attempts: 0, failed: false, lease_owner: null },
      ]);
      // While s1 waits for its retry, nothing of its subject is claimed.
      await ds.query(`UPDATE platform.outbox SET next_attempt_at = now() + interval '1 hour' WHERE envelope->'data'->>'id' = 's1'`);
      expect(await r.pass()).toBe(0);
      await ds.query(`UPDATE platform.outbox SET next_attempt_at = now() WHERE envelope->'data'->>'id' = 's1'`);
      expect(await r.pass()).toBe(3);
      expect(named(wire)).toEqual(['t1', 't2', 's1', 's2', 's3']);
      expect((await state('subject-s')).map((s) => [s.id, s.sent, s.attempts])).toEqual([
        ['s1', true, 2],
        ['s2', true, 1],
        ['s3', true, 1],
      ]);
    });

    it('a second relay never claims a row behind one leased by another relay', async () => {
      wire = [];
      await add('subject-u', 'u1');
      await add('subject-u', 'u2');
      let open!: () => void;
      gate = { subject: 'subject-u', open: new Promise<void>((r) => (open = r)) };
      const [a, b] = [await relay(), await relay()];
      const first = a.pass(); // claims u1, u2 and waits at the gate
      // Until relay a holds both leases (polled, not slept: under load a fixed sleep was not always enough).
      for (let i = 0; (await state('subject-u')).filter((r) => r.lease_owner !== null).length < 2; i++) {
        if (i > 1_000) throw new Error('relay a never leased u1 and u2');
        await sleep(10);
      }
      await add('subject-u', 'u3');
      await add('subject-v', 'v1');
      expect(await b.pass()).toBe(1); // only v1: u3 is behind rows leased by relay a
      open();
      gate = undefined;
      expect(await first).toBe(2);
      expect(await b.pass()).toBe(1);
      expect(named(wire)).toEqual(['v1', 'u1', 'u2', 'u3']);
    });

    it('records the rows a delivery reported sent while the rest of the batch is still in flight', async () => {
      wire = [];
      // 20 subjects: two delivery lanes (one per 16 events), w-0, w-2, … in one and w-1, w-3, … in the other.
      const subjects = Array.from({ length: 20 }, (_, i) => `subject-w-${i}`);
      for (const [i, subject] of subjects.entries()) await add(subject, `w${i}`);
      let open!: () => void;
      gate = { subject: 'subject-w-1', open: new Promise<void>((r) => (open = r)) };
      const r = await relay();
      const pass = r.pass();
      // The lane held at the gate does not hold back the record of the lane that was delivered.
      const sentNow = async () =>
        (
          (await ds.query(`SELECT subject FROM platform.outbox WHERE subject LIKE 'subject-w-%' AND sent_at IS NOT NULL`)) as {
            subject: string;
          }[]
        ).map((x) => x.subject);
      for (let i = 0; (await sentNow()).length < 10; i++) {
        if (i > 1_000) throw new Error(`the delivered lane was not recorded while the other was in flight: ${String(await sentNow())}`);
        await sleep(10);
      }
      expect((await sentNow()).sort()).toEqual(subjects.filter((_, i) => i % 2 === 0).sort());
      open();
      gate = undefined;
      expect(await pass).toBe(20);
      expect((await sentNow()).length).toBe(20);
    });
  });
});
