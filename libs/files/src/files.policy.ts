import { backoffMs } from '@guangfo/kernel';
import type { NodeConfig } from '@guangfo/platform';

/** Fetch and replication settings. Injected as FILES_POLICY. */
export interface FilesPolicy {
  /** One node-to-node fetch (20 MiB must fit in it). */
  fetchTimeoutMs: number;
  /** Attempts inside one `fetchFromPeer` call (transient failures only). */
  fetchAttempts: number;
  fetchRetryBaseMs: number;
  replicationMaxAttempts: number;
  replicationBaseBackoffMs: number;
  replicationMaxBackoffMs: number;
  pollMs: number;
  /** Replications processed in parallel per pass. */
  batchSize: number;
}

export const FILES_POLICY = Symbol('FILES_POLICY');

export const filesPolicyFor = (config: NodeConfig): FilesPolicy =>
  config.sandbox
    ? {
        fetchTimeoutMs: 30_000,
        fetchAttempts: 3,
        fetchRetryBaseMs: 50,
        replicationMaxAttempts: 20,
        replicationBaseBackoffMs: config.retryBaseMs,
        replicationMaxBackoffMs: 2_000,
        pollMs: config.relayPollMs,
        batchSize: 4,
      }
    : {
        fetchTimeoutMs: 30_000,
        fetchAttempts: 3,
        fetchRetryBaseMs: 500,
        replicationMaxAttempts: 20,
        replicationBaseBackoffMs: 1_000,
        replicationMaxBackoffMs: 300_000,
        pollMs: Math.max(config.relayPollMs, 1_000),
        batchSize: 4,
      };

/** Delay after replication attempt n (1-based): the kernel's backoff with this policy's base and cap. */
export const replicationBackoffMs = (p: FilesPolicy, attempt: number): number =>
  backoffMs({ baseMs: p.replicationBaseBackoffMs, maxMs: p.replicationMaxBackoffMs }, attempt);
