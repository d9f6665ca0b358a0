import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { sm2Sign } from '@guangfo/gm-crypto';
import { type SignedEvent, signingInput, type UnsignedEvent } from '@guangfo/messaging';
import { waitFor } from './cluster.js';
import { GZ, FS } from './cross-city.scenarios.js';
import { BROKERS, itDatabase, type KafkaCluster } from './kafka-cluster.js';

/**
 * What the fault drills count, from the databases: the drill's events are Guangzhou's node
 * announcements tagged with a correlation id `<tag>-<n>` (the outbox row in Guangzhou, the
 * `peer_announcement` row and the inbox row in Foshan carry it), plus events a drill signs as
 * Guangzhou itself and puts on the wire (tagged the same way).
 */
export interface Tally {
  /** Guangzhou outbox rows of the drill (committed), and how many of them are marked sent. */
  outbox: number;
  sent: number;
  /** Foshan: effect rows, distinct events among them, inbox rows of those events. */
  effects: number;
  applied: number;
  inbox: number;
}

export const tally = async (c: KafkaCluster, tag: string): Promise<Tally> => {
  const like = `${tag}-%`;
  const [o] = await c.query<{ outbox: number; sent: number }>(
    GZ,
    `SELECT count(*)::int AS outbox, count(sent_at)::int AS sent FROM platform.outbox WHERE envelope->>'correlationid' LIKE $1`,
    [like],
  );
  const [a] = await c.query<{ effects: number; applied: number; inbox: number }>(
    FS,
    `SELECT count(*)::int AS effects, count(DISTINCT p.event_id)::int AS applied,
            (SELECT count(*)::int FROM platform.inbox i WHERE i.event_id IN
               (SELECT event_id FROM platform.peer_announcement WHERE correlation_id LIKE $1)) AS inbox
       FROM platform.peer_announcement p WHERE p.correlation_id LIKE $1`,
    [like],
  );
  return { ...o!, ...a! };
};

/** Announces from Guangzhou, `concurrency` requests at a time, until `total` tagged rows are committed in its outbox (requests that fail are not counted: the database is). */
export const announceUntil = async (
  c: KafkaCluster,
  tag: string,
  total: number,
  opts: { concurrency?: number; stop?: () => boolean; paceMs?: number } = {},
): Promise<void> => {
  const token = await c.token(GZ, 'admin');
  let n = 0;
  for (;;) {
    if (opts.stop?.()) return;
    const { outbox } = await tally(c, tag).catch(() => ({ outbox: -1 }));
    if (outbox >= total) return;
    const batch = outbox < 0 ? 1 : Math.min(opts.concurrency ?? 8, total - outbox);
    await Promise.all(
      Array.from({ length: batch }, async () => {
        const id = `${tag}-${n++}`;
        await fetch(`${c.baseUrl(GZ)}/api/v1/admin/announce`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'x-correlation-id': id },
        }).catch(() => undefined);
      }),
    );
    if (outbox < 0 || opts.paceMs) await new Promise((r) => setTimeout(r, outbox < 0 ? 200 : opts.paceMs));
  }
};

/** Sum of a Prometheus counter's samples whose labels include `labels` (0 when the node does not answer). */
export const metric = async (c: KafkaCluster, city: string, name: string, labels: Record<string, string> = {}): Promise<number> => {
  const text = await (await fetch(`${c.baseUrl(city)}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const set = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
};

/**
 * Redeliveries Foshan's inbox absorbed (`guangfo_events_received_total{outcome="duplicate"}`),
 * across restarts of its process: `beforeKill()` banks the count of the process about to die.
 */
export class Redeliveries {
  private banked = 0;
  private base = 0;
  private constructor(private readonly c: KafkaCluster) {}

  static async start(c: KafkaCluster): Promise<Redeliveries> {
    const r = new Redeliveries(c);
    r.base = await r.read();
    return r;
  }

  private read(): Promise<number> {
    return metric(this.c, FS, 'guangfo_events_received_total', { outcome: 'duplicate' });
  }

  async beforeKill(): Promise<void> {
    this.banked += (await this.read().catch(() => this.base)) - this.base;
    this.base = 0;
  }

  async total(): Promise<number> {
    return this.banked + (await this.read()) - this.base;
  }
}

export const deadLetterCount = async (c: KafkaCluster): Promise<number> =>
  (await c.query<{ n: number }>(FS, 'SELECT count(*)::int AS n FROM platform.dead_letter'))[0]!.n;

/** Waits until every committed tagged row is sent and applied in Foshan; returns the tally. */
export const settled = async (c: KafkaCluster, tag: string, extra = 0, timeoutMs = 180_000): Promise<Tally> =>
  waitFor(
    `${tag}: every event sent and applied`,
    async () => {
      const t = await tally(c, tag);
      return t.outbox > 0 && t.sent === t.outbox && t.applied >= t.outbox + extra ? t : undefined;
    },
    timeoutMs,
    250,
  );

/** Polls a node's readiness until `ok` is what it answers; returns the body of that answer. */
export const readiness = async (c: KafkaCluster, city: string, ok: boolean, timeoutMs: number): Promise<string> =>
  waitFor(
    `${city} /health/ready ${ok ? '200' : '503'}`,
    async () => {
      const r = await fetch(`${c.baseUrl(city)}/health/ready`).catch(() => undefined);
      if (!r || r.ok !== ok) return undefined;
      return await r.text();
    },
    timeoutMs,
    200,
  );

/** An event signed with Guangzhou's key as the test chooses it (per-event `sig`): good, or a well-signed event of an unknown type. */
export const signAs = (c: KafkaCluster, city: string, base: SignedEvent, patch: Partial<UnsignedEvent>): SignedEvent => {
  const key = c.signingKey(city);
  const { sig: _s, sigbatch: _b, ...rest } = { ...base, ...patch };
  const unsigned = { ...rest, sigkeyid: key.keyId } as UnsignedEvent;
  return { ...unsigned, sig: sm2Sign(signingInput(unsigned), key.privateKey) } as SignedEvent;
};

/** The broker of this run, driven through scripts/kafka.sh (storage kept): kill -9 and start again. */
export const broker = (() => {
  const port = BROKERS.split(',')[0]!.split(':')[1]!;
  const env = {
    ...process.env,
    KAFKA_PORT: port,
    KAFKA_CONTROLLER_PORT: process.env.KAFKA_CONTROLLER_PORT ?? String(Number(port) + 1),
  };
  const pid = () => Number(readFileSync(join(process.env.KAFKA_RUN_DIR ?? '.cache/kafka-run', 'kafka.pid'), 'utf8').trim());
  return {
    /** SIGSTOP: the broker stops answering but keeps its connections (requests in flight hang until `resume`). */
    pause: () => process.kill(pid(), 'SIGSTOP'),
    resume: () => process.kill(pid(), 'SIGCONT'),
    kill: () => execFileSync('bash', ['scripts/kafka.sh', 'kill'], { env, stdio: ['ignore', 'ignore', 'pipe'] }),
    start: () => execFileSync('bash', ['scripts/kafka.sh', 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] }),
  };
})();

/** PostgreSQL faults on the cities' databases. */
export const database = (c: KafkaCluster) => {
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: c.adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    /** pg_terminate_backend on every connection to the city's database; returns how many. */
    terminate: (city: string) =>
      admin(async (a) => {
        const r = await a.query(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [itDatabase(city)],
        );
        return (r.rows[0] as { n: number }).n;
      }),
    allowConnections: (city: string, allow: boolean) =>
      admin((a) => a.query(`ALTER DATABASE ${itDatabase(city)} ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`)),
  };
};

export interface DrillRow {
  drill: string;
  sent: number;
  applied: number;
  lost: number;
  doubled: number;
  deadLettered: number;
  redeliveries: number;
  seconds: number;
}

export const tableOf = (rows: readonly DrillRow[], notes: readonly string[]): string =>
  [
    '| drill | sent | applied | lost | doubled | dead-lettered | redeliveries absorbed | time |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.drill} | ${r.sent} | ${r.applied} | ${r.lost} | ${r.doubled} | ${r.deadLettered} | ${r.redeliveries} | ${r.seconds.toFixed(1)} s |`,
    ),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');

export const writeTable = (text: string): void => {
  mkdirSync('.cache', { recursive: true });
  writeFileSync('.cache/faults-table.md', text);
  process.stdout.write(`\nFault drills (written to .cache/faults-table.md):\n\n${text}\n`);
};
