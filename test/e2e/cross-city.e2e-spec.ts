import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { appliedAfterReceiverRestart, appliedExactlyOnce, duplicateHasNoEffect, forgedAndUnsignedAreDeadLettered } from '../support/cross-city.scenarios.js';
import { type EmbeddedCluster, startEmbeddedCluster } from '../support/embedded-cluster.js';

/** The cross-city scenarios on the embedded transport (the same scenarios as the Kafka integration suite). */
describe('cross-city events on the embedded transport', () => {
  let cluster: EmbeddedCluster;

  beforeAll(async () => {
    cluster = await startEmbeddedCluster();
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  });

  it('applies an event committed in Guangzhou in Foshan exactly once', () => appliedExactlyOnce(cluster));
  it('applies it after Foshan restarts when Foshan was down while it was sent', () => appliedAfterReceiverRestart(cluster), 90_000);
  it('gives a duplicate delivery no second effect', () => duplicateHasNoEffect(cluster));
  it('dead-letters forged and unsigned events, applies neither, audits both', () => forgedAndUnsignedAreDeadLettered(cluster));
});
