import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import type pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { offerAtRate, type Percentiles, percentiles, pool, progress, since, waitUntil } from './common.js';
import { AuditService, NODE_IDENTITY, NodeAnnouncedV1, type NodeIdentity, OutboxService } from './project.js';

/**
 * P3: cross-city delivery, commit to applied, on whichever transport the two nodes use.
 *
 * The event: the node announcement (`gov.guangfo.platform.node-announced.v1`, a broadcast of
 * public data), written the way the node's own AnnouncementService writes it — one transaction
 * with the outbox row (validated, SM2-signed) and the hash-chained audit record — through the
 * sender's service layer (OutboxService, AuditService from the running node), so it can be
 * generated at a fixed rate without an HTTP request per event. The receiver verifies the
 * signature and applies it exactly once (inbox row + peer_announcement row in one transaction).
 * Each benchmark event gets its own subject (`bench/<run>/<n>`), as each case does in real traffic,
 * so the transport may carry them in parallel; the node's own announcements share one subject.
 *
 * Commit to applied: two bench-only deferred constraint triggers, installed on the benchmark's own
 * databases, record `clock_timestamp()` at the commit of the sender's transaction (outbox row
 * inserted) and at the commit of the receiver's transaction (inbox row inserted). Both databases
 * are on one PostgreSQL server, so both stamps come from one clock, and neither depends on when
 * this process's event loop gets round to noticing.
 */

export const MARK_SCHEMA = 'bench_mark';

export interface DeliveryEnds {
  /** The sending city's node (its service layer writes the events). */
  sender: INestApplication;
  senderCity: string;
  senderDb: pg.Pool;
  receiverDb: pg.Pool;
}

/** Installs the commit stamps (bench-only triggers in the benchmark's own databases). */
export const installMarks = async (ends: DeliveryEnds): Promise<void> => {
  await ends.senderDb.query(`
    CREATE SCHEMA IF NOT EXISTS ${MARK_SCHEMA};
    CREATE TABLE IF NOT EXISTS ${MARK_SCHEMA}.committed (event_id uuid PRIMARY KEY, at timestamptz NOT NULL);
    CREATE OR REPLACE FUNCTION ${MARK_SCHEMA}.stamp_committed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO ${MARK_SCHEMA}.committed (event_id, at) VALUES (NEW.event_id, clock_timestamp()) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS bench_mark_committed ON platform.outbox;
    CREATE CONSTRAINT TRIGGER bench_mark_committed AFTER INSERT ON platform.outbox DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.subject LIKE 'bench/%') EXECUTE FUNCTION ${MARK_SCHEMA}.stamp_committed();`);
  await ends.receiverDb.query(`
    CREATE SCHEMA IF NOT EXISTS ${MARK_SCHEMA};
    CREATE TABLE IF NOT EXISTS ${MARK_SCHEMA}.applied (event_id uuid PRIMARY KEY, at timestamptz NOT NULL, tx_start timestamptz NOT NULL);
    CREATE OR REPLACE FUNCTION ${MARK_SCHEMA}.stamp_applied() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO ${MARK_SCHEMA}.applied (event_id, at, tx_start) VALUES (NEW.event_id, clock_timestamp(), now()) ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$;
    DROP TRIGGER IF EXISTS bench_mark_applied ON platform.inbox;
    CREATE CONSTRAINT TRIGGER bench_mark_applied AFTER INSERT ON platform.inbox DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.type = '${NodeAnnouncedV1.type}') EXECUTE FUNCTION ${MARK_SCHEMA}.stamp_applied();`);
};

export const removeMarks = async (ends: DeliveryEnds): Promise<void> => {
  await ends.senderDb.query(`DROP TRIGGER IF EXISTS bench_mark_committed ON platform.outbox; DROP SCHEMA IF EXISTS ${MARK_SCHEMA} CASCADE`);
  await ends.receiverDb.query(`DROP TRIGGER IF EXISTS bench_mark_applied ON platform.inbox; DROP SCHEMA IF EXISTS ${MARK_SCHEMA} CASCADE`);
};

/** Writes one announcement as the node does (outbox + audit) in the caller's transaction; returns its event id. */
const announcement = (ends: DeliveryEnds): ((em: EntityManager, subject: string) => Promise<string>) => {
  const outbox = ends.sender.get(OutboxService);
  const audit = ends.sender.get(AuditService);
  const identity = ends.sender.get<NodeIdentity>(NODE_IDENTITY);
  return async (em, subject) => {
    const event = await outbox.add(em, {
      contract: NodeAnnouncedV1,
      domain: 'platform',
      subject,
      data: {
        cityCode: ends.senderCity,
        nodeVersion: 'bench',
        catalogue: identity.catalogue(),
        calendar: identity.calendar(),
        announcedAt: new Date().toISOString(),
        domains: identity.domains,
      },
    });
    await audit.record({ actor: 'system', action: 'node.announce', resource: `event:${event.id}`, outcome: 'success' }, em);
    return event.id;
  };
};

/** Writes one announcement as the node does (outbox + audit in one transaction); resolves with its event id once committed. */
export const announcer = (ends: DeliveryEnds): ((subject: string) => Promise<string>) => {
  const ds = ends.sender.get(DataSource);
  const write = announcement(ends);
  return (subject) => ds.transaction((em) => write(em, subject));
};

/** Writes `n` announcements in one transaction (a backlog that commits at once); resolves with their ids once committed. */
const backlogWriter = (ends: DeliveryEnds): ((subjects: string[]) => Promise<string[]>) => {
  const ds = ends.sender.get(DataSource);
  const write = announcement(ends);
  return (subjects) =>
    ds.transaction(async (em) => {
      const ids: string[] = [];
      for (const subject of subjects) ids.push(await write(em, subject));
      return ids;
    });
};

export interface DeliveryRun {
  label: string;
  events: number;
  /** Offered rate of an open-loop run; absent for a closed loop. */
  offeredRate?: number;
  /** Writers of a closed-loop run. */
  concurrency?: number;
  /** A backlog run: the events were committed in one transaction, then drained (no rate, no writers). */
  backlog?: boolean;
  /** Rate at which the events were committed (first to last commit). */
  committedPerSecond: number;
  /** Events applied per second, first commit to last applied. */
  deliveredPerSecond: number;
  latency: Percentiles;
  /** The two parts of the latency: sender's commit → start of the receiver's transaction (relay, transport, checks at the edge), and that transaction. */
  parts?: { toReceiver: Percentiles; receiverTx: Percentiles };
  /** Starts that found the in-flight cap reached (the offered rate was not kept). */
  capped?: number;
}

/** Waits until every event is applied, then reads both commit stamps. */
const settle = async (
  ends: DeliveryEnds,
  ids: string[],
  timeoutMs: number,
): Promise<{ latencies: number[]; toReceiver: number[]; receiverTx: number[]; commitSpanMs: number; endToEndMs: number }> => {
  await waitUntil(
    `${ids.length} events applied by the receiving city`,
    async () =>
      (
        await ends.receiverDb.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${MARK_SCHEMA}.applied WHERE event_id = ANY($1::uuid[])`,
          [ids],
        )
      ).rows[0]!.n >= ids.length,
    timeoutMs,
    20,
  );
  const stamps = async (db: pg.Pool, table: string, column: string) =>
    new Map(
      (
        await db.query<{ id: string; ms: number }>(
          `SELECT event_id::text AS id, (extract(epoch FROM ${column}) * 1000)::float8 AS ms FROM ${MARK_SCHEMA}.${table} WHERE event_id = ANY($1::uuid[])`,
          [ids],
        )
      ).rows.map((r) => [r.id, Number(r.ms)]),
    );
  const committed = await stamps(ends.senderDb, 'committed', 'at');
  const applied = await stamps(ends.receiverDb, 'applied', 'at');
  // now() in the receiver's trigger: the start of its transaction (after the transport and the checks at the edge).
  const received = await stamps(ends.receiverDb, 'applied', 'tx_start');
  const latencies: number[] = [];
  const toReceiver: number[] = [];
  const receiverTx: number[] = [];
  for (const id of ids) {
    const c = committed.get(id);
    const a = applied.get(id);
    const r = received.get(id);
    if (c === undefined || a === undefined || r === undefined)
      throw new Error(`event ${id}: no ${c === undefined ? 'commit' : 'applied'} stamp`);
    latencies.push(a - c);
    toReceiver.push(r - c);
    receiverTx.push(a - r);
  }
  const cs = [...committed.values()];
  const firstCommit = Math.min(...cs);
  return {
    latencies,
    toReceiver,
    receiverTx,
    commitSpanMs: Math.max(...cs) - firstCommit,
    endToEndMs: Math.max(...applied.values()) - firstCommit,
  };
};

export interface DeliveryOptions {
  /** Open-loop runs, in this order: events at a fixed offered rate each. */
  rates: { rate: number; events: number }[];
  /** Events of the closed-loop run, and of the backlog run. */
  events: number;
  concurrency: number;
  warmUp: number;
  settleTimeoutMs: number;
}

export interface DeliveryResult {
  /** The open-loop runs (as `o.rates`), the closed loop, then the backlog. */
  runs: DeliveryRun[];
  sampleEventId: string;
}

/**
 * Warm-up, then each fixed-rate open-loop run, a closed-loop run at `concurrency`, and a backlog run, on the same two
 * nodes. The backlog: `o.events` events committed in one transaction (as after an outage of the peer or the broker, or
 * a bulk write), then drained by the relay, the transport and the receiver: its "applied /s" is the exchange path's
 * own sustained rate, whatever the writers can commit. The closed loop's rate is bounded by its writers, one event per
 * transaction: where its "sent /s" equals its "applied /s", the path kept pace with them.
 */
export const benchDelivery = async (ends: DeliveryEnds, label: string, o: DeliveryOptions): Promise<DeliveryResult> => {
  const emit = announcer(ends);
  const run = randomUUID().slice(0, 8);
  const perSecond = (n: number, ms: number) => (ms > 0 ? (n * 1000) / ms : NaN);
  let t0 = performance.now();
  const warm: string[] = [];
  await pool(
    Array.from({ length: o.warmUp }, (_, i) => i),
    Math.min(4, o.concurrency),
    async (i) => {
      warm.push(await emit(`bench/${run}/warm-${i}`));
    },
  );
  await settle(ends, warm, o.settleTimeoutMs);
  progress(`  ${label}: ${o.warmUp} warm-up events applied in ${since(t0)}`);

  const runs: DeliveryRun[] = [];
  for (const { rate, events } of o.rates) {
    t0 = performance.now();
    const ids: string[] = [];
    const offered = await offerAtRate(events, rate, 64, async (i) => {
      ids.push(await emit(`bench/${run}/rate-${rate}-${i}`));
    });
    const f = await settle(ends, ids, o.settleTimeoutMs);
    progress(`  ${label}: ${events} events at ${rate}/s applied in ${since(t0)}`);
    runs.push({
      label,
      events,
      offeredRate: rate,
      committedPerSecond: perSecond(events - 1, f.commitSpanMs),
      deliveredPerSecond: perSecond(events, f.endToEndMs),
      latency: percentiles(f.latencies),
      parts: { toReceiver: percentiles(f.toReceiver), receiverTx: percentiles(f.receiverTx) },
      capped: offered.capped,
    });
  }

  t0 = performance.now();
  const loopIds: string[] = [];
  await pool(
    Array.from({ length: o.events }, (_, i) => i),
    o.concurrency,
    async (i) => {
      loopIds.push(await emit(`bench/${run}/loop-${i}`));
    },
  );
  const s = await settle(ends, loopIds, o.settleTimeoutMs);
  progress(`  ${label}: ${o.events} events by ${o.concurrency} writers applied in ${since(t0)}`);
  runs.push({
    label,
    events: o.events,
    concurrency: o.concurrency,
    committedPerSecond: perSecond(o.events - 1, s.commitSpanMs),
    deliveredPerSecond: perSecond(o.events, s.endToEndMs),
    latency: percentiles(s.latencies),
    parts: { toReceiver: percentiles(s.toReceiver), receiverTx: percentiles(s.receiverTx) },
  });

  t0 = performance.now();
  const backlogIds = await backlogWriter(ends)(Array.from({ length: o.events }, (_, i) => `bench/${run}/backlog-${i}`));
  const b = await settle(ends, backlogIds, o.settleTimeoutMs);
  progress(`  ${label}: a backlog of ${o.events} events (one commit) written and applied in ${since(t0)}`);
  runs.push({
    label,
    events: o.events,
    backlog: true,
    committedPerSecond: NaN,
    deliveredPerSecond: perSecond(o.events, b.endToEndMs),
    latency: percentiles(b.latencies),
    parts: { toReceiver: percentiles(b.toReceiver), receiverTx: percentiles(b.receiverTx) },
  });
  return { runs, sampleEventId: loopIds[0]! };
};
