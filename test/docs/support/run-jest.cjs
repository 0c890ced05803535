// Runs a jest test file with the real jest, in a child process, for the fixtures.
'use strict';
const { execFile } = require('node:child_process');
const { readFileSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');

/** Runs jest on `file` (its folder is the root) with `env` added; resolves with jest's --json results and its output. */
function runJest(file, env = {}) {
  const results = join(mkdtempSync(join(tmpdir(), 'docs-jest-')), 'results.json');
  const config = { rootDir: dirname(file), testEnvironment: 'node', transform: {}, testRegex: '\\.test\\.[cm]?js$' };
  const args = [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--ci', '--json', '--outputFile', results, '--runTestsByPath', file];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env: { ...process.env, FORCE_COLOR: '0', ...env }, timeout: 60000 }, (error, stdout, stderr) => {
      let json;
      try {
        json = JSON.parse(readFileSync(results, 'utf8'));
      } catch {
        json = undefined;
      }
      resolve({ json, output: `${stdout}${stderr}` });
    });
  });
}

/** The names of the tests of a jest --json result with the given status. */
function testsWith(json, status) {
  return json.testResults.flatMap((file) => file.assertionResults.filter((test) => test.status === status).map((test) => test.fullName));
}

module.exports = { runJest, testsWith };
