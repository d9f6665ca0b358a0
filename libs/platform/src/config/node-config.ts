import { resolve } from 'node:path';
import { z } from 'zod';
import { readSecret } from './secret.js';

/** The resolved configuration of one city node. Libraries read this, never `process.env`. */
export interface NodeConfig {
  readonly cityCode: string;
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly transport: { readonly kind: 'kafka'; readonly brokers: string[]; readonly clientId: string } | { readonly kind: 'embedded' };
  readonly signingKey: { readonly keyId: string; readonly privateKeyHex: string };
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
  readonly maxDeliveryAttempts: number;
  readonly retryBaseMs: number;
  readonly nodeVersion: string;
  /** Base URLs of peer nodes (overrides the registry's apiBaseUrl), for node-to-node HTTP. */
  readonly peerApiBaseUrls: Readonly<Record<string, string>>;
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
  JWT_PUBLIC_KEY: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be the identity provider\'s ES256 public key in PEM (or set JWT_PUBLIC_KEY_FILE)' }),
  JWT_ISSUER: z.string().min(1, 'must name the identity provider that issues tokens'),
  CITY_REGISTRY_FILE: z.string().default('seeds/cities.yaml'),
  CATALOGUE_DIR: z.string().default('seeds/catalogue'),
  CALENDAR_DIR: z.string().default('seeds/calendar'),
  DB_MIGRATE_ON_START: bool.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ANNOUNCE_INTERVAL_SECONDS: int(300, 1, 86400),
  RELAY_POLL_MS: int(250, 10, 60000),
  EVENT_MAX_ATTEMPTS: int(5, 1, 50),
  EVENT_RETRY_BASE_MS: int(200, 1, 60000),
  PEER_API_BASE_URLS: z
    .string()
    .regex(/^\d{6}=https?:\/\/[^,\s]+(,\d{6}=https?:\/\/[^,\s]+)*$/, 'must look like 440100=http://gz-node:3000,440600=http://fs-node:3000')
    .optional(),
});

/** Every variable a city node requires (no default). docker-compose must set each of them. */
export const REQUIRED_CITY_NODE_ENV = Object.entries(cityNodeEnvSchema.shape)
  .filter(([, s]) => !(s as z.ZodType).safeParse(undefined).success)
  .map(([k]) => k);

export class ConfigError extends Error {}

const formatIssues = (error: z.ZodError): string =>
  error.issues.map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');

export const NODE_VERSION = '0.1.0';

export const loadCityNodeConfig = (env: NodeJS.ProcessEnv): NodeConfig => {
  let withSecrets: NodeJS.ProcessEnv;
  try {
    withSecrets = {
      ...env,
      EVENT_SIGNING_KEY: readSecret(env, 'EVENT_SIGNING_KEY'),
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
  return {
    cityCode: e.CITY_CODE,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    transport: { kind: 'kafka', brokers: e.KAFKA_BROKERS.split(','), clientId: e.KAFKA_CLIENT_ID ?? `guangfo-node-${e.CITY_CODE}` },
    signingKey: { keyId: e.EVENT_SIGNING_KEY_ID, privateKeyHex: e.EVENT_SIGNING_KEY.toLowerCase() },
    identity: { issuer: e.JWT_ISSUER, publicKeyPem: e.JWT_PUBLIC_KEY },
    registryFile: resolve(e.CITY_REGISTRY_FILE),
    catalogueDir: resolve(e.CATALOGUE_DIR),
    calendarDir: resolve(e.CALENDAR_DIR),
    sandbox: false,
    migrateOnStart: e.DB_MIGRATE_ON_START,
    logLevel: e.LOG_LEVEL,
    announceIntervalMs: e.ANNOUNCE_INTERVAL_SECONDS * 1000,
    relayPollMs: e.RELAY_POLL_MS,
    maxDeliveryAttempts: e.EVENT_MAX_ATTEMPTS,
    retryBaseMs: e.EVENT_RETRY_BASE_MS,
    nodeVersion: NODE_VERSION,
    peerApiBaseUrls: Object.fromEntries((e.PEER_API_BASE_URLS ?? '').split(',').filter(Boolean).map((p) => [p.slice(0, 6), p.slice(7).replace(/\/$/, '')])),
  };
};

/** The base URL of a peer city's node: configuration first, then the registry. */
export const peerApiBaseUrl = (config: NodeConfig, registryUrl: string | undefined, city: string): string | undefined =>
  config.peerApiBaseUrls[city] ?? registryUrl?.replace(/\/$/, '');
