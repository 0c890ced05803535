// Small helpers for the fixtures' checks: reading tracking.log, comparing a part of a
// value, waiting for something to happen.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { isDeepStrictEqual } = require('node:util');

/** The events of a tracking.log, one parsed line each; [] when the file does not exist. */
function readLog(file = 'tracking.log') {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/**
 * Where `actual` differs from `expected`, which may leave out object keys (a part of
 * `actual`): one line per difference, [] when `actual` has all of `expected`.
 */
function partDifferences(expected, actual, path = '') {
  const plain = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (plain(expected) && plain(actual)) {
    return Object.keys(expected).flatMap((key) =>
      Object.hasOwn(actual, key) ? partDifferences(expected[key], actual[key], path ? `${path}.${key}` : key) : [`${path ? `${path}.` : ''}${key}: missing`],
    );
  }
  return isDeepStrictEqual(expected, actual) ? [] : [`${path || '(the value)'}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/** Throws, listing the differences, unless `actual` has all of `expected`; returns a line saying what was checked. */
function assertPart(expected, actual, what) {
  const differences = partDifferences(expected, actual);
  if (differences.length > 0) {
    throw new Error(`${what} is not as the page says:\n  ${differences.join('\n  ')}\nactual: ${JSON.stringify(actual)}`);
  }
  return `${what} has ${JSON.stringify(expected)}`;
}

/** Throws `message` unless `condition` holds; returns `message` (the check, for the report). */
function check(condition, message) {
  if (!condition) throw new Error(`not true: ${message}`);
  return message;
}

/** Resolves with the first truthy value of `probe()`, polled every 20 ms; rejects after `timeoutMs` naming `what`. */
async function waitFor(what, probe, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Closes the default tracker (writing everything it accepted), if one is registered. */
async function closeDefaultTracker() {
  const { findTracker } = require('eventtracking');
  await findTracker()?.close();
}

module.exports = { assertPart, check, closeDefaultTracker, partDifferences, readLog, waitFor };
