import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { benchCases, casesSection } from './bench/cases.js';
import { benchCatalogue, catalogueSection } from './bench/catalogue.js';
import {
  type BenchSection,
  envNumber,
  fmt,
  loadLine,
  machineLine,
  markdownTable,
  progress,
  ratio,
  since,
  SMOKE,
  type Target,
  targetMet,
} from './bench/common.js';
import { benchDelivery, type DeliveryEnds, type DeliveryRun, installMarks, removeMarks } from './bench/delivery.js';
import { benchRawKafka, brokersFromEnv, startKafkaNodes } from './bench/kafka.js';
import { type SignedEvent, toTransportMessage } from './bench/project.js';
import { FS, GZ, type HttpSandboxRun, type SandboxRun, startProcessSandbox, startSandbox } from './bench/sandbox-run.js';
import { benchMedical, medicalSection } from './bench/medical.js';
import { benchSm2, sm2Section } from './bench/sm2.js';

/**
 * `npm run bench` (= `npm run build && node dist/scripts/bench.js`): every benchmark of issue 11 in
 * one run, each next to its bare baseline measured in the same run, and the targets met / not met.
 *
 *   P1  catalogue page through a sandbox node vs bare Express serving the same bytes
 *   P2  filing and the case life cycle through the API vs raw pg doing the same writes
 *   P3  cross-city delivery, commit to applied: embedded transport; Kafka (only with KAFKA_BROKERS)
 *       next to raw kafkajs
 *   SM2 the project's SM2 vs sm-crypto
 *   M   异地就医直接结算 (issue 14): settlement p99 at a fixed rate vs raw pg; monthly clearing of 1 M and 2 M claims
 *
 * BENCH_SMOKE=1: tiny sizes, a few seconds each, so CI proves the scripts still run (the numbers
 * mean nothing; nothing is asserted on them). Exits non-zero only when a benchmark cannot run.
 * BENCH_WRITE=1: writes the tables into docs/performance.md between the bench markers.
 * BENCH_ONLY=p1,p2,p3,kafka,sm2,medical runs a subset. Sizes: see `settings` below (env overrides).
 */

const only = new Set((process.env.BENCH_ONLY ?? 'p1,p2,p3,kafka,sm2,medical').split(',').map((s) => s.trim().toLowerCase()));
const settings = {
  p1: {
    connections: envNumber('BENCH_P1_CONNECTIONS', 16, 16),
    rounds: envNumber('BENCH_P1_ROUNDS', 5, 2),
    roundSeconds: envNumber('BENCH_P1_SECONDS', 3, 0.5),
  },
  p2: { cases: envNumber('BENCH_CASES', 200, 10), concurrency: envNumber('BENCH_CONCURRENCY', 8, 8) },
  p3: {
    rates: [
      { rate: envNumber('BENCH_LOW_RATE', 50, 50), events: envNumber('BENCH_P3_LOW_EVENTS', 300, 30) },
      { rate: envNumber('BENCH_P3_RATE', 300, 300), events: envNumber('BENCH_P3_EVENTS', 1500, 150) },
    ],
    events: envNumber('BENCH_P3_EVENTS', 1500, 150),
    concurrency: envNumber('BENCH_CONCURRENCY', 8, 8),
    warmUp: 20,
    settleTimeoutMs: SMOKE ? 60_000 : 120_000,
  },
  kafka: {
    rates: [
      { rate: envNumber('BENCH_LOW_RATE', 50, 50), events: envNumber('BENCH_KAFKA_LOW_EVENTS', 300, 30) },
      { rate: envNumber('BENCH_KAFKA_RATE', 300, 300), events: envNumber('BENCH_KAFKA_EVENTS', 3000, 300) },
    ],
    events: envNumber('BENCH_KAFKA_EVENTS', 3000, 300),
    concurrency: envNumber('BENCH_CONCURRENCY', 8, 8),
    warmUp: 20,
    settleTimeoutMs: SMOKE ? 60_000 : 120_000,
  },
  sm2: { n: envNumber('BENCH_SM2_N', 200, 20) },
  medical: {
    persons: envNumber('BENCH_MEDICAL_PERSONS', 50, 4),
    claims: envNumber('BENCH_MEDICAL_CLAIMS', 2000, 40),
    rate: envNumber('BENCH_MEDICAL_RATE', 200, 20),
    clearing: [envNumber('BENCH_MEDICAL_CLEARING', 1_000_000, 10_000), 2 * envNumber('BENCH_MEDICAL_CLEARING', 1_000_000, 10_000)],
  },
};

const sections: BenchSection[] = [];
/** Lines under the delivery table (what was skipped, message sizes). */
const notes: string[] = [];
const failures: string[] = [];
const delivery: { transport: string; runs: DeliveryRun[] }[] = [];
const kafkaTargets: Target[] = [];
const skippedTargets: string[] = [];
let pgLine = '';

const log = progress;

const attempt = async (name: string, fn: () => Promise<void>): Promise<void> => {
  const t0 = performance.now();
  log(`${name} …`);
  try {
    await fn();
    log(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    failures.push(`${name}: ${(err as Error).message}`);
    log(`${name} FAILED after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${(err as Error).stack ?? String(err)}`);
  }
};

const loadOf = (r: DeliveryRun): string => (r.backlog ? `backlog, one commit` : `closed loop, ${r.concurrency} writers`);

const deliveryTable = (): string[] => {
  const rows = delivery.flatMap(({ transport, runs }) =>
    runs.map((r) => [
      transport,
      r.label,
      r.offeredRate !== undefined ? `fixed ${fmt(r.offeredRate, 0)}/s${r.capped ? ' (64 in flight reached)' : ''}` : loadOf(r),
      String(r.events),
      fmt(r.committedPerSecond, 0),
      fmt(r.deliveredPerSecond, 0),
      fmt(r.latency.p50),
      fmt(r.latency.p95),
      fmt(r.latency.p99),
      fmt(r.latency.max),
    ]),
  );
  return markdownTable(
    ['transport', 'who', 'load', 'events', 'sent /s', 'applied /s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
    ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows,
  );
};

const partsTable = (): string[] =>
  markdownTable(
    ['transport', 'load', 'commit → receiver tx p50 ms', 'p99 ms', 'receiver tx p50 ms', 'p99 ms'],
    ['l', 'l', 'r', 'r', 'r', 'r'],
    delivery.flatMap(({ transport, runs }) =>
      runs
        .filter((r) => r.parts)
        .map((r) => [
          transport,
          r.offeredRate !== undefined ? `fixed ${fmt(r.offeredRate, 0)}/s` : loadOf(r),
          fmt(r.parts!.toReceiver.p50),
          fmt(r.parts!.toReceiver.p99),
          fmt(r.parts!.receiverTx.p50),
          fmt(r.parts!.receiverTx.p99),
        ]),
    ),
  );

/** P1, P2 and M against what `npm start` runs: one process per city, the shared embedded PostgreSQL. */
const processSandboxBenches = async (): Promise<void> => {
  if (!only.has('p1') && !only.has('p2') && !only.has('medical')) return;
  let run: HttpSandboxRun | undefined;
  await attempt('sandbox start (one process per city)', async () => {
    run = await startProcessSandbox(settings.p2.concurrency + 4);
    pgLine = `PostgreSQL ${run.pgVersion} (embedded) for the sandbox`;
  });
  if (!run) return;
  const sandbox = run;
  try {
    if (only.has('p1')) {
      await attempt('P1 catalogue', async () => {
        sections.push(catalogueSection(await benchCatalogue(sandbox, settings.p1)));
      });
    }
    if (only.has('p2')) {
      await attempt('P2 cases', async () => {
        sections.push(casesSection(await benchCases(sandbox, settings.p2.cases, settings.p2.concurrency)));
      });
    }
    if (only.has('medical')) {
      await attempt('M medical settlement and clearing', async () => {
        sections.push(medicalSection(await benchMedical(sandbox, settings.medical)));
      });
    }
  } finally {
    await sandbox.close().catch((err: unknown) => log(`sandbox stop failed: ${String(err)}`));
  }
};

/** P3 on the embedded transport: events are written through a node's service layer, so both nodes run in this process. */
const embeddedDeliveryBench = async (): Promise<void> => {
  if (!only.has('p3')) return;
  let run: SandboxRun | undefined;
  await attempt('sandbox start (in this process)', async () => {
    run = await startSandbox(settings.p3.concurrency + 4);
    pgLine ||= `PostgreSQL ${run.pgVersion} (embedded) for the sandbox`;
  });
  if (!run) return;
  const sandbox = run;
  try {
    await attempt('P3 embedded delivery', async () => {
      const ends: DeliveryEnds = {
        sender: sandbox.sandbox.node(GZ),
        senderCity: GZ,
        senderDb: sandbox.db[GZ]!,
        receiverDb: sandbox.db[FS]!,
      };
      await installMarks(ends);
      try {
        const r = await benchDelivery(ends, 'city nodes', settings.p3);
        delivery.push({ transport: 'embedded', runs: r.runs });
      } finally {
        await removeMarks(ends);
      }
    });
  } finally {
    await sandbox.close().catch((err: unknown) => log(`sandbox stop failed: ${String(err)}`));
  }
};

const kafkaBench = async (): Promise<void> => {
  const brokers = brokersFromEnv();
  const names = [
    `P3 Kafka commit-to-applied p99 at ${fmt(settings.kafka.rates[1]!.rate, 0)} events/s`,
    `P3 Kafka sustained events/s (a backlog of ${settings.kafka.events} drained) ÷ raw kafkajs`,
  ];
  if (!brokers) {
    notes.push('P3 Kafka: skipped: KAFKA_BROKERS not set');
    skippedTargets.push(...names);
    return;
  }
  await attempt(`P3 Kafka delivery (${brokers.join(',')})`, async () => {
    const nodes = await startKafkaNodes(brokers);
    let sample: SignedEvent | undefined;
    try {
      const ends: DeliveryEnds = { sender: nodes.apps[GZ]!, senderCity: GZ, senderDb: nodes.db[GZ]!, receiverDb: nodes.db[FS]! };
      await installMarks(ends);
      const sys = await benchDelivery(ends, 'city nodes', settings.kafka);
      sample = (
        await ends.senderDb.query<{ envelope: SignedEvent }>('SELECT envelope FROM platform.outbox WHERE event_id = $1', [
          sys.sampleEventId,
        ])
      ).rows[0]?.envelope;
      delivery.push({ transport: 'Kafka', runs: sys.runs });
    } finally {
      const t0 = performance.now();
      await nodes.close();
      log(`  Kafka: city nodes stopped in ${since(t0)}`);
    }
    if (!sample) throw new Error('no sample event in the outbox');
    const raw = await benchRawKafka(brokers, toTransportMessage(sample), settings.kafka);
    delivery.push({ transport: 'Kafka', runs: raw.runs });
    const kafkaRuns = delivery.filter((d) => d.transport === 'Kafka').flatMap((d) => d.runs);
    const find = (label: string, rate?: number) => kafkaRuns.find((r) => r.label === label && r.offeredRate === rate && !r.backlog)!;
    const backlog = kafkaRuns.find((r) => r.label === 'city nodes' && r.backlog)!;
    kafkaTargets.push(
      { name: names[0]!, measured: find('city nodes', settings.kafka.rates[1]!.rate).latency.p99, kind: 'max', bound: 50, unit: 'ms' },
      {
        name: names[1]!,
        measured: ratio(backlog.deliveredPerSecond, find('raw kafkajs').deliveredPerSecond),
        kind: 'min',
        bound: 0.5,
        unit: '×',
      },
    );
    notes.push(`raw kafkajs messages: ${raw.bytes} bytes each (key, headers, value of a real event)`);
  });
};

const deliverySection = (): BenchSection => ({
  title: 'P3 — cross-city delivery, commit to applied',
  lines: [
    `Event: node announcement written through the sender's service layer (outbox + audit in one transaction, SM2-signed), Guangzhou → Foshan; each event its own subject. Latency: sender's commit to receiver's commit (inbox + effect), both stamped by PostgreSQL. Fixed rate: open loop; closed loop: ${settings.p3.concurrency} writers, one event per transaction; backlog: the events committed in one transaction, then drained (its "applied /s" is what the relay, the transport and the receiver carry, whatever writers can commit; raw kafkajs has no such run: its closed loop sends batches of 200). "sent /s": commits (raw: sends) per second; "applied /s": events per second from the first commit to the last applied. Where "sent /s" is below the offered rate the sender could not commit faster; where "applied /s" is below "sent /s" a queue built up and the latency grows with the length of the run.`,
    '',
    ...deliveryTable(),
    '',
    "Where the time goes (city nodes): from the sender's commit to the start of the receiver's transaction (relay, transport, SM2 verification and checks at the edge), and the receiver's transaction (inbox + effect, commit), each stamped by PostgreSQL:",
    '',
    ...partsTable(),
    ...notes.flatMap((s) => ['', s]),
  ],
  targets: [],
});

const main = async (): Promise<number> => {
  const t0 = performance.now();
  const loadStart = loadLine();
  log(`${SMOKE ? 'SMOKE run (tiny sizes: numbers mean nothing)' : 'full run'}; machine ${machineLine()}; load average ${loadStart}`);
  await processSandboxBenches();
  await embeddedDeliveryBench();
  if (only.has('kafka')) await kafkaBench();
  if (only.has('sm2')) {
    await attempt('SM2', async () => {
      sections.push(sm2Section(benchSm2(settings.sm2.n)));
    });
  }
  if (delivery.length || only.has('kafka')) {
    const sm2At = sections.findIndex((s) => s.title.startsWith('SM2'));
    sections.splice(sm2At < 0 ? sections.length : sm2At, 0, deliverySection());
  }
  const allTargets = [...sections.flatMap((s) => s.targets), ...kafkaTargets];
  const seconds = (performance.now() - t0) / 1000;

  const out: string[] = [
    `Run: ${new Date().toISOString()}${SMOKE ? ' — SMOKE (tiny sizes; the numbers mean nothing)' : ''}, ${seconds.toFixed(0)} s.`,
    '',
    `Machine: ${machineLine()}${pgLine ? `, ${pgLine}` : ''}. Load average ${loadStart} at the start, ${loadLine()} at the end (1, 5, 15 min; other jobs share the machine).`,
    '',
  ];
  for (const s of sections) out.push(`#### ${s.title}`, '', ...s.lines, '');
  out.push(
    '#### Targets (issues 11 and 14)',
    '',
    ...markdownTable(
      ['target', 'measured', 'bound', ''],
      ['l', 'r', 'r', 'l'],
      [
        ...allTargets.map((t) => [
          t.name,
          `${fmt(t.measured, t.unit === '×' ? 3 : 1)}${t.unit === '×' ? '×' : ` ${t.unit}`}`,
          `${t.kind === 'min' ? '≥' : '≤'} ${t.bound}${t.unit === '×' ? '×' : ` ${t.unit}`}`,
          targetMet(t) ? 'met' : 'not met',
        ]),
        ...skippedTargets.map((name) => [name, '', '', 'skipped: KAFKA_BROKERS not set']),
      ],
    ),
    '',
  );
  if (failures.length) out.push('#### Could not run', '', ...failures.map((f) => `- ${f}`), '');
  process.stdout.write(`${out.join('\n')}\n`);

  if (process.env.BENCH_WRITE === '1') {
    const file = new URL('../../docs/performance.md', import.meta.url);
    const start = '<!-- bench:start -->';
    const end = '<!-- bench:end -->';
    const doc = readFileSync(file, 'utf8');
    const block = `${start}\n${out.join('\n').trimEnd()}\n${end}`;
    const i = doc.indexOf(start);
    const j = doc.indexOf(end);
    const next =
      i >= 0 && j > i
        ? `${doc.slice(0, i)}${block}${doc.slice(j + end.length)}`
        : `${doc.trimEnd()}\n\n## Results of \`npm run bench\`\n\n${block}\n`;
    writeFileSync(file, next);
    log('wrote the results into docs/performance.md');
  }
  return failures.length ? 1 : 0;
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
