/**
 * The reliability and security suite (`npm run test:reliability`): load, shutdown,
 * faults, malformed input, crashes and privacy, on 127.0.0.1 only. Not part of
 * `npm test` (jest.config.js leaves test/reliability out). Its child processes run
 * the built package, so build first (the npm script does).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  // One file at a time: the load and memory figures mean something only on a quiet machine.
  maxWorkers: 1,
  testTimeout: 120000,
  // Figures are printed with console.log; keep them readable.
  verbose: true,
};
