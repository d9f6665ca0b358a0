import type { EventContract } from './event-type.js';
import { NodeAnnouncedV1 } from './events/node-announced.event.js';
import { AFFAIRS_EVENT_CONTRACTS } from './events/affairs/index.js';
import { CREDENTIALS_EVENT_CONTRACTS } from './events/credentials/index.js';
import { SOCIAL_INSURANCE_EVENT_CONTRACTS } from './events/social-insurance/index.js';
import { MEDICAL_EVENT_CONTRACTS } from './events/medical/index.js';

/** Every event type the system accepts. Unknown types are dead-lettered at the edge. */
export const EVENT_CONTRACTS: readonly EventContract<any>[] = [
  NodeAnnouncedV1,
  ...CREDENTIALS_EVENT_CONTRACTS,
  ...AFFAIRS_EVENT_CONTRACTS,
  ...SOCIAL_INSURANCE_EVENT_CONTRACTS,
  ...MEDICAL_EVENT_CONTRACTS,
];

export const findContract = (type: string): EventContract<unknown> | undefined => EVENT_CONTRACTS.find((c) => c.type === type);
