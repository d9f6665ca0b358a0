import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import {
  claimsOf,
  identityBinding,
  accessRules,
  type AffairsWorld,
  clerkQueue,
  concurrentDecisions,
  deniedDecision,
  FS,
  followUpAfterRemediation,
  GZ,
  intakeProblemToSupplement,
  jointCaseAndReturn,
  notAccepted,
  onlineCase,
  proxyCaseEndToEnd,
  mutualRecognitionAndClaimCheck,
  withdrawals,
} from '../support/affairs.scenarios.js';
import { isValidResidentId } from '@guangfo/kernel';
import { waitFor } from '../support/cluster.js';
import { BROKERS, itDatabase, type KafkaCluster, pgUrl, startKafkaCluster } from '../support/kafka-cluster.js';

/** An 18-digit 公民身份号码 anywhere in a string. */
const ID_NUMBER = /(?<!\d)\d{17}[\dX](?!\d)/g;
/** The 18-character strings that are real 公民身份号码 (GB 11643 check digit, date, region): a public body's 统一社会信用代码 is not one. */
const idNumbersIn = (text: string): string[] => [...text.matchAll(ID_NUMBER)].map((m) => m[0]).filter((n) => isValidResidentId(n));
const APPLICANT_NAMES = ['李小红', '陈小明', '王五'];

/** 跨城通办 over a real Kafka broker and real PostgreSQL, each city node its own process (the embedded suite's scenarios). */
describe('跨城通办 cases over real Kafka and PostgreSQL (separate node processes)', () => {
  let cluster: KafkaCluster;
  let world: AffairsWorld;
  // An independent reader of the raw topics (its own client and consumer group), as someone with access to the broker would read them.
  let tap: Consumer;
  const raw: { topic: string; text: string }[] = [];

  beforeAll(async () => {
    cluster = await startKafkaCluster();
    world = { cluster, token: (p) => cluster.tokenWith(p.city, claimsOf(p)) };
    tap = new Kafka({ clientId: 'raw-topic-reader', brokers: BROKERS.split(','), logLevel: logLevel.NOTHING }).consumer({
      groupId: `raw-topic-reader-${randomUUID()}`,
    });
    await tap.connect();
    await tap.subscribe({ topics: [/^guangfo\./], fromBeginning: true });
    await tap.run({
      eachMessage: async ({ topic, message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        raw.push({ topic, text: `${message.key?.toString() ?? ''}\n${JSON.stringify(headers)}\n${message.value?.toString() ?? ''}` });
      },
    });
  }, 180_000);

  afterAll(async () => {
    await tap?.disconnect();
    await cluster?.close();
  });

  it(
    '异地代收代办 end to end: filed in Foshan, handled in Guangzhou, delivered in Foshan; one timeline in both',
    () => proxyCaseEndToEnd(world),
    120_000,
  );
  it("全程网办: filed online at home, straight into the administering city's queue", () => onlineCase(world), 90_000);
  it("多地联办 (the 补正 answered in the applicant's own city) and 退件 at intake", () => jointCaseAndReturn(world), 90_000);
  it(
    'art. 32(4): intake problem goes to 补正, not 退件 (the receiving window gives the notice)',
    () => intakeProblemToSupplement(world),
    90_000,
  );
  it('撤回: at once, by request to the holding city, and refused after the decision', () => withdrawals(world), 120_000);
  it('不予受理, and a 差评 that opens a remediation in the responsible city (谁办理谁负责)', () => notAccepted(world), 90_000);
  it(
    '追评: after a 差评 is remediated, the applicant follows up once; the task shows whether she is now satisfied',
    () => followUpAfterRemediation(world),
    90_000,
  );
  it('不予 decision after a hearing, delivered by mail', () => deniedDecision(world), 90_000);
  it(
    'object-level access: other residents 404, wrong city 403, partners need cases:read, notes stay home',
    () => accessRules(world),
    90_000,
  );
  it(
    "identity binding: a resident files only as their verified identity; a stranger's case linked to her account stays invisible to her",
    () => identityBinding(world),
    90_000,
  );
  it('two clerks deciding with the same If-Match: exactly one wins', () => concurrentDecisions(world), 90_000);
  it('the clerk queue: by deadline, filtered, cursor pages', () => clerkQueue(world), 90_000);
  it(
    '免提交: a Foshan-issued credential replaces a material, verified at filing, seen verified in Guangzhou; a 20 MB scan reaches Guangzhou by claim check',
    () => mutualRecognitionAndClaimCheck(world),
    180_000,
  );

  it('the raw Kafka topics carry no applicant name and no ID number in clear', async () => {
    let published = 0;
    for (const city of [GZ, FS])
      published += Number(
        (await cluster.query<{ n: string }>(city, `SELECT count(*) AS n FROM platform.outbox WHERE sent_at IS NOT NULL`))[0]!.n,
      );
    await waitFor(
      `the raw reader to see all ${published} published events`,
      async () => raw.filter((m) => !m.topic.endsWith('.deadletter')).length >= published,
      60_000,
      500,
    );
    const filed = raw.filter((m) => m.text.includes('gov.guangfo.affairs.case-filed.v1'));
    expect(filed.length).toBeGreaterThanOrEqual(5);
    for (const m of filed) expect(m.text).toContain('"sealedPersonal"');
    for (const m of raw) {
      for (const name of APPLICANT_NAMES) expect(m.text).not.toContain(name);
      expect(idNumbersIn(m.text)).toEqual([]);
    }
  }, 90_000);

  it('leaves no dead letters, no buffered entries, and intact audit chains', async () => {
    for (const city of [GZ, FS]) {
      expect(
        await cluster.query(city, `SELECT reason_code, reason FROM platform.dead_letter WHERE type LIKE 'gov.guangfo.affairs.%'`),
      ).toEqual([]);
      expect(await cluster.query(city, `SELECT case_id, seq FROM affairs.pending_entry`)).toEqual([]);
      const out = execFileSync(process.execPath, ['dist/apps/city-node/src/audit-verify.js'], {
        env: { PATH: process.env.PATH, DATABASE_URL: pgUrl(itDatabase(city)) },
      }).toString();
      expect(out).toMatch(/audit chain intact: \d+ records/);
    }
  });
});
