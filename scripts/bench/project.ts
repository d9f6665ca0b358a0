// The project code the benchmarks use, in one place: libraries through their barrels only, the
// sandbox (an app) by relative import. When a library moves code behind another barrel, fix it here.
export { Sandbox } from '../../apps/sandbox/src/sandbox.js';
export { freePort } from '../../apps/sandbox/src/embedded-database.js';
export { AuditService, NODE_VERSION, type NodeConfig } from '@guangfo/platform';
export { KafkaTransport, OutboxService, toTransportMessage, type SignedEvent, type TransportMessage } from '@guangfo/messaging';
export { NODE_IDENTITY, type NodeIdentity } from '@guangfo/federation';
export { composeCityNode, createCityNodeApp, startCityNodeApp } from '@guangfo/node';
export { consumerGroup, type MedicalStatementChunk, type MedicalStatementIssued, NodeAnnouncedV1 } from '@guangfo/contracts';
export {
  chunkItems,
  ClearingRepository,
  itemsDigest,
  StatementInbound,
  statementChunkItems,
  statementItems,
  type StatementLine,
  statementTotals,
} from '@guangfo/medical-settlement';
