import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { inspectionPool, offerAtRate, type Percentiles, percentiles, pool, progress, since, waitUntil } from './common.js';
import type { DeliveryOptions, DeliveryRun } from './delivery.js';
import {
  composeCityNode,
  createCityNodeApp,
  freePort,
  KafkaTransport,
  type NodeConfig,
  Sandbox,
  startCityNodeApp,
  type TransportMessage,
} from './project.js';
import { FS, GZ } from './sandbox-run.js';

/**
 * P3 (b) on a real Kafka broker (KAFKA_BROKERS) and the PostgreSQL server (BENCH_DATABASE_ADMIN_URL,
 * default postgres://postgres@127.0.0.1:5432/postgres): both city nodes with the Kafka transport,
 * each in a process of its own as in production (the sender in this process, so the events can be
 * written through its service layer; the receiver forked), each on a fresh database of its own;
 * and the raw kafkajs baseline.
 *
 * Like the integration suite, it first deletes the broker's `guangfo.*` topics and the nodes'
 * consumer groups (a fresh consumer group reads its topics from the beginning): give it a broker
 * of its own, or the CI one after the integration suite.
 */

const PG_ADMIN = process.env.BENCH_DATABASE_ADMIN_URL ?? process.env.IT_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_PREFIX = process.env.BENCH_DATABASE_PREFIX ?? 'guangfo_bench';
const pgUrl = (db: string): string => {
  const u = new URL(PG_ADMIN);
  u.pathname = `/${db}`;
  return u.toString();
};
const dbName = (city: string) => `${DB_PREFIX}_${city}`;

export const brokersFromEnv = (): string[] | undefined => {
  const raw = process.env.KAFKA_BROKERS?.trim();
  if (!raw) return undefined;
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  for (const b of brokers)
    if (!/^(127\.0\.0\.1|localhost):\d+$/.test(b)) throw new Error(`KAFKA_BROKERS: loopback brokers only (127.0.0.1:<port>), not ${b}`);
  return brokers;
};

export interface KafkaNodes {
  /** The nodes in this process: the sender (its service layer writes the benchmark's events). */
  apps: Record<string, NestExpressApplication>;
  db: Record<string, pg.Pool>;
  close(): Promise<void>;
}

/** What a city node forked by `startKafkaNodes` is given (scripts/bench/kafka-node.process.ts). */
export interface KafkaNodeSpec {
  city: string;
  dataDir: string;
  ports: Record<string, number>;
  databaseUrl: string;
  brokers: string[];
  logLevel: string;
}
export const KAFKA_NODE_ENV = 'GUANGFO_BENCH_KAFKA_NODE';

/** Forks one city node (kafka-node.process.js) and waits until it listens. */
const forkNode = async (spec: KafkaNodeSpec): Promise<ChildProcess> => {
  const child = fork(fileURLToPath(new URL('./kafka-node.process.js', import.meta.url)), [], {
    env: { ...process.env, [KAFKA_NODE_ENV]: JSON.stringify(spec) },
    execArgv: (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code, signal) =>
      reject(new Error(`Kafka node ${spec.city} exited (${code ?? signal}) before it listened: ${stderr}`)),
    );
  });
  child.removeAllListeners('exit');
  return child;
};

const quiet = (brokers: string[], clientId: string) =>
  new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3_000, requestTimeout: 15_000 });

/** Deletes the `guangfo.*` topics and the nodes' consumer groups, as the integration suite does before it starts nodes. */
const freshTopics = async (brokers: string[]): Promise<void> => {
  const admin = quiet(brokers, 'guangfo-bench-admin').admin();
  await admin.connect();
  try {
    const stale = (await admin.listTopics()).filter((t) => t.startsWith('guangfo.'));
    if (stale.length) await admin.deleteTopics({ topics: stale, timeout: 30_000 });
    await waitUntil(
      'old guangfo.* topics deleted',
      async () => !(await admin.listTopics()).some((t) => t.startsWith('guangfo.')),
      60_000,
      500,
    );
    await waitUntil(
      'old node consumer groups deleted',
      async () => {
        const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith('guangfo-node-'));
        if (groups.length) await admin.deleteGroups(groups);
        return true;
      },
      60_000,
      1_000,
    );
  } finally {
    await admin.disconnect();
  }
};

/**
 * The two city nodes on Kafka, each in a process of its own as in production: the sender (Guangzhou) in this process,
 * so the benchmark writes its events through the sender's service layer, and the receiver (Foshan) forked.
 */
export const startKafkaNodes = async (brokers: string[]): Promise<KafkaNodes> => {
  const dir = mkdtempSync(join(tmpdir(), 'guangfo-bench-kafka-'));
  const apps: Record<string, NestExpressApplication> = {};
  const children: Record<string, ChildProcess> = {};
  const db: Record<string, pg.Pool> = {};
  const cities = [GZ, FS];
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  admin.on('error', () => undefined);
  const dropDatabases = async () => {
    for (const city of cities) await admin.query(`DROP DATABASE IF EXISTS ${dbName(city)} WITH (FORCE)`);
  };
  const close = async () => {
    // Each node's Kafka consumer takes seconds to leave (it waits out its fetch): stop both at once.
    await Promise.all([
      ...Object.entries(apps).map(async ([city, app]) => {
        const t0 = performance.now();
        await app.close();
        progress(`  Kafka: node ${city} stopped in ${since(t0)}`);
      }),
      ...Object.entries(children).map(async ([city, child]) => {
        const t0 = performance.now();
        if (child.exitCode === null && child.signalCode === null) {
          // Closing the IPC channel stops the node in order (its consumer leaves the group); SIGTERM would not, since
          // the sandbox's embedded-PostgreSQL module exits at once on it. SIGKILL if it takes too long.
          const exited = new Promise((r) => child.once('exit', r));
          child.disconnect();
          const late = setTimeout(() => child.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(late);
        }
        progress(`  Kafka: node ${city} (its own process) stopped in ${since(t0)}, exit ${child.exitCode ?? child.signalCode}`);
      }),
    ]);
    for (const p of Object.values(db)) await p.end();
    await dropDatabases().catch(() => undefined);
    await admin.end().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let t0 = performance.now();
    await admin.connect();
    await dropDatabases();
    for (const city of cities) await admin.query(`CREATE DATABASE ${dbName(city)}`);
    await freshTopics(brokers);
    progress(`  Kafka: fresh databases, topics and consumer groups in ${since(t0)}`);
    t0 = performance.now();
    const ports: Record<string, number> = { [GZ]: await freePort(), [FS]: await freePort() };
    const logLevel = process.env.BENCH_LOG_LEVEL ?? 'silent';
    // The sandbox's configuration of each city (demo keys, relay settings), with Kafka and the PostgreSQL server instead.
    const sandbox = new Sandbox({ dataDir: dir, ports, logLevel });
    // The receiver first, in its own process: its consumer joins while the sender starts.
    children[FS] = await forkNode({ city: FS, dataDir: dir, ports, databaseUrl: pgUrl(dbName(FS)), brokers, logLevel });
    db[FS] = inspectionPool(pgUrl(dbName(FS)), 4);
    const clientId = `guangfo-node-${GZ}`;
    const config: NodeConfig = {
      ...sandbox.configFor(GZ),
      databaseUrl: pgUrl(dbName(GZ)),
      transport: { kind: 'kafka', brokers, clientId },
    };
    const transport = new KafkaTransport({ cityCode: GZ, brokers, clientId, registry: sandbox.registry });
    const app = await createCityNodeApp(composeCityNode(config, sandbox.registry, transport, sandbox.demo));
    apps[GZ] = app;
    await startCityNodeApp(app, config.host, config.port);
    db[GZ] = inspectionPool(pgUrl(dbName(GZ)), 4);
    progress(`  Kafka: both city nodes started (Foshan in its own process) in ${since(t0)}`);
    return { apps, db, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
};

/**
 * Raw kafkajs in the same process: the same number of messages of the same size (a real event's
 * key, headers and value) on a fresh topic with the nodes' partition count, produced with acks
 * from all in-sync replicas and consumed by one consumer group as the nodes consume
 * (partitionsConsumedConcurrently 3). Latency: from just before the send to the consumer's
 * callback. Fixed rates: one send per message, open loop. Closed loop: batches of 200 (the
 * relay's batch size), `concurrency` in flight.
 */
export const benchRawKafka = async (
  brokers: string[],
  message: TransportMessage,
  o: DeliveryOptions,
): Promise<{ runs: DeliveryRun[]; bytes: number }> => {
  const kafka = quiet(brokers, 'guangfo-bench-raw');
  const topic = `guangfo-bench-raw-${process.pid}-${Date.now()}`;
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: topic, sessionTimeout: 10_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false });
  const sent = new Map<number, number>();
  const received = new Map<number, number>();
  const msg = (i: number) => ({ key: `bench/raw/${i}`, value: message.value, headers: { ...message.headers, 'bench-i': String(i) } });
  const settle = async (from: number, n: number): Promise<{ latency: Percentiles; lastMs: number }> => {
    await waitUntil(
      `${n} raw messages consumed`,
      async () => {
        for (let i = from; i < from + n; i++) if (!received.has(i)) return false;
        return true;
      },
      o.settleTimeoutMs,
      10,
    );
    const lat: number[] = [];
    let lastMs = 0;
    for (let i = from; i < from + n; i++) {
      lat.push(received.get(i)! - sent.get(i)!);
      lastMs = Math.max(lastMs, received.get(i)!);
    }
    return { latency: percentiles(lat), lastMs };
  };
  const tStart = performance.now();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true, timeout: 15_000 });
    await producer.connect();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message: m }) => {
        received.set(Number(m.headers?.['bench-i']?.toString()), performance.now());
      },
    });
    await waitUntil('raw consumer joined its group', async () => joined, 60_000, 50);
    progress(`  raw kafkajs: topic created and consumer joined in ${since(tStart)}`);

    // Warm-up (connections, metadata, fetch sessions): indices -warmUp..-1.
    for (let i = -o.warmUp; i < 0; i++) {
      sent.set(i, performance.now());
      await producer.send({ topic, acks: -1, messages: [msg(i)] });
    }
    await settle(-o.warmUp, o.warmUp);

    // Each run its own range of indices.
    let next = 0;
    const span = (from: number, n: number) => {
      let first = Infinity;
      let lastSent = 0;
      for (let i = from; i < from + n; i++) {
        first = Math.min(first, sent.get(i)!);
        lastSent = Math.max(lastSent, sent.get(i)!);
      }
      return { first, lastSent };
    };
    const runs: DeliveryRun[] = [];
    for (const { rate, events } of o.rates) {
      const from = next;
      next += events;
      const offered = await offerAtRate(events, rate, 64, async (k) => {
        sent.set(from + k, performance.now());
        await producer.send({ topic, acks: -1, messages: [msg(from + k)] });
      });
      const r = await settle(from, events);
      const t = span(from, events);
      runs.push({
        label: 'raw kafkajs',
        events,
        offeredRate: rate,
        committedPerSecond: ((events - 1) * 1000) / (t.lastSent - t.first),
        deliveredPerSecond: (events * 1000) / (r.lastMs - t.first),
        latency: r.latency,
        capped: offered.capped,
      });
    }
    // Closed loop: batches of 200, `concurrency` in flight.
    const from = next;
    const chunks: number[][] = [];
    for (let i = from; i < from + o.events; i += 200)
      chunks.push(Array.from({ length: Math.min(200, from + o.events - i) }, (_, k) => i + k));
    await pool(chunks, o.concurrency, async (chunk) => {
      const at = performance.now();
      for (const i of chunk) sent.set(i, at);
      await producer.send({ topic, acks: -1, messages: chunk.map(msg) });
    });
    const loop = await settle(from, o.events);
    runs.push({
      label: 'raw kafkajs',
      events: o.events,
      concurrency: o.concurrency,
      committedPerSecond: NaN,
      deliveredPerSecond: (o.events * 1000) / (loop.lastMs - span(from, o.events).first),
      latency: loop.latency,
    });
    progress(`  raw kafkajs: warm-up and ${runs.length} runs consumed in ${since(tStart)}`);
    return {
      bytes:
        Buffer.byteLength(message.value) +
        Buffer.byteLength(message.key) +
        Object.entries(message.headers).reduce((a, [k, v]) => a + k.length + Buffer.byteLength(v), 0),
      runs,
    };
  } finally {
    const t1 = performance.now();
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic], timeout: 10_000 }).catch(() => undefined);
    await admin.deleteGroups([topic]).catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
    progress(`  raw kafkajs: disconnected, topic deleted in ${since(t1)}`);
  }
};
