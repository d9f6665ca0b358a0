import 'reflect-metadata';
import { KAFKA_NODE_ENV, type KafkaNodeSpec } from './kafka.js';
import { composeCityNode, createCityNodeApp, KafkaTransport, type NodeConfig, Sandbox, startCityNodeApp } from './project.js';

/**
 * One city node of the Kafka benchmark in a process of its own (forked by `startKafkaNodes`), as each city runs in
 * production and as `npm start` runs them: the sandbox's configuration of the city (demo keys, relay settings) with the
 * Kafka transport and a database on the PostgreSQL server, exactly as the in-process node of the other city. Tells the
 * parent when it listens; stops when the parent closes the IPC channel (or is gone).
 */
const main = async (): Promise<void> => {
  const raw = process.env[KAFKA_NODE_ENV];
  if (!raw || !process.send) throw new Error(`kafka-node.process.js is forked by the benchmark (${KAFKA_NODE_ENV} and IPC missing)`);
  const spec = JSON.parse(raw) as KafkaNodeSpec;
  const sandbox = new Sandbox({ dataDir: spec.dataDir, ports: spec.ports, logLevel: spec.logLevel });
  const clientId = `guangfo-node-${spec.city}`;
  const config: NodeConfig = {
    ...sandbox.configFor(spec.city),
    databaseUrl: spec.databaseUrl,
    transport: { kind: 'kafka', brokers: spec.brokers, clientId },
  };
  const transport = new KafkaTransport({ cityCode: spec.city, brokers: spec.brokers, clientId, registry: sandbox.registry });
  const app = await createCityNodeApp(composeCityNode(config, sandbox.registry, transport, sandbox.demo));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`[bench kafka node ${spec.city}] stop failed: ${(err as Error).stack ?? String(err)}\n`);
        process.exit(1);
      },
    ));
  process.on('disconnect', () => void stop());
  await startCityNodeApp(app, config.host, config.port);
  process.send({ type: 'ready', pid: process.pid });
};

main().catch((err: unknown) => {
  process.stderr.write(`[bench kafka node] ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
