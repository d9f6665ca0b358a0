#!/usr/bin/env node
// Readiness probe for the local Kafka broker started by scripts/kafka.sh.
//
// Usage: node scripts/kafka-ready.mjs [brokers]
//   brokers  comma-separated host:port list; defaults to $KAFKA_BROKERS,
//            then 127.0.0.1:${KAFKA_PORT:-19092}
// Env:     KAFKA_READY_TIMEOUT_MS  overall deadline (default 90000)
//          KAFKA_READY_VERBOSE=1   log every failed attempt
//
// Succeeds (exit 0) once, on a temporary topic, it could: create the topic,
// produce a message, consume it with a consumer group, and re-read it from the
// beginning with a second, fresh consumer group. Exits 1 when the deadline
// passes first. The temporary topic is deleted afterwards (best effort).
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';

const { Kafka, Partitioners, logLevel } = kafkajs;

const brokers = (process.argv[2] || process.env.KAFKA_BROKERS || `127.0.0.1:${process.env.KAFKA_PORT || 19092}`)
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const deadline = Date.now() + Number(process.env.KAFKA_READY_TIMEOUT_MS || 90_000);
const verbose = process.env.KAFKA_READY_VERBOSE === '1';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Consume with a brand-new group from the beginning until `value` is seen. */
async function consumeOnce(kafka, topic, groupId, value, timeoutMs) {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    retry: { retries: 3 },
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let resolveSeen;
    const seen = new Promise((r) => {
      resolveSeen = r;
    });
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ message }) => {
        if (message.value?.toString() === value) resolveSeen();
      },
    });
    await withTimeout(seen, timeoutMs, `consume (${groupId})`);
    // Make sure the group offset is actually committed (exercises the group coordinator).
    await consumer.commitOffsets([{ topic, partition: 0, offset: '1' }]);
  } finally {
    await consumer.disconnect().catch(() => {});
  }
}

async function attempt() {
  const kafka = new Kafka({
    clientId: 'kafka-ready',
    brokers,
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { retries: 2, initialRetryTime: 200 },
    logLevel: logLevel.NOTHING,
  });
  const id = randomUUID().slice(0, 8);
  const topic = `__kafka_ready_${id}`;
  const value = `ready-${id}`;
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  try {
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      waitForLeaders: true,
      timeout: 10_000,
    });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value }] });
    await consumeOnce(kafka, topic, `kafka-ready-a-${id}`, value, 30_000);
    await consumeOnce(kafka, topic, `kafka-ready-b-${id}`, value, 30_000);
    await admin.deleteTopics({ topics: [topic], timeout: 5_000 }).catch(() => {});
    await admin.deleteGroups([`kafka-ready-a-${id}`, `kafka-ready-b-${id}`]).catch(() => {});
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}

let lastError;
for (let n = 1; Date.now() < deadline; n++) {
  try {
    await withTimeout(attempt(), Math.max(1_000, deadline - Date.now()), 'readiness attempt');
    console.log(`kafka-ready: broker ${brokers.join(',')} is ready (attempt ${n})`);
    process.exit(0);
  } catch (err) {
    lastError = err;
    if (verbose) console.error(`kafka-ready: attempt ${n} failed: ${err?.message ?? err}`);
    await sleep(1_000);
  }
}
console.error(`kafka-ready: broker ${brokers.join(',')} not ready: ${lastError?.message ?? 'deadline passed'}`);
process.exit(1);
