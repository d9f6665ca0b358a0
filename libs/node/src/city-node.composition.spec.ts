import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { InterchangeEventsController } from '@guangfo/federation';
import { generateSealingKey, generateSm2KeyPair } from '@guangfo/gm-crypto';
import { type CityTransport, EmbeddedTransport, EmbeddedExchange, HttpExchange, KafkaTransport } from '@guangfo/messaging';
import { CityRegistry, type NodeConfig, NODE_VERSION } from '@guangfo/platform';
import { composeCityNode } from './city-node.composition.js';
import { createEmbeddedHttpTransport } from './embedded-http.transport.js';

const registry = CityRegistry.fromFile(resolve('seeds/cities.yaml'), true);
const config: NodeConfig = {
  cityCode: '440100',
  host: '127.0.0.1',
  port: 3000,
  databaseUrl: 'postgres://nobody@127.0.0.1:1/none',
  transport: { kind: 'embedded' },
  signingKey: { keyId: 'gz-test', privateKeyHex: generateSm2KeyPair().privateKey },
  encryptionKey: { keyId: 'gz-enc-test', privateKeyHex: generateSm2KeyPair().privateKey },
  sealingKeys: [generateSealingKey('gz-seal-test')],
  identity: {
    issuer: 'test',
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
  peerApiBaseUrls: { '440600': 'http://127.0.0.1:3001' },
  outbound: { allowLoopback: true, allowedNetworks: [] },
  webhookLoopback: false,
};

const controllersOf = (transport: CityTransport) =>
  composeCityNode(config, registry, transport).modules.flatMap((m) => m.controllers ?? []);

describe('the composition of a city node: where peers deliver events', () => {
  it('takes signed peer deliveries (POST /api/v1/interchange/events) on the embedded transport only, never with Kafka', () => {
    expect(controllersOf(new EmbeddedTransport('440100', registry, new EmbeddedExchange()))).toContain(InterchangeEventsController);
    expect(controllersOf(createEmbeddedHttpTransport(config, registry))).toContain(InterchangeEventsController);
    const kafka = new KafkaTransport({ cityCode: '440100', brokers: ['127.0.0.1:1'], clientId: 'composition-spec', registry });
    expect(controllersOf(kafka)).not.toContain(InterchangeEventsController);
  });

  it('builds the embedded transport of a node process on the HTTP link', () => {
    const transport = createEmbeddedHttpTransport(config, registry) as unknown as { exchange: unknown };
    expect(transport.exchange).toBeInstanceOf(HttpExchange);
  });
});
