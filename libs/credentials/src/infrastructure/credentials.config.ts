import { ConfigError, readSecret } from '@guangfo/platform';
import { z } from 'zod';

import { STALE_STATUS_POLICIES, type StaleStatusPolicy } from '../domain/freshness.js';

export { STALE_STATUS_POLICIES, type StaleStatusPolicy };

/** The credentials domain's own settings, read from the environment (all optional, with defaults). */
export interface CredentialsConfig {
  /** How old (issuer clock) the replicated status of a city may be before it counts as stale. */
  readonly statusMaxAgeSeconds: number;
  /** What a stale status does to a verification: reject (STATUS_STALE reason) or accept with a STATUS_STALE warning. */
  readonly staleStatusPolicy: StaleStatusPolicy;
  /** How often this city re-broadcasts its registry checkpoint (status heartbeat). Must be shorter than the max age. */
  readonly heartbeatSeconds: number;
  /** Default and maximum lifetime of a presentation token. */
  readonly presentationDefaultTtlSeconds: number;
  readonly presentationMaxTtlSeconds: number;
  /**
   * Legacy: the 128-bit SM4 key (32 hex digits) that sealed issuer private keys before the
   * data-sealing keyring (DATA_SEALING_KEYS). Read only by the migration that re-seals those rows.
   */
  readonly keyEncryptionKey?: string;
  /** The issuing-authority seed (bodies allowed to issue each credential type, halls → bodies); default: seeds/issuing-authorities.yaml. */
  readonly issuingAuthoritiesFile?: string;
}

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

export const credentialsEnvSchema = z
  .object({
    CREDENTIAL_STATUS_MAX_AGE_SECONDS: int(3600, 1, 30 * 86400),
    CREDENTIAL_STALE_STATUS_POLICY: z
      .enum(STALE_STATUS_POLICIES, { error: `must be one of ${STALE_STATUS_POLICIES.join(', ')}` })
      .default('fail-closed'),
    CREDENTIAL_STATUS_HEARTBEAT_SECONDS: int(300, 1, 86400),
    CREDENTIAL_PRESENTATION_TTL_SECONDS: int(600, 10, 86400),
    CREDENTIAL_PRESENTATION_MAX_TTL_SECONDS: int(3600, 10, 7 * 86400),
    CREDENTIAL_KEY_ENCRYPTION_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{32}$/, 'must be a 128-bit SM4 key written as 32 hex digits (or set CREDENTIAL_KEY_ENCRYPTION_KEY_FILE)')
      .optional(),
    CREDENTIAL_ISSUING_AUTHORITIES_FILE: z.string().min(1).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.CREDENTIAL_STATUS_HEARTBEAT_SECONDS >= e.CREDENTIAL_STATUS_MAX_AGE_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['CREDENTIAL_STATUS_HEARTBEAT_SECONDS'],
        message: `must be shorter than CREDENTIAL_STATUS_MAX_AGE_SECONDS (${e.CREDENTIAL_STATUS_MAX_AGE_SECONDS}), or every peer sees this city's status go stale between heartbeats`,
      });
    }
    if (e.CREDENTIAL_PRESENTATION_TTL_SECONDS > e.CREDENTIAL_PRESENTATION_MAX_TTL_SECONDS) {
      ctx.addIssue({
        code: 'custom',
        path: ['CREDENTIAL_PRESENTATION_TTL_SECONDS'],
        message: 'must not exceed CREDENTIAL_PRESENTATION_MAX_TTL_SECONDS',
      });
    }
  });

/**
 * Reads and validates the credentials settings. Throws the platform's ConfigError naming each bad
 * variable, so a node refuses to start with a clear message. `overrides` (tests, embedding apps)
 * win over the environment.
 */
export const loadCredentialsConfig = (env: NodeJS.ProcessEnv, overrides: Partial<CredentialsConfig> = {}): CredentialsConfig => {
  let kek: string | undefined;
  try {
    kek = readSecret(env, 'CREDENTIAL_KEY_ENCRYPTION_KEY');
  } catch (err) {
    throw new ConfigError(`Invalid configuration (credentials):\n  - ${(err as Error).message}`);
  }
  const parsed = credentialsEnvSchema.safeParse({ ...env, CREDENTIAL_KEY_ENCRYPTION_KEY: kek });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new ConfigError(`Invalid configuration (credentials):\n${lines}`);
  }
  const e = parsed.data;
  const config: CredentialsConfig = {
    statusMaxAgeSeconds: e.CREDENTIAL_STATUS_MAX_AGE_SECONDS,
    staleStatusPolicy: e.CREDENTIAL_STALE_STATUS_POLICY,
    heartbeatSeconds: e.CREDENTIAL_STATUS_HEARTBEAT_SECONDS,
    presentationDefaultTtlSeconds: e.CREDENTIAL_PRESENTATION_TTL_SECONDS,
    presentationMaxTtlSeconds: e.CREDENTIAL_PRESENTATION_MAX_TTL_SECONDS,
    ...(e.CREDENTIAL_KEY_ENCRYPTION_KEY ? { keyEncryptionKey: e.CREDENTIAL_KEY_ENCRYPTION_KEY.toLowerCase() } : {}),
    ...(e.CREDENTIAL_ISSUING_AUTHORITIES_FILE ? { issuingAuthoritiesFile: e.CREDENTIAL_ISSUING_AUTHORITIES_FILE } : {}),
    ...overrides,
  };
  return config;
};

/** DI token of the resolved CredentialsConfig. */
export const CREDENTIALS_CONFIG = Symbol('CREDENTIALS_CONFIG');
