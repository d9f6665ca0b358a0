// Browser suite (built first): the web console (apps/console) in headless Chromium (playwright-core, the system's
// /usr/bin/chromium) against `npm start`'s sandbox, one process per city.
import { base } from './jest.config.js';

export default {
  ...base,
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser-spec.ts'],
  testTimeout: 300000,
};
