import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { AdjustableClock, Clock } from '@guangfo/kernel';
import {
  accessRules,
  claimsOf,
  identityBinding,
  type AffairsWorld,
  clerkQueue,
  concurrentDecisions,
  minimalSteps,
  deadlineAcrossNationalDay,
  deniedDecision,
  filingAnswersAsRead,
  FS,
  followUpAfterRemediation,
  GZ,
  intakeProblemToSupplement,
  jointCaseAndReturn,
  notAccepted,
  onlineCase,
  outOfOrderDelivery,
  partnerWebhook,
  proxyCaseEndToEnd,
  mutualRecognitionAndClaimCheck,
  withdrawals,
} from '../support/affairs.scenarios.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

/** 跨城通办 on the embedded transport: Guangzhou and Foshan nodes in this process (the same scenarios as the Kafka suite). */
describe('跨城通办 cases across Guangzhou and Foshan (embedded transport)', () => {
  let cluster: EmbeddedCluster;
  let world: AffairsWorld;
  const clocks = () => [GZ, FS].map((city) => cluster.sandbox.node(city).get(Clock) as AdjustableClock);

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
    world = { cluster, token: (p) => cluster.tokenWith(p.city, claimsOf(p)) };
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('documents the case API in OpenAPI (Swagger UI at /docs)', async () => {
    const doc = await request(cluster.baseUrl(GZ)).get('/docs-json').expect(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/cases',
        '/api/v1/cases/{id}',
        '/api/v1/cases/{id}/decide',
        '/api/v1/cases/{id}/claim',
        '/api/v1/remediations',
      ]),
    );
    expect(doc.body.paths['/api/v1/cases/{id}/decide'].post.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'If-Match', in: 'header', required: true })]),
    );
  });

  it(
    '异地代收代办 end to end: filed in Foshan, handled in Guangzhou, delivered in Foshan; one timeline in both',
    () => proxyCaseEndToEnd(world),
    90_000,
  );
  it("全程网办: filed online at home, straight into the administering city's queue", () => onlineCase(world), 60_000);
  it('a filing answers with the case exactly as a read of it gives it (no read back)', () => filingAnswersAsRead(world), 60_000);
  it("多地联办 (the 补正 answered in the applicant's own city) and 退件 at intake", () => jointCaseAndReturn(world), 60_000);
  it(
    'art. 32(4): intake problem goes to 补正, not 退件 (the receiving window gives the notice)',
    () => intakeProblemToSupplement(world),
    60_000,
  );
  it('撤回: at once, by request to the holding city, and refused after the decision', () => withdrawals(world), 90_000);
  it('不予受理, and a 差评 that opens a remediation in the responsible city (谁办理谁负责)', () => notAccepted(world), 60_000);
  it(
    '追评: after a 差评 is remediated, the applicant follows up once; the task shows whether she is now satisfied',
    () => followUpAfterRemediation(world),
    60_000,
  );
  it('不予 decision after a hearing, delivered by mail', () => deniedDecision(world), 60_000);
  it(
    'object-level access: other residents 404, wrong city 403, partners need cases:read, notes stay home',
    () => accessRules(world),
    60_000,
  );
  it(
    "identity binding: a resident files only as their verified identity; a stranger's case linked to her account stays invisible to her",
    () => identityBinding(world),
    60_000,
  );
  it('two clerks deciding with the same If-Match: exactly one wins', () => concurrentDecisions(world), 60_000);
  it('Prefer: return=minimal answers 204 with the new version, no body', () => minimalSteps(world), 60_000);
  it('the clerk queue: by deadline, filtered, cursor pages', () => clerkQueue(world), 60_000);
  it(
    'a deadline across National Day (filed 2026-09-30, due 2026-10-20), near-due and overdue',
    () =>
      deadlineAcrossNationalDay(world, {
        setNow: (t) => clocks().forEach((c) => c.set(t)),
        reset: () => clocks().forEach((c) => c.reset()),
      }),
    60_000,
  );
  it('per-case ordering: an early entry is buffered, a duplicate dropped, a forged step refused', () => outOfOrderDelivery(world), 60_000);
  it('partner webhooks: each step of a case, signed, without personal data', () => partnerWebhook(world), 60_000);
  it(
    '免提交: a Foshan-issued credential replaces a material, verified at filing, seen verified in Guangzhou; a 20 MB scan reaches Guangzhou by claim check',
    () => mutualRecognitionAndClaimCheck(world),
    120_000,
  );
});
