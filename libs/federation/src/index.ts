// @guangfo/federation — how city nodes know each other: announcements, the cities view, node identity,
// node-to-node request signing (interchange), and the embedded transport's delivery endpoint. The library's only barrel.
export * from './node-identity.js';
export { AnnouncementService, type PeerAnnouncementView } from './announcement.service.js';
export { CitiesService, type CitiesView } from './cities.service.js';
export { FederationModule, type FederationOptions } from './federation.module.js';
export {
  INTERCHANGE_HEADERS,
  INTERCHANGE_MAX_SKEW_MS,
  interchangeSigningString,
  signInterchangeRequest,
  verifyInterchangeSignature,
  authenticateInterchangeRequest,
  MemoryNonceStore,
  type NonceStore,
  type InterchangeVerdict,
  type InterchangeSignRequest,
} from './interchange/interchange-signature.js';
export { DbNonceStore } from './interchange/interchange-nonce.store.js';
export { InterchangeSignatureGuard, type InterchangeRequest } from './interchange/interchange.guard.js';
export { InterchangeEventsController } from './interchange/interchange-events.controller.js';
