// Integration suite (built first): real Kafka broker + real PostgreSQL server, nodes as separate processes; and the
// multi-process embedded sandbox of `npm start` (no Kafka, no PostgreSQL server).
import { base } from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.int-spec.ts'],
  testTimeout: 180000,
};
