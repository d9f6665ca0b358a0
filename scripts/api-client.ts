import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { generateSealingKey, generateSm2KeyPair } from '@guangfo/gm-crypto';
import { EmbeddedExchange, EmbeddedTransport } from '@guangfo/messaging';
import { composeCityNode, openApiDocumentOf } from '@guangfo/node';
import { CityRegistry, type NodeConfig, NODE_VERSION } from '@guangfo/platform';

/** Where the web console's generated API types live (committed; a spec checks they are fresh). */
export const API_SCHEMA_FILE = 'apps/console/src/api/schema.d.ts';

/** A node's configuration for composing it only (never started: no database, no keys that matter). */
const compositionConfig = (): NodeConfig => ({
  cityCode: '440100',
  host: '127.0.0.1',
  port: 0,
  databaseUrl: 'postgres://nobody@127.0.0.1:1/none',
  transport: { kind: 'embedded' },
  signingKey: { keyId: 'openapi', privateKeyHex: generateSm2KeyPair().privateKey },
  encryptionKey: { keyId: 'openapi-enc', privateKeyHex: generateSm2KeyPair().privateKey },
  sealingKeys: [generateSealingKey('openapi-seal')],
  identity: {
    issuer: 'openapi',
    publicKeyPem: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  },
  registryFile: resolve('seeds/cities.yaml'),
  catalogueDir: resolve('seeds/catalogue'),
  calendarDir: resolve('seeds/calendar'),
  sandbox: false,
  migrateOnStart: false,
  logLevel: 'silent',
  announceIntervalMs: 300_000,
  relayPollMs: 100,
  maxDeliveryAttempts: 3,
  retryBaseMs: 50,
  nodeVersion: NODE_VERSION,
  peerApiBaseUrls: {},
  outbound: { allowLoopback: false, allowedNetworks: [] },
  webhookLoopback: false,
});

/** The OpenAPI document of a city node, composed the way the node composes itself (every domain). */
export const nodeOpenApiDocument = async (): Promise<Record<string, unknown>> => {
  const config = compositionConfig();
  const registry = CityRegistry.fromFile(config.registryFile, true);
  const transport = new EmbeddedTransport(config.cityCode, registry, new EmbeddedExchange());
  return (await openApiDocumentOf(composeCityNode(config, registry, transport))) as unknown as Record<string, unknown>;
};

/** The TypeScript types of the API (openapi-typescript), as written to API_SCHEMA_FILE. */
export const generateApiSchema = async (): Promise<string> => {
  const doc = await nodeOpenApiDocument();
  const ast = await openapiTS(doc as never, { alphabetize: true });
  return `// Generated from the city node's OpenAPI document by \`npm run console:api\` (scripts/generate-api-client.ts) — do not edit.\n${astToString(ast)}`;
};
