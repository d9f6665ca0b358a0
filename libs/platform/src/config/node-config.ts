import { resolve } from 'node:path';
import { z } from 'zod';
import { parseSealingKeys, type SealingKey } from '@guangfo/gm-crypto';
import { type OutboundPolicy, parseAllowedNetworks } from '../outbound/outbound-policy.js';
import { readSecret } from './secret.js';

/** Fixed-window request limits (see README, Rate limits). */
export interface RateLimitConfig {
  readonly windowSeconds: number;
  /** Every request from one client IP. */
  readonly perIp: number;
  /** Every authenticated request of one principal (user or partner system). */
  readonly perPrincipal: number;
  /** POST /api/v1/auth/token from one client IP. */
  readonly tokenPerIp: number;
}

/** The resolved configuration of one city node. Libraries read this, never `process.env`. */
export interface NodeConfig {
  readonly cityCode: string;
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly transport: { readonly kind: 'kafka'; readonly brokers: string[]; readonly clientId: string } | { readonly kind: 'embedded' };
  readonly signingKey: { readonly keyId: string; readonly privateKeyHex: string };
  /** Opens the personal data peers sealed to this city (SM2 encryption key pair of its own, pinned in the registry). */
  readonly encryptionKey: { readonly keyId: string; readonly privateKeyHex: string };
  /** The data-sealing keyring (data at rest), newest first: its own keys, never derived from the signing key. */
  readonly sealingKeys: readonly SealingKey[];
  /** The identity provider (统一身份认证) whose ES256 tokens this node accepts. */
  readonly identity: { readonly issuer: string; readonly publicKeyPem: string };
  readonly registryFile: string;
  readonly catalogueDir: string;
  /** Directory of the working-day calendar's year files (`<year>.yaml`, one State Council notice each). */
  readonly calendarDir: string;
  /** Sandbox mode: demo secrets and the demo token endpoint are accepted only here. */
  readonly sandbox: boolean;
  readonly migrateOnStart: boolean;
  readonly logLevel: string;
  readonly announceIntervalMs: number;
  readonly relayPollMs: number;
  /** How long the outbox relay holds a claimed batch (default 2 min): rows of a relay that died are claimable after it. */
  readonly relayLeaseMs?: number;
  readonly maxDeliveryAttempts: number;
  readonly retryBaseMs: number;
  readonly nodeVersion: string;
  /** Base URLs of peer nodes (overrides the registry's apiBaseUrl), for node-to-node HTTP. */
  readonly peerApiBaseUrls: Readonly<Record<string, string>>;
  /** Where node-to-node calls (peer file fetches) may connect: loopback and private networks only as configured. */
  readonly outbound: OutboundPolicy;
  /** Partner webhooks to loopback endpoints (http:// or https://): only by explicit setting, for local trials and tests. */
  readonly webhookLoopback: boolean;
  /** Request limits; absent = the production defaults. */
  readonly rateLimit?: RateLimitConfig;
  /** The identity provider the web console signs in with (OIDC authorization code + PKCE); absent = none configured. */
  readonly consoleOidc?: ConsoleOidcConfig;
}

/**
 * The web console's OpenID Connect client (a public client: no secret, PKCE S256). Everything here is public: the node
 * hands it to the console (GET /api/v1/auth/sign-in).
 */
export interface ConsoleOidcConfig {
  /** The provider's issuer URL; the console discovers the rest (`/.well-known/openid-configuration`). */
  readonly issuer: string;
  readonly clientId: string;
  /** Space-separated, `openid` first. */
  readonly scopes: string;
  /** RFC 8707 resource indicator of this API, sent with the authorization request when the provider needs one. */
  readonly resource?: string;
  /** The provider's name on the console's "sign in with …" button. */
  readonly displayName: string;
}

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

/** The env schema of a standalone city node (apps/city-node). Validated at boot; failures name the variable. */
export const cityNodeEnvSchema = z.object({
  CITY_CODE: z.string().regex(/^\d{6}$/, 'must be a 6-digit GB/T 2260 city code, e.g. 440100'),
  HOST: z.string().default('0.0.0.0'),
  PORT: int(3000, 1, 65535),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  KAFKA_BROKERS: z.string().regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port...]'),
  KAFKA_CLIENT_ID: z.string().optional(),
  EVENT_SIGNING_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a 64-hex-digit SM2 private key (or set EVENT_SIGNING_KEY_FILE)'),
  EVENT_SIGNING_KEY_ID: z.string().min(1, 'must name the key id pinned for this city in the registry'),
  EVENT_ENCRYPTION_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a 64-hex-digit SM2 private key (or set EVENT_ENCRYPTION_KEY_FILE)'),
  EVENT_ENCRYPTION_KEY_ID: z.string().min(1, 'must name the encryption key id pinned for this city in the registry'),
  DATA_SEALING_KEYS: z
    .string()
    .regex(
      /^\s*[A-Za-z0-9_-]{1,64}:[0-9a-fA-F]{64}\s*(,\s*[A-Za-z0-9_-]{1,64}:[0-9a-fA-F]{64}\s*)*$/,
      'must be keyId:64-hex-digit-key[,keyId:key...] (newest first; or set DATA_SEALING_KEYS_FILE)',
    )
    .refine((v) => new Set(parseSealingKeys(v).map((k) => k.keyId)).size === parseSealingKeys(v).length, 'names one key id twice'),
  JWT_PUBLIC_KEY: z
    .string()
    .includes('BEGIN PUBLIC KEY', { message: "must be the identity provider's ES256 public key in PEM (or set JWT_PUBLIC_KEY_FILE)" }),
  JWT_ISSUER: z.string().min(1, 'must name the identity provider that issues tokens'),
  CITY_REGISTRY_FILE: z.string().default('seeds/cities.yaml'),
  CATALOGUE_DIR: z.string().default('seeds/catalogue'),
  CALENDAR_DIR: z.string().default('seeds/calendar'),
  DB_MIGRATE_ON_START: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ANNOUNCE_INTERVAL_SECONDS: int(300, 1, 86400),
  RELAY_POLL_MS: int(250, 10, 60000),
  RELAY_LEASE_MS: int(120_000, 1_000, 3_600_000),
  EVENT_MAX_ATTEMPTS: int(5, 1, 50),
  EVENT_RETRY_BASE_MS: int(200, 1, 60000),
  RATE_LIMIT_WINDOW_SECONDS: int(60, 1, 3600),
  RATE_LIMIT_PER_IP: int(600, 1, 10_000_000),
  RATE_LIMIT_PER_PRINCIPAL: int(300, 1, 10_000_000),
  RATE_LIMIT_TOKEN_PER_IP: int(30, 1, 10_000_000),
  PEER_API_BASE_URLS: z
    .string()
    .regex(/^\d{6}=https?:\/\/[^,\s]+(,\d{6}=https?:\/\/[^,\s]+)*$/, 'must look like 440100=http://gz-node:3000,440600=http://fs-node:3000')
    .optional(),
  OUTBOUND_ALLOW_LOOPBACK: bool.default(false),
  OUTBOUND_ALLOWED_NETWORKS: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parseAllowedNetworks(v.split(',').filter(Boolean));
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a comma-separated CIDR list of private networks the peers are on: ${(err as Error).message}`,
        });
      }
    }),
  WEBHOOK_ALLOW_LOOPBACK: bool.default(false),
  CONSOLE_OIDC_ISSUER: z
    .string()
    .refine(isOidcIssuer, 'must be the https:// issuer URL of the identity provider (http:// only on loopback), no query or fragment')
    .optional(),
  CONSOLE_OIDC_CLIENT_ID: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be the console client id registered at the identity provider (printable ASCII, no spaces)')
    .optional(),
  CONSOLE_OIDC_SCOPES: z
    .string()
    .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'must be space-separated scope names')
    .refine((v) => v.split(' ').includes('openid'), 'must include openid')
    .default('openid'),
  CONSOLE_OIDC_RESOURCE: z
    .string()
    .refine((v) => URL.canParse(v) && !v.includes('#'), 'must be an absolute URI without fragment (RFC 8707)')
    .optional(),
  CONSOLE_OIDC_NAME: z.string().trim().min(1).max(60).optional(),
});

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An issuer URL (OpenID Connect Discovery §2): https, or http on loopback (local trials, tests); no query, no fragment. */
function isOidcIssuer(v: string): boolean {
  if (!URL.canParse(v)) return false;
  const u = new URL(v);
  if (u.search || u.hash || u.username || u.password) return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK_HOSTS.has(u.hostname));
}

/** The console's OIDC client from the environment: all or nothing (an issuer without a client id is an error, and the reverse). */
const consoleOidcOf = (e: z.infer<typeof cityNodeEnvSchema>): ConsoleOidcConfig | undefined => {
  if (e.CONSOLE_OIDC_ISSUER === undefined && e.CONSOLE_OIDC_CLIENT_ID === undefined) {
    if (e.CONSOLE_OIDC_RESOURCE !== undefined || e.CONSOLE_OIDC_NAME !== undefined)
      throw new ConfigError(
        'Invalid configuration (city node):\n  - CONSOLE_OIDC_ISSUER: must be set with the other CONSOLE_OIDC_* variables',
      );
    return undefined;
  }
  if (e.CONSOLE_OIDC_ISSUER === undefined)
    throw new ConfigError('Invalid configuration (city node):\n  - CONSOLE_OIDC_ISSUER: must be set with CONSOLE_OIDC_CLIENT_ID');
  if (e.CONSOLE_OIDC_CLIENT_ID === undefined)
    throw new ConfigError('Invalid configuration (city node):\n  - CONSOLE_OIDC_CLIENT_ID: must be set with CONSOLE_OIDC_ISSUER');
  return {
    issuer: e.CONSOLE_OIDC_ISSUER,
    clientId: e.CONSOLE_OIDC_CLIENT_ID,
    scopes: e.CONSOLE_OIDC_SCOPES,
    ...(e.CONSOLE_OIDC_RESOURCE !== undefined ? { resource: e.CONSOLE_OIDC_RESOURCE } : {}),
    displayName: e.CONSOLE_OIDC_NAME ?? new URL(e.CONSOLE_OIDC_ISSUER).host,
  };
};

/** The origin the console may connect to for its identity provider (discovery, token endpoint): the issuer's. */
export const consoleOidcOrigin = (c: ConsoleOidcConfig | undefined): string | undefined => (c ? new URL(c.issuer).origin : undefined);

/** Every variable a city node requires (no default). docker-compose must set each of them. */
export const REQUIRED_CITY_NODE_ENV = Object.entries(cityNodeEnvSchema.shape)
  .filter(([, s]) => !(s as z.ZodType).safeParse(undefined).success)
  .map(([k]) => k);

export class ConfigError extends Error {}

const formatIssues = (error: z.ZodError): string => error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');

export const NODE_VERSION = '0.1.0';

export const loadCityNodeConfig = (env: NodeJS.ProcessEnv): NodeConfig => {
  let withSecrets: NodeJS.ProcessEnv;
  try {
    withSecrets = {
      ...env,
      EVENT_SIGNING_KEY: readSecret(env, 'EVENT_SIGNING_KEY'),
      DATA_SEALING_KEYS: readSecret(env, 'DATA_SEALING_KEYS'),
      EVENT_ENCRYPTION_KEY: readSecret(env, 'EVENT_ENCRYPTION_KEY'),
      JWT_PUBLIC_KEY: readSecret(env, 'JWT_PUBLIC_KEY'),
    };
  } catch (err) {
    throw new ConfigError(`Invalid configuration:\n  - ${(err as Error).message}`);
  }
  const parsed = cityNodeEnvSchema.safeParse(withSecrets);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration (city node):\n${formatIssues(parsed.error)}`);
  }
  const e = parsed.data;
  const sealingKeys = parseSealingKeys(e.DATA_SEALING_KEYS);
  const consoleOidc = consoleOidcOf(e);
  if (e.EVENT_ENCRYPTION_KEY.toLowerCase() === e.EVENT_SIGNING_KEY.toLowerCase()) {
    throw new ConfigError(
      'Invalid configuration (city node):\n  - EVENT_ENCRYPTION_KEY: must be a key pair of its own, not the event-signing key',
    );
  }
  if (sealingKeys.some((k) => k.keyHex === e.EVENT_SIGNING_KEY.toLowerCase())) {
    throw new ConfigError(
      'Invalid configuration (city node):\n  - DATA_SEALING_KEYS: a sealing key must not be the event-signing key (generate its own with npm run keys:generate)',
    );
  }
  return {
    cityCode: e.CITY_CODE,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    transport: { kind: 'kafka', brokers: e.KAFKA_BROKERS.split(','), clientId: e.KAFKA_CLIENT_ID ?? `guangfo-node-${e.CITY_CODE}` },
    signingKey: { keyId: e.EVENT_SIGNING_KEY_ID, privateKeyHex: e.EVENT_SIGNING_KEY.toLowerCase() },
    encryptionKey: { keyId: e.EVENT_ENCRYPTION_KEY_ID, privateKeyHex: e.EVENT_ENCRYPTION_KEY.toLowerCase() },
    sealingKeys,
    identity: { issuer: e.JWT_ISSUER, publicKeyPem: e.JWT_PUBLIC_KEY },
    registryFile: resolve(e.CITY_REGISTRY_FILE),
    catalogueDir: resolve(e.CATALOGUE_DIR),
    calendarDir: resolve(e.CALENDAR_DIR),
    sandbox: false,
    migrateOnStart: e.DB_MIGRATE_ON_START,
    logLevel: e.LOG_LEVEL,
    announceIntervalMs: e.ANNOUNCE_INTERVAL_SECONDS * 1000,
    relayPollMs: e.RELAY_POLL_MS,
    relayLeaseMs: e.RELAY_LEASE_MS,
    maxDeliveryAttempts: e.EVENT_MAX_ATTEMPTS,
    retryBaseMs: e.EVENT_RETRY_BASE_MS,
    nodeVersion: NODE_VERSION,
    peerApiBaseUrls: Object.fromEntries(
      (e.PEER_API_BASE_URLS ?? '')
        .split(',')
        .filter(Boolean)
        .map((p) => [p.slice(0, 6), p.slice(7).replace(/\/$/, '')]),
    ),
    outbound: { allowLoopback: e.OUTBOUND_ALLOW_LOOPBACK, allowedNetworks: e.OUTBOUND_ALLOWED_NETWORKS.split(',').filter(Boolean) },
    webhookLoopback: e.WEBHOOK_ALLOW_LOOPBACK,
    rateLimit: {
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      perIp: e.RATE_LIMIT_PER_IP,
      perPrincipal: e.RATE_LIMIT_PER_PRINCIPAL,
      tokenPerIp: e.RATE_LIMIT_TOKEN_PER_IP,
    },
    ...(consoleOidc ? { consoleOidc } : {}),
  };
};

/** The base URL of a peer city's node: configuration first, then the registry. */
export const peerApiBaseUrl = (config: NodeConfig, registryUrl: string | undefined, city: string): string | undefined =>
  config.peerApiBaseUrls[city] ?? registryUrl?.replace(/\/$/, '');
