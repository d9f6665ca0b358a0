// The project code the benchmarks use, in one place: libraries through their barrels only, the
// sandbox (an app) by relative import. When a library moves code behind another barrel, fix it here.
export { Sandbox } from '../../apps/sandbox/src/sandbox.js';
export { freePort } from '../../apps/sandbox/src/embedded-database.js';
export {
  AuditService,
  createCityNodeApp,
  KafkaTransport,
  NODE_IDENTITY,
  NODE_VERSION,
  OutboxService,
  startCityNodeApp,
  toTransportMessage,
  type NodeConfig,
  type NodeIdentity,
  type SignedEvent,
  type TransportMessage,
} from '@guangfo/platform';
export { composeCityNode } from '@guangfo/node';
export { consumerGroup, NodeAnnouncedV1 } from '@guangfo/contracts';
