/**
 * The rotation suite (`npm run test:rotation`, test/rotation): Debian's real
 * `logrotate` rotating the tracking.log of a server under load, in create mode (with
 * compress, with and without delaycompress) and in copytruncate mode. Not part of
 * `npm test` (jest.config.js leaves test/rotation out). Its server runs the built
 * package, so build first (the npm script does). Under REQUIRE_LOGROTATE=1 (as .ci/run
 * sets) a missing /usr/sbin/logrotate fails the suite.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/rotation'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  maxWorkers: 1,
  testTimeout: 180000,
  verbose: true,
};
