#!/usr/bin/env node
// Profiles the servers of scenario 2: `node bench/profile.mjs [--variants full,bare]
// [--requests 20000] [--interval 100] [--keep DIR]`, or summarises saved profiles:
// `node bench/profile.mjs --summarize a.cpuprofile[,b.cpuprofile...] --requests N`.
// Each server is forked as in the benchmark, warmed up, then profiled (node:inspector,
// sampling every --interval µs) over one round of --requests requests. Prints, per
// variant, self time by package and by function and inclusive time of the
// eventtracking / winston functions, in µs per request, then the per-package
// difference of each variant against the first one (by default `bare`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, killAll, installSnapshot } from './lib/child.mjs';
import { load } from './lib/load.mjs';
import { analyse, report, categoryDiff } from './lib/cpuprofile.mjs';

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const requests = Number(opt('requests', 20000));
const interval = Number(opt('interval', 100));
const connections = Number(opt('connections', 20));
const inclusiveMatch = (key) => key.includes(' dist/') || key.includes('winston') || key.includes('readable-stream') || key.includes('logform');

function print(label, profile, n) {
  const result = analyse(profile);
  console.log(`\n=== ${label} ===`);
  console.log(report(result, n, { inclusiveMatch }));
  return result;
}

function printDiffs(analysed) {
  const [base, ...others] = analysed;
  for (const other of others) {
    console.log(`\n=== ${other.variant} − ${base.variant}: self time by package/area, µs/request ===`);
    console.log(`  total active: ${(other.result.active / other.requests - base.result.active / base.requests).toFixed(2)} µs/request`);
    for (const [k, v] of categoryDiff(base.result, base.requests, other.result, other.requests)) {
      if (Math.abs(v) >= 0.3) console.log(`  ${v.toFixed(2).padStart(8)}  ${k}`);
    }
  }
}

const toSummarize = opt('summarize');
if (toSummarize) {
  // One or more saved profiles (comma-separated), each of --requests requests; diffs against the first.
  const analysed = toSummarize.split(',').map((file) => ({
    variant: path.basename(file, '.cpuprofile'),
    requests,
    result: print(file, JSON.parse(fs.readFileSync(file, 'utf8')), requests),
  }));
  printDiffs(analysed);
  process.exit(0);
}

installSnapshot();
const variants = opt('variants', 'bare,full').split(',');
const keep = opt('keep');
const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventtracking-profile-'));
const outdir = keep ? path.resolve(keep) : tmpdir;
fs.mkdirSync(outdir, { recursive: true });
const analysed = [];
try {
  for (const variant of variants) {
    const server = await startServer(variant, tmpdir);
    try {
      await server.call('begin');
      await load(server.port, { amount: 5000, connections });
      await server.call('end');
      await server.call('begin');
      await server.call('profile-start', { intervalMicros: interval });
      const client = await load(server.port, { amount: requests, connections });
      const file = path.join(outdir, `${variant}.cpuprofile`);
      await server.call('profile-stop', { file });
      const ended = await server.call('end');
      console.error(`[profile] ${variant}: ${ended.requests} requests, ${(ended.cpuMicros / ended.requests).toFixed(1)} µs CPU/request (profiler on), ${client.rps.toFixed(0)} req/s; ${file}`);
      const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
      analysed.push({ variant, requests: ended.requests, result: print(`${variant} (${ended.requests} requests)`, profile, ended.requests) });
    } finally {
      await server.stop();
    }
  }
  printDiffs(analysed);
} finally {
  killAll();
  if (!keep) fs.rmSync(tmpdir, { recursive: true, force: true });
}
