// Unit and e2e tests (embedded mode: no Kafka, no PostgreSQL server needed).
const aliases = [
  'kernel',
  'gm-crypto',
  'platform',
  'contracts',
  'messaging',
  'federation',
  'files',
  'webhooks',
  'catalogue',
  'affairs',
  'credentials',
  'social-insurance',
  'medical-settlement',
  'node',
];

/** @type {import('jest').Config} */
export const base = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    ...Object.fromEntries(aliases.map((a) => [`^@guangfo/${a}$`, `<rootDir>/libs/${a}/src/index.ts`])),
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 60000,
};

export default {
  ...base,
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '<rootDir>/test/e2e/**/*.e2e-spec.ts'],
};
