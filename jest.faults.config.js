// Fault drills (built first, like the integration suite): real Kafka broker + real PostgreSQL server, each city node
// its own process; nodes, the broker (scripts/kafka.sh kill / start, storage kept) and the databases are made to fail
// while events flow. `npm run test:faults`; the table of the last run is written to .cache/faults-table.md.
import { base } from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/faults'],
  testMatch: ['**/*.fault-spec.ts'],
  testTimeout: 300000,
};
