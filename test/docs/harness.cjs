// Runs one code block of the docs in this process (a child of test/docs/code-blocks.test.ts):
// the fixture's `before`, then the block, then the fixture's `after`, which checks what
// the block did and names each check. The report goes to the file DOCS_BLOCK.report;
// stdout is left to the block, so that what it prints can be compared with the page.
'use strict';
const { writeFileSync } = require('node:fs');
const net = require('node:net');
const { pathToFileURL } = require('node:url');
const { findFixture } = require('./fixtures/index.cjs');

/** @type {{ fixture?: string, argument: string, file?: string, content: string, previous?: string, report: string }} */
const spec = JSON.parse(process.env.DOCS_BLOCK ?? '{}');

/**
 * What fixtures get: the marker's argument, the block's file and text, the text of the
 * page's block before it, what the block exported or threw, the servers it started.
 */
const ctx = {
  argument: spec.argument,
  file: spec.file,
  content: spec.content,
  previous: spec.previous,
  exports: undefined,
  error: undefined,
  /** Every server the block started listening (recorded, not changed). */
  servers: [],
  /** Writes the report and ends the process; for fixtures whose block ends the process itself. */
  report,
};

function report(verified) {
  if (!Array.isArray(verified) || verified.length === 0 || !verified.every((line) => typeof line === 'string' && line)) {
    throw new Error(`fixture ${spec.fixture} must return the list of what it checked (non-empty strings)`);
  }
  writeFileSync(spec.report, JSON.stringify({ verified }));
}

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function recordedListen(...args) {
  ctx.servers.push(this);
  return listen.apply(this, args);
};

async function load(file) {
  if (file.endsWith('.mjs')) return import(pathToFileURL(file).href);
  return require(file);
}

async function main() {
  const fixture = spec.fixture ? findFixture(spec.fixture) : undefined;
  if (fixture?.before) await fixture.before(ctx);
  if (spec.file) {
    try {
      ctx.exports = await (fixture?.run ? fixture.run(ctx) : load(spec.file));
    } catch (error) {
      if (!fixture?.throws) throw error;
      ctx.error = error;
    }
    if (fixture?.throws && !ctx.error) throw new Error('the block was to throw, and did not');
  }
  if (fixture?.after) report(await fixture.after(ctx));
  else writeFileSync(spec.report, JSON.stringify({ verified: [] })); // the block's output is the check
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
