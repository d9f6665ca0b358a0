// Cross-city integration suite: real Kafka broker + real PostgreSQL server, nodes as separate processes.
import { base } from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/integration'],
  testMatch: ['**/*.int-spec.ts'],
  testTimeout: 180000,
};
