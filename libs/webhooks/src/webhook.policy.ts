import { backoffMs } from '@guangfo/kernel';
import type { NodeConfig, OutboundPolicy } from '@guangfo/platform';

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
  /** Where partner endpoints may be: public addresses; loopback only by explicit setting (WEBHOOK_ALLOW_LOOPBACK, the sandbox's SANDBOX_WEBHOOK_LOOPBACK). Never private networks. */
  outbound: OutboundPolicy;
}

export const WEBHOOK_POLICY = Symbol('WEBHOOK_POLICY');

export const webhookPolicyFor = (config: NodeConfig): WebhookPolicy => {
  const outbound: OutboundPolicy = { allowLoopback: config.webhookLoopback, allowedNetworks: [] };
  return config.sandbox
    ? {
        maxAttempts: 4,
        baseBackoffMs: config.retryBaseMs,
        maxBackoffMs: 2_000,
        timeoutMs: 5_000,
        pollMs: config.relayPollMs,
        batchSize: 20,
        outbound,
      }
    : {
        maxAttempts: 8,
        baseBackoffMs: 30_000,
        maxBackoffMs: 3_600_000,
        timeoutMs: 5_000,
        pollMs: Math.max(config.relayPollMs, 1_000),
        batchSize: 20,
        outbound,
      };
};

export const webhookBackoffMs = (policy: Pick<WebhookPolicy, 'baseBackoffMs' | 'maxBackoffMs'>, attempt: number): number =>
  backoffMs({ baseMs: policy.baseBackoffMs, maxMs: policy.maxBackoffMs }, attempt);
