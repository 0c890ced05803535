/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The reliability suite has its own config and script: jest.reliability.config.js.
  // So have the event bus's broker tests (real Redis and NATS, over a minute), in test/bus/brokers:
  // jest.bus.config.js, `npm run test:bus`. The bus's other tests (test/bus/*.test.ts) run here.
  // And the rotation suite (Debian's logrotate under load, test/rotation): jest.rotation.config.js.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/reliability/', '<rootDir>/test/bus/brokers/', '<rootDir>/test/rotation/'],
  transform: {
    // tsconfig sets isolatedModules, so ts-jest only transpiles; type errors are
    // caught by `npm run typecheck`, which `npm test` runs first.
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 20000,
};
