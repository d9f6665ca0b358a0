import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  accessRules,
  type AffairsWorld,
  clerkQueue,
  concurrentDecisions,
  deniedDecision,
  FS,
  GZ,
  jointCaseAndReturn,
  notAccepted,
  onlineCase,
  proxyCaseEndToEnd,
  mutualRecognitionAndClaimCheck,
  withdrawals,
} from '../support/affairs.scenarios.js';
import { itDatabase, type KafkaCluster, pgUrl, startKafkaCluster } from '../support/kafka-cluster.js';

/** 跨城通办 over a real Kafka broker and real PostgreSQL, each city node its own process (the embedded suite's scenarios). */
describe('跨城通办 cases over real Kafka and PostgreSQL (separate node processes)', () => {
  let cluster: KafkaCluster;
  let world: AffairsWorld;

  beforeAll(async () => {
    cluster = await startKafkaCluster();
    world = { cluster, token: (p) => cluster.tokenWith(p.city, { sub: p.username, role: p.role, ...(p.hall ? { hall: p.hall } : {}) }) };
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('异地代收代办 end to end: filed in Foshan, handled in Guangzhou, delivered in Foshan; one timeline in both', () => proxyCaseEndToEnd(world), 120_000);
  it('全程网办: filed online at home, straight into the administering city\'s queue', () => onlineCase(world), 90_000);
  it('多地联办 (the 补正 answered in the applicant\'s own city) and 退件 at intake', () => jointCaseAndReturn(world), 90_000);
  it('撤回: at once, by request to the holding city, and refused after the decision', () => withdrawals(world), 120_000);
  it('不予受理, and a 差评 that opens a remediation in the responsible city (谁办理谁负责)', () => notAccepted(world), 90_000);
  it('不予 decision after a hearing, delivered by mail', () => deniedDecision(world), 90_000);
  it('object-level access: other residents 404, wrong city 403, partners need cases:read, notes stay home', () => accessRules(world), 90_000);
  it('two clerks deciding with the same If-Match: exactly one wins', () => concurrentDecisions(world), 90_000);
  it('the clerk queue: by deadline, filtered, cursor pages', () => clerkQueue(world), 90_000);
  it('免提交: a Foshan-issued credential replaces a material, verified at filing, seen verified in Guangzhou; a 20 MB scan reaches Guangzhou by claim check', () => mutualRecognitionAndClaimCheck(world), 180_000);

  it('leaves no dead letters, no buffered entries, and intact audit chains', async () => {
    for (const city of [GZ, FS]) {
      expect(await cluster.query(city, `SELECT reason_code, reason FROM platform.dead_letter WHERE type LIKE 'gov.guangfo.affairs.%'`)).toEqual([]);
      expect(await cluster.query(city, `SELECT case_id, seq FROM affairs.pending_entry`)).toEqual([]);
      const out = execFileSync(process.execPath, ['dist/apps/city-node/src/audit-verify.js'], { env: { PATH: process.env.PATH, DATABASE_URL: pgUrl(itDatabase(city)) } }).toString();
      expect(out).toMatch(/audit chain intact: \d+ records/);
    }
  });
});
