'use strict';
const fs = require('node:fs');

/** Lines (newlines) in a file; 0 when it does not exist. */
function countLines(file) {
  let buffer;
  try { buffer = fs.readFileSync(file); } catch { return 0; }
  let lines = 0;
  for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) lines++;
  return lines;
}

function sizeOf(file) {
  try { return fs.statSync(file).size; } catch { return 0; }
}

const MB = 1048576;
const rssMB = () => process.memoryUsage.rss() / MB;

function gc() {
  if (global.gc) { global.gc(); global.gc(); }
}

/** Sends the result to the parent and exits. */
function finish(result) {
  process.send({ type: 'result', ...result }, () => process.exit(0));
}

function fail(error) {
  process.send({ type: 'error', error: String((error && error.stack) || error) }, () => process.exit(1));
}

module.exports = { countLines, sizeOf, rssMB, gc, finish, fail, MB };
