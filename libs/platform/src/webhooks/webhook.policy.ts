import type { NodeConfig } from '../config/node-config.js';

/** How hard the dispatcher tries. Injected as WEBHOOK_POLICY (override it in a test module if needed). */
export interface WebhookPolicy {
  maxAttempts: number;
  /** Backoff after attempt n (1-based): min(maxBackoffMs, baseBackoffMs × 2^(n−1)). */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Per attempt: connect + response. */
  timeoutMs: number;
  pollMs: number;
  /** Deliveries claimed per pass (and sent in parallel). */
  batchSize: number;
  /** Loopback/private endpoints (sandbox only). */
  allowPrivateEndpoints: boolean;
}

export const WEBHOOK_POLICY = Symbol('WEBHOOK_POLICY');

export const webhookPolicyFor = (config: NodeConfig): WebhookPolicy =>
  config.sandbox
    ? { maxAttempts: 4, baseBackoffMs: config.retryBaseMs, maxBackoffMs: 2_000, timeoutMs: 5_000, pollMs: config.relayPollMs, batchSize: 20, allowPrivateEndpoints: true }
    : { maxAttempts: 8, baseBackoffMs: 30_000, maxBackoffMs: 3_600_000, timeoutMs: 5_000, pollMs: Math.max(config.relayPollMs, 1_000), batchSize: 20, allowPrivateEndpoints: false };

export const webhookBackoffMs = (policy: Pick<WebhookPolicy, 'baseBackoffMs' | 'maxBackoffMs'>, attempt: number): number =>
  Math.min(policy.maxBackoffMs, policy.baseBackoffMs * 2 ** Math.min(Math.max(attempt - 1, 0), 20));
