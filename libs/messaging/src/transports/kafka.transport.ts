import { Logger } from '@nestjs/common';
import { ClientKafka } from '@nestjs/microservices';
import { type Admin, type Consumer, type EachBatchPayload, type IHeaders, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { consumerGroup, PUBLIC_TOPIC } from '@guangfo/contracts';
import type { CityRegistry } from '@guangfo/platform';
import { toTransportMessage, type WireHeaderValue, type WireMessage } from '../signed-event.js';
import type {
  CityTransport,
  InboundBatchHandler,
  InboundHandler,
  InboundOutcome,
  PublishedHandler,
  PublishRequest,
  PublishResult,
} from './city-transport.js';

export interface KafkaTransportOptions {
  cityCode: string;
  brokers: string[];
  clientId: string;
  registry: CityRegistry;
}

const PROBE_TIMEOUT_MS = 2_000;
const PROBE_CACHE_MS = 1_000;
const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });

/**
 * A Kafka record exactly as it arrived: key, value and header values are the record's bytes
 * (Buffers; a null key or value stays null; a repeated header is an array). Nothing is decoded
 * here: the receiver reads text from it, the dead-letter store and topic keep the bytes.
 */
export const transportMessageOf = (m: KafkaMessage): WireMessage => {
  // kafkajs reads a null header value as null (its types say otherwise); own properties, whatever the names.
  const headers = Object.entries((m.headers ?? {}) as Record<string, WireHeaderValue | undefined>).filter(([, v]) => v !== undefined);
  return { key: m.key ?? null, headers: Object.fromEntries(headers), value: m.value ?? null };
};

/** Headers as kafkajs sends them, bytes unchanged (a null value is written as a null header value). */
const kafkaHeaders = (headers: WireMessage['headers']): IHeaders => {
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as IHeaders;
};

/**
 * The most bytes of records (key, value, header names and values) one `sendBatch` of the relay carries: every partition's
 * record batch in it then stays under the broker's default 1 MB `message.max.bytes`, whatever the size of the relay's batch
 * (a clearing statement's chunk events are ~250 KB each). A single larger record goes alone.
 */
export const KAFKA_SEND_MAX_BYTES = 512 * 1024;

const recordBytes = (m: { key: string; value: string; headers: Record<string, string> }): number => {
  let n = Buffer.byteLength(m.key) + Buffer.byteLength(m.value);
  for (const [k, v] of Object.entries(m.headers)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
};

/** Indexes 0 … sizes.length − 1 in order, cut into consecutive runs of at most `maxBytes` (a larger one alone). */
export const sendGroups = (sizes: readonly number[], maxBytes: number): number[][] => {
  const groups: number[][] = [];
  let group: number[] = [];
  let bytes = 0;
  for (const [i, size] of sizes.entries()) {
    if (group.length && bytes + size > maxBytes) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(i);
    bytes += size;
  }
  if (group.length) groups.push(group);
  return groups;
};

/** The consumer's session timeout: a consumer holding no partition for longer than this makes the node not ready. */
export const CONSUMER_SESSION_TIMEOUT_MS = 10_000;
/** Consumed messages of one partition applied together (one transaction where the receiver can): a bound on how long one holds its locks. */
const APPLY_TOGETHER = 32;

/**
 * Whether the consumer holds partitions, for readiness: since when it has held none (from start,
 * after a join that assigned it nothing, after a crash or a stop) — cleared by a join that assigned
 * it some. Not ready once that lasts longer than the session timeout (a rebalance takes less).
 */
export class PartitionHold {
  private noneSince: number | undefined;

  constructor(
    private readonly sessionTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.noneSince = now();
  }

  joined(partitions: number): void {
    if (partitions > 0) this.noneSince = undefined;
    else this.noneSince ??= this.now();
  }

  lost(): void {
    this.noneSince ??= this.now();
  }

  /** Why the node is not ready, or undefined. */
  reason(): string | undefined {
    if (this.noneSince === undefined) return undefined;
    const held = this.now() - this.noneSince;
    return held > this.sessionTimeoutMs
      ? `consumer has held no partitions for ${Math.round(held / 1000)} s (longer than its ${this.sessionTimeoutMs / 1000} s session timeout)`
      : undefined;
  }
}

/**
 * Kafka: a ClientKafka (@nestjs/microservices) produces (acks from all in-sync replicas, key =
 * aggregate id); a kafkajs consumer takes each partition's messages in batches (`eachBatch`, several
 * partitions at once, each in order) and hands them to the node's EventReceiver up to APPLY_TOGETHER
 * at a time: their inbox rows and effects in one transaction, or — if anything in it fails — each
 * event in one transaction of its own (so one bad event never rolls back another). The offsets are
 * resolved only after the receiver committed those events' effects or their dead letters, and committed
 * after the batch; a crash means redelivery, which the inbox absorbs.
 * (Nest's ServerKafka consumes one message at a time, hence kafkajs directly.)
 */
export class KafkaTransport implements CityTransport {
  readonly kind = 'kafka' as const;
  private readonly logger = new Logger(KafkaTransport.name);
  private readonly client: ClientKafka;
  private handler?: InboundHandler;
  private batchHandler?: InboundBatchHandler;
  private producerReady = false;
  private consumer?: Consumer;
  private consuming = false;
  private hold = new PartitionHold(CONSUMER_SESSION_TIMEOUT_MS);
  /** Readiness probes: an admin client that fails fast, and the last answer (kept a second). */
  private prober?: Admin;
  private lastProbe?: { at: number; reason: string | undefined };
  /** Consumer lag per topic and partition after the last batch (messages behind the high watermark). */
  private readonly lags = new Map<string, { topic: string; partition: number; lag: number }>();

  constructor(private readonly options: KafkaTransportOptions) {
    this.client = new ClientKafka({
      client: { clientId: `${options.clientId}-producer`, brokers: options.brokers, logLevel: logLevel.WARN },
      producer: { allowAutoTopicCreation: false },
      send: { acks: -1 },
      producerOnlyMode: true,
      postfixId: '',
    });
  }

  /** The topics this city consumes: its own inbound topic and the public topic. */
  inboundTopics(): string[] {
    return [this.options.registry.require(this.options.cityCode).topics.inbound, PUBLIC_TOPIC];
  }

  private wantedTopics(): string[] {
    return [PUBLIC_TOPIC, ...this.options.registry.all().flatMap((c) => [c.topics.inbound, c.topics.deadLetter])];
  }

  /**
   * Readiness from the broker itself, not from a flag: the producer's and consumer's state (in its
   * group, and not without partitions for longer than its session timeout), then the broker answering a metadata request for this node's topics within 2 s (no retries). Missing
   * topics are created again (a broker that lost its storage) and reported not ready until they exist.
   */
  async probe(): Promise<string | undefined> {
    const now = Date.now();
    if (this.lastProbe && now - this.lastProbe.at < PROBE_CACHE_MS) return this.lastProbe.reason;
    let reason: string | undefined;
    if (!this.producerReady || !this.handler) reason = 'producer not connected';
    else if (!this.consuming) reason = 'consumer not in its group (no partitions assigned)';
    // Held no partition for longer than a rebalance takes: other members have them all, or the group is stuck.
    else if (this.hold.reason()) reason = this.hold.reason();
    else {
      try {
        this.prober ??= new Kafka({
          clientId: `${this.options.clientId}-probe`,
          brokers: this.options.brokers,
          logLevel: logLevel.NOTHING,
          connectionTimeout: PROBE_TIMEOUT_MS,
          requestTimeout: PROBE_TIMEOUT_MS,
          retry: { retries: 0 },
        }).admin();
        const existing = new Set(await withTimeout(this.prober.listTopics(), PROBE_TIMEOUT_MS));
        const missing = this.wantedTopics().filter((t) => !existing.has(t));
        if (missing.length) {
          reason = `topics missing: ${missing.join(', ')} (creating them)`;
          await withTimeout(this.ensureTopics(), PROBE_TIMEOUT_MS).catch(() => undefined);
        }
      } catch (err) {
        reason = `broker not answering: ${(err as Error).message}`;
      }
    }
    this.lastProbe = { at: Date.now(), reason };
    return reason;
  }

  /** Consumer lag per partition, as of each partition's last batch. */
  consumerLag(): { topic: string; partition: number; lag: number }[] {
    return [...this.lags.values()];
  }

  /** Creates every topic the registry implies (idempotent). */
  async ensureTopics(): Promise<void> {
    const admin = new Kafka({ clientId: `${this.options.clientId}-admin`, brokers: this.options.brokers, logLevel: logLevel.WARN }).admin();
    await admin.connect();
    try {
      const wanted = this.wantedTopics();
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((t) => !existing.has(t));
      if (missing.length) await admin.createTopics({ waitForLeaders: true, topics: missing.map((topic) => ({ topic, numPartitions: 3 })) });
    } finally {
      await admin.disconnect();
    }
  }

  private topicOf(event: PublishRequest['event']): string {
    return event.tocity ? this.options.registry.require(event.tocity).topics.inbound : PUBLIC_TOPIC;
  }

  async publish({ event }: PublishRequest): Promise<PublishResult> {
    const m = toTransportMessage(event);
    await this.client.emit(this.topicOf(event), { key: m.key, value: m.value, headers: m.headers }).toPromise();
    return { deliveredTo: event.tocity ? [event.tocity] : [], complete: true };
  }

  /**
   * The batch in `sendBatch` calls of at most {@link KAFKA_SEND_MAX_BYTES} of records each, one after another, in order
   * (acks from all in-sync replicas). The key is the subject, so a subject's events share a partition and keep their order.
   * Each call is one outcome for its requests: when one fails, it and every later request are reported failed (not sent
   * after it, so a subject's order holds) and retried; the ones sent before stay sent (the inbox absorbs any repeats).
   */
  async publishBatch(requests: readonly PublishRequest[], onPublished: PublishedHandler): Promise<void> {
    const records = requests.map(({ event }) => {
      const m = toTransportMessage(event);
      return { topic: this.topicOf(event), message: { key: m.key, value: m.value, headers: m.headers } };
    });
    let sent = 0;
    let error: string | undefined;
    for (const group of sendGroups(
      records.map((r) => recordBytes(r.message)),
      KAFKA_SEND_MAX_BYTES,
    )) {
      const byTopic = new Map<string, (typeof records)[number]['message'][]>();
      for (const i of group) {
        const { topic, message } = records[i]!;
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), message]);
      }
      try {
        await this.client.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        sent += group.length;
      } catch (err) {
        error = (err as Error).message;
        // A broker that lost its storage no longer has the topics: declare them again (the relay retries).
        if (/does not host this topic-partition|UNKNOWN_TOPIC/i.test(error)) await this.ensureTopics().catch(() => undefined);
        break;
      }
    }
    for (const [i, { event }] of requests.entries()) {
      await onPublished(
        i,
        i < sent
          ? { deliveredTo: event.tocity ? [event.tocity] : [], complete: true }
          : { deliveredTo: [], complete: false, error: error ?? 'not sent' },
      );
    }
  }

  async start(handler: InboundHandler, batchHandler?: InboundBatchHandler): Promise<void> {
    await this.ensureTopics();
    await this.client.connect();
    this.producerReady = true;
    this.handler = handler;
    this.batchHandler = batchHandler;
    const consumer = new Kafka({
      clientId: `${this.options.clientId}-consumer`,
      brokers: this.options.brokers,
      logLevel: logLevel.WARN,
    }).consumer({
      groupId: consumerGroup(this.options.cityCode),
      allowAutoTopicCreation: false,
      sessionTimeout: CONSUMER_SESSION_TIMEOUT_MS,
      heartbeatInterval: 1_000,
    });
    this.consumer = consumer;
    this.hold = new PartitionHold(CONSUMER_SESSION_TIMEOUT_MS);
    consumer.on(consumer.events.CRASH, () => {
      this.consuming = false;
      this.hold.lost();
    });
    consumer.on(consumer.events.STOP, () => this.hold.lost());
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.consuming = true;
      this.hold.joined(Object.values(payload.memberAssignment).reduce((n, partitions) => n + partitions.length, 0));
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      this.lags.set(`${payload.topic}:${payload.partition}`, {
        topic: payload.topic,
        partition: payload.partition,
        lag: Number(payload.offsetLag),
      }),
    );
    await consumer.connect();
    await consumer.subscribe({ topics: this.inboundTopics(), fromBeginning: true });
    await consumer.run({ partitionsConsumedConcurrently: 3, eachBatchAutoResolve: false, eachBatch: (b) => this.consumeBatch(b) });
  }

  /** One partition's batch, in order: each message applied (or dead-lettered) before its offset is resolved. */
  private async consumeBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    for (let at = 0; at < batch.messages.length; at += APPLY_TOGETHER) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(at, at + APPLY_TOGETHER);
      await this.handleInboundBatch(chunk.map(transportMessageOf), batch.topic);
      resolveOffset(chunk[chunk.length - 1]!.offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  /**
   * Several consumed messages of one partition, in order: applied together by the receiver (one transaction where it can),
   * then each dead-lettered one copied to the dead-letter topic as `handleInbound` does. Throws (no offset resolved,
   * the chunk redelivered; the inbox absorbs what was already applied) as `handleInbound` does.
   */
  async handleInboundBatch(messages: readonly WireMessage[], topic: string): Promise<void> {
    if (!this.handler) throw new Error('kafka transport not started: message will be redelivered');
    if (messages.length === 1 || !this.batchHandler) {
      for (const m of messages) await this.handleInbound(m, topic);
      return;
    }
    const outcomes = await this.batchHandler(messages, { topic });
    for (const [i, outcome] of outcomes.entries()) await this.copyDeadLetter(messages[i]!, outcome, topic);
  }

  async stop(): Promise<void> {
    this.handler = undefined;
    this.batchHandler = undefined;
    this.producerReady = false;
    this.consuming = false;
    this.hold.lost();
    await this.consumer?.disconnect();
    this.consumer = undefined;
    await this.prober?.disconnect().catch(() => undefined);
    this.prober = undefined;
    await this.client.close();
  }

  /**
   * Whether the relay may publish: started, producer connected. Not the consumer's state (that is
   * readiness's, `probe`): while the broker is away the relay keeps trying, so the outbox rows show
   * their attempts and last error, instead of waiting silently because the consumer left its group.
   */
  isReady(): boolean {
    return this.producerReady && this.handler !== undefined;
  }

  /**
   * Each consumed message, as it arrived. Throws (no offset resolved, redelivered) when the transport
   * is not started, or when the message could be kept nowhere. A rejected message is copied to the
   * city's dead-letter topic with its exact key, value and header bytes (a null key stays null), plus
   * `x-dead-letter-reason-code`, `x-dead-letter-reason` and `x-dead-letter-topic`. When the receiver
   * could not store the dead letter (`stored: false`), that copy is the only one: the offset moves
   * on once the broker has it, and a copy that fails then is retried (redelivered) rather than lost.
   */
  async handleInbound(message: WireMessage, topic: string): Promise<InboundOutcome> {
    if (!this.handler) throw new Error('kafka transport not started: message will be redelivered');
    const outcome = await this.handler(message, { topic });
    await this.copyDeadLetter(message, outcome, topic);
    return outcome;
  }

  /** A dead-lettered message's copy on the city's dead-letter topic (see `handleInbound`). */
  private async copyDeadLetter(message: WireMessage, outcome: InboundOutcome, topic: string): Promise<void> {
    if (outcome.status === 'dead-lettered') {
      const dlq = this.options.registry.require(this.options.cityCode).topics.deadLetter;
      try {
        await this.client.producer.send({
          topic: dlq,
          acks: -1,
          messages: [
            {
              key: message.key,
              value: message.value,
              headers: kafkaHeaders({
                ...message.headers,
                'x-dead-letter-reason-code': outcome.reasonCode,
                'x-dead-letter-reason': outcome.reason,
                'x-dead-letter-topic': topic,
              }),
            },
          ],
        });
        this.logger.warn({ reasonCode: outcome.reasonCode, topic: dlq }, 'published to dead-letter topic');
      } catch (err) {
        if (outcome.stored === false) throw new Error(`dead letter neither stored nor published (redelivered): ${(err as Error).message}`);
        this.logger.error(
          { err, reasonCode: outcome.reasonCode, topic: dlq },
          'dead letter stored, but not copied to the dead-letter topic',
        );
      }
    }
  }
}
