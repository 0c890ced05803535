/**
 * The event bus's broker suite (`npm run test:bus`, test/bus/brokers): real Redis and
 * NATS JetStream on 127.0.0.1, producer and consumer child processes, broker restarts.
 * Not part of `npm test` (jest.config.js leaves test/bus/brokers out): it takes over a
 * minute. The bus's tests that need no broker (test/bus/*.test.ts) run in `npm test`. Under
 * REQUIRE_REDIS=1 / REQUIRE_NATS=1 (as .ci/run sets) a missing broker fails the suite.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/bus/brokers'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  // One file at a time: the broker tests each run several processes on a 2-core machine.
  maxWorkers: 1,
  testTimeout: 120000,
  verbose: true,
};
