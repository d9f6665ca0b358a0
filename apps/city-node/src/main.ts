import 'reflect-metadata';
import { KafkaTransport } from '@guangfo/messaging';
import { assertEncryptionKeyPinned, assertSigningKeyPinned, composeCityNode, createCityNodeApp, startCityNodeApp } from '@guangfo/node';
import { CityRegistry, ConfigError, loadCityNodeConfig } from '@guangfo/platform';

/** One city node, every domain, against an external PostgreSQL and Kafka (configured by env). */
const main = async (): Promise<void> => {
  const config = loadCityNodeConfig(process.env);
  const registry = CityRegistry.fromFile(config.registryFile, false);
  assertSigningKeyPinned(config, registry);
  assertEncryptionKeyPinned(config, registry);
  if (config.transport.kind !== 'kafka') throw new ConfigError('a standalone city node needs KAFKA_BROKERS');
  const transport = new KafkaTransport({
    cityCode: config.cityCode,
    brokers: config.transport.brokers,
    clientId: config.transport.clientId,
    registry,
  });
  const app = await createCityNodeApp(composeCityNode(config, registry, transport));
  app.enableShutdownHooks();
  await startCityNodeApp(app, config.host, config.port);
  process.stdout.write(`city node ${config.cityCode} listening on http://${config.host}:${config.port} (docs at /docs)\n`);
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
  process.exit(1);
});
