import 'reflect-metadata';
import {
  assertEncryptionKeyPinned,
  assertSigningKeyPinned,
  composeCityNode,
  createCityNodeApp,
  createEmbeddedHttpTransport,
} from '@guangfo/node';
import { type CityProcessMessage, SANDBOX_CITY_ENV, type SandboxCitySpec } from './city-process.protocol.js';
import { SandboxSeeds } from './sandbox-seeds.js';

/**
 * One city node of `npm start`, in its own process, forked by the sandbox supervisor (main.ts): the
 * node's database is on the supervisor's embedded PostgreSQL, events go to and come from the other
 * cities' processes over signed loopback HTTP (the embedded transport's `HttpExchange` and the
 * delivery endpoint). Tells the supervisor when it listens; stops on SIGINT / SIGTERM, or when the
 * supervisor is gone (the IPC channel closes).
 */
const main = async (): Promise<void> => {
  const raw = process.env[SANDBOX_CITY_ENV];
  if (!raw || !process.send)
    throw new Error(
      `city-process.js is started by the sandbox (npm start), not by hand (${SANDBOX_CITY_ENV} and an IPC channel are missing)`,
    );
  const spec = JSON.parse(raw) as SandboxCitySpec;
  const seeds = new SandboxSeeds(spec.settings.seedsDir ?? 'seeds');
  const config = seeds.nodeConfig(spec.city, spec.settings, spec.databaseUrl);
  assertSigningKeyPinned(config, seeds.registry);
  assertEncryptionKeyPinned(config, seeds.registry);
  const transport = createEmbeddedHttpTransport(config, seeds.registry);
  const app = await createCityNodeApp(composeCityNode(config, seeds.registry, transport, seeds.demo));

  let stopping: Promise<void> | undefined;
  // The transport first: stop taking deliveries (peers retry) and give up ours in flight, then the node.
  const stop = (): Promise<void> =>
    (stopping ??= transport
      .stop()
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`[${spec.city}] stop failed: ${(err as Error).stack ?? String(err)}\n`);
          process.exit(1);
        },
      ));
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());

  await app.listen(config.port, config.host);
  await seeds.seedPartners(spec.city, app);
  await seeds.seedSocialInsurance(spec.city, app);
  const ready: CityProcessMessage = { type: 'ready', city: spec.city, pid: process.pid, url: `http://${config.host}:${config.port}` };
  process.send(ready);
};

main().catch((err: unknown) => {
  process.stderr.write(`[sandbox city node] ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
