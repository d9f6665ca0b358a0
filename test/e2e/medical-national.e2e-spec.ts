import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { AdjustableClock, Clock } from '@guangfo/kernel';
import { clearingApplication, settleAndReconcileThroughFiles } from '../support/medical-national.scenarios.js';
import { FS } from '../support/medical.scenarios.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

/**
 * 异地就医: the national interfaces 5206, 9101 / 9102 with 3202, and 3203 / 3204, on the embedded transport. Its own cluster:
 * it moves Foshan's clock past the settlement day (a clearing application is for a period that is over).
 */
describe('medical national interfaces: 5206, 9101/9102, 3203/3204 (embedded transport)', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('5206 says whose knowledge each figure is; a day reconciled through a 9101 file and its 9102 result; 3203 only for a closed, reconciled period, with the agency’s sums, idempotent, reversed (3204) until the agency processes it', async () => {
    const clock = cluster.sandbox.node(FS).get(Clock) as AdjustableClock;
    try {
      const walk = await settleAndReconcileThroughFiles(cluster);
      await clearingApplication(cluster, walk, () => clock.advance(86_400_000));
    } finally {
      clock.reset();
    }
  });
});
