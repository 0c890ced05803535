#!/usr/bin/env node
// The benchmark runner: `node bench/run.mjs [--quick] [--only 1,2] [--rounds N]
// [--requests N] [--connections N] [--out FILE]`. Prints a table and writes
// bench/results.json. Needs the built package: run `npm run build` first.
// See bench/README.md for what each scenario measures and how cost is computed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { execSync, spawn } from 'node:child_process';
import { startServer, runChild, killAll, installSnapshot } from './lib/child.mjs';
import { load } from './lib/load.mjs';
import { summary, fmt, table } from './lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const args = { quick: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const [, inline] = arg.split('=');
      return inline ?? argv[++i];
    };
    if (arg === '--quick') args.quick = true;
    else if (arg.startsWith('--only')) args.only = value().split(',').map(Number);
    else if (arg.startsWith('--rounds')) args.rounds = Number(value());
    else if (arg.startsWith('--requests')) args.requests = Number(value());
    else if (arg.startsWith('--connections')) args.connections = Number(value());
    else if (arg.startsWith('--slices')) args.slices = Number(value());
    else if (arg.startsWith('--out')) args.out = value();
    else if (arg.startsWith('--redis')) args.redis = value();
    else if (arg === '--help' || arg === '-h') {
      console.log('usage: node bench/run.mjs [--quick] [--only 1,2,...] [--rounds N] [--requests N] [--slices N] [--connections N] [--redis URL] [--out FILE]');
      process.exit(0);
    } else {
      console.error(`unknown argument ${arg}`);
      process.exit(2);
    }
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const quick = args.quick;
const settings = {
  quick,
  rounds: args.rounds ?? (quick ? 3 : 6),
  requests: args.requests ?? (quick ? 2000 : 20000),
  warmupRequests: quick ? 500 : 5000,
  connections: args.connections ?? 20,
  slices: args.slices ?? (quick ? 2 : 5),
  emitDiskEvents: quick ? 20000 : 200000,
  emitDiskBatch: 1000,
  memoryEvents: quick ? 100000 : 1000000,
  segmentEvents: quick ? 10000 : 100000,
  jsonIterations: quick ? 20000 : 200000,
  validationIterations: quick ? 20000 : 200000,
  busEvents: quick ? 50000 : 200000,
  xapiEvents: quick ? 5000 : 20000,
  xapiTransforms: quick ? 20000 : 200000,
  redis: args.redis ?? 'redis://127.0.0.1:6379',
};
const selected = (n) => !args.only || args.only.includes(n);
const outFile = args.out ? path.resolve(args.out) : path.join(here, 'results.json');

// The package must be built: benchmarks use it as users do.
try {
  require.resolve('eventtracking');
  require('eventtracking');
  require('eventtracking/express');
} catch (error) {
  console.error(`The built package cannot be loaded (${error.message}). Run \`npm run build\` first.`);
  process.exit(1);
}

const snapshot = installSnapshot();
const source = gitState();
const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventtracking-bench-'));
const log = (...parts) => console.error('[bench]', ...parts);

// ---------------------------------------------------------------- HTTP A/B scenarios

/**
 * Runs `baseline` and each of `variants` in its own server process, interleaved:
 * round r measures every server once (baseline first on even rounds, last on odd
 * rounds), each with `requests` requests. CPU per request = the server's
 * process.cpuUsage() delta / requests served; added = variant − baseline of the same round.
 */
async function httpScenario({ baseline, variants }) {
  const names = [baseline, ...variants];
  const servers = {};
  try {
    for (const name of names) {
      servers[name] = await startServer(name, tmpdir);
      if (!servers[name].packagePath.startsWith(snapshot.dir)) throw new Error(`server ${name} loaded eventtracking from ${servers[name].packagePath}, not the snapshot`);
    }
    const measure = async (name, amount) => {
      const server = servers[name];
      await server.call('begin');
      const client = await load(server.port, { amount, connections: settings.connections });
      const ended = await server.call('end');
      return {
        variant: name,
        cpuMicros: ended.cpuMicros,
        cpuUser: ended.cpuUser,
        cpuSystem: ended.cpuSystem,
        requests: ended.requests,
        cpuPerRequest: ended.cpuMicros / ended.requests,
        rps: ended.serverRps,
        clientRps: client.rps,
        seconds: ended.requests / ended.serverRps,
        latencyP50: client.latencyP50,
        latencyP99: client.latencyP99,
        non2xx: client.non2xx,
        errors: client.errors,
        timeouts: client.timeouts,
        lines: ended.lines,
        bytes: ended.bytes,
        expectedLines: ended.expectedLines,
        missingContext: ended.missingContext,
        reportedErrors: ended.reportedErrors,
        rssMB: ended.rssMB,
      };
    };
    log(`  warm-up: ${settings.warmupRequests} requests each`);
    for (const name of names) await measure(name, settings.warmupRequests);
    const rounds = [];
    const perSlice = Math.ceil(settings.requests / settings.slices);
    for (let r = 0; r < settings.rounds; r++) {
      // A round is `slices` short batches per server, alternating the order each
      // slice (A B C, C B A, ...), so every server sees the same machine conditions.
      const slices = [];
      for (let k = 0; k < settings.slices; k++) {
        const order = (r * settings.slices + k) % 2 === 0 ? names : [...names].reverse();
        const slice = {};
        for (const name of order) slice[name] = await measure(name, perSlice);
        slices.push(slice);
      }
      const round = { round: r, results: {}, slices };
      for (const name of names) round.results[name] = combine(slices.map((slice) => slice[name]));
      const base = round.results[baseline];
      for (const name of variants) {
        const v = round.results[name];
        v.addedMicros = v.cpuPerRequest - base.cpuPerRequest;
        v.ratio = v.cpuPerRequest / base.cpuPerRequest;
      }
      log(`  round ${r + 1}/${settings.rounds}: ` + names.map((n) => `${n} ${round.results[n].cpuPerRequest.toFixed(1)} µs/req`).join(', '));
      rounds.push(round);
    }
    return rounds;
  } finally {
    for (const server of Object.values(servers)) await server.stop();
  }
}

/** One server's slices of a round, added up: CPU per request = total CPU / total requests. */
function combine(parts) {
  const sum = (key) => parts.reduce((total, part) => total + part[key], 0);
  const seconds = sum('seconds');
  const requests = sum('requests');
  return {
    variant: parts[0].variant,
    cpuMicros: sum('cpuMicros'),
    cpuUser: sum('cpuUser'),
    cpuSystem: sum('cpuSystem'),
    requests,
    cpuPerRequest: sum('cpuMicros') / requests,
    rps: requests / seconds,
    seconds,
    latencyP50: Math.max(...parts.map((p) => p.latencyP50)),
    latencyP99: Math.max(...parts.map((p) => p.latencyP99)),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    lines: sum('lines'),
    bytes: sum('bytes'),
    expectedLines: sum('expectedLines'),
    missingContext: parts[parts.length - 1].missingContext,
    reportedErrors: parts[parts.length - 1].reportedErrors,
    rssMB: parts[parts.length - 1].rssMB,
  };
}

/** Problems a round's results show (non-2xx, errors, missing lines, ...), as text. */
function checks(rounds) {
  const problems = [];
  for (const round of rounds) {
    for (const [name, r] of Object.entries(round.results)) {
      const where = `round ${round.round + 1} ${name}`;
      const expected = Math.ceil(settings.requests / settings.slices) * settings.slices;
      if (r.requests !== expected) problems.push(`${where}: server saw ${r.requests} requests, expected ${expected}`);
      if (r.non2xx || r.errors || r.timeouts) problems.push(`${where}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
      if (r.lines !== r.expectedLines) problems.push(`${where}: log holds ${r.lines} lines, expected ${r.expectedLines}`);
      if (r.missingContext) problems.push(`${where}: ${r.missingContext} requests missed context fields`);
      if (r.reportedErrors) problems.push(`${where}: ${r.reportedErrors} failures reported by the tracker`);
    }
  }
  return problems;
}

const rows = [];
const results = {};
const problems = [];

function row(scenario, metric, values, { unit = '', target, pass, digits, verdicts = ['PASS', 'FAIL'] } = {}) {
  const s = Array.isArray(values) ? summary(values) : { median: values, min: NaN, max: NaN };
  rows.push({
    scenario, metric: unit ? `${metric} (${unit})` : metric,
    median: fmt(s.median, digits), min: fmt(s.min, digits), max: fmt(s.max, digits),
    target: target ?? '', result: target ? verdicts[pass(s.median) ? 0 : 1] : '',
  });
  return s;
}

function textRow(scenario, metric, text) {
  rows.push({ scenario, metric, median: text, min: '', max: '', target: '', result: '' });
}

const pick = (rounds, name, key) => rounds.map((round) => round.results[name][key]);

async function scenario1() {
  log('scenario 1: context alone (and AsyncLocalStorage alone, for reference) vs bare Express 5');
  const variants = ['context', 'als-floor'];
  const rounds = await httpScenario({ baseline: 'bare', variants });
  results.scenario1 = { baseline: 'bare', variants, rounds };
  problems.push(...checks(rounds).map((p) => `S1 ${p}`));
  const S = '1 context alone';
  row(S, 'bare Express 5 CPU/request', pick(rounds, 'bare', 'cpuPerRequest'), { unit: 'µs' });
  const added = row(S, 'trackMiddleware({pageEvents:false}) added CPU/request', pick(rounds, 'context', 'addedMicros'), {
    unit: 'µs',
  });
  row(S, 'added, % of bare', pick(rounds, 'context', 'ratio').map((r) => (r - 1) * 100), { unit: '%' });
  row(S, 'reference: AsyncLocalStorage.run per request alone: added', pick(rounds, 'als-floor', 'addedMicros'), { unit: 'µs' });
  row(S, 'trackMiddleware − AsyncLocalStorage alone', rounds.map((r) => r.results.context.cpuPerRequest - r.results['als-floor'].cpuPerRequest), { unit: 'µs/req' });
  row(S, 'throughput bare', pick(rounds, 'bare', 'rps'), { unit: 'req/s' });
  row(S, 'throughput with context', pick(rounds, 'context', 'rps'), { unit: 'req/s' });
  row(S, 'throughput AsyncLocalStorage alone', pick(rounds, 'als-floor', 'rps'), { unit: 'req/s' });
  results.scenario1.summary = { addedMicros: added };
}

async function scenario2() {
  log('scenario 2: trackMiddleware + page event + emit (lean transport; fast paths off; winston File) vs bare Express 5');
  const variants = ['full', 'full-no-fast-paths', 'full-winston-file'];
  const rounds = await httpScenario({ baseline: 'bare', variants });
  results.scenario2 = { baseline: 'bare', variants, rounds };
  problems.push(...checks(rounds).map((p) => `S2 ${p}`));
  const S = '2 the real thing';
  const perRound = (minuend, subtrahend) => rounds.map((r) => r.results[minuend].cpuPerRequest - r.results[subtrahend].cpuPerRequest);
  row(S, 'bare Express 5 CPU/request', pick(rounds, 'bare', 'cpuPerRequest'), { unit: 'µs' });
  const added = row(S, 'middleware + page event + emit, edxDefaults: added CPU/request', pick(rounds, 'full', 'addedMicros'), { unit: 'µs' });
  row(S, '  same, % of bare', pick(rounds, 'full', 'ratio').map((r) => (r - 1) * 100), { unit: '%' });
  const fullPipelineAdded = row(S, 'same with the fast paths off: added CPU/request', pick(rounds, 'full-no-fast-paths', 'addedMicros'), { unit: 'µs' });
  row(S, '  fast paths save (off − on)', perRound('full-no-fast-paths', 'full'), { unit: 'µs/req' });
  const winstonAdded = row(S, 'same with winston File transport: added CPU/request', pick(rounds, 'full-winston-file', 'addedMicros'), { unit: 'µs' });
  row(S, '  lean transport saves (winston File − fast paths off, both the full pipeline)', perRound('full-winston-file', 'full-no-fast-paths'), { unit: 'µs/req' });
  row(S, 'throughput bare', pick(rounds, 'bare', 'rps'), { unit: 'req/s' });
  row(S, 'throughput edxDefaults', pick(rounds, 'full', 'rps'), { unit: 'req/s' });
  row(S, 'throughput winston File', pick(rounds, 'full-winston-file', 'rps'), { unit: 'req/s' });
  results.scenario2.summary = { addedMicros: added, fullPipelineAddedMicros: fullPipelineAdded, winstonFileAddedMicros: winstonAdded };
}

async function scenario3() {
  log('scenario 3: our context vs cls-hooked (13 fields set and read) vs bare Express 5');
  const variants = ['context-read', 'cls-hooked'];
  const rounds = await httpScenario({ baseline: 'bare', variants });
  results.scenario3 = { baseline: 'bare', variants, rounds };
  problems.push(...checks(rounds).map((p) => `S3 ${p}`));
  const S = '3 context library';
  row(S, 'bare Express 5 CPU/request', pick(rounds, 'bare', 'cpuPerRequest'), { unit: 'µs' });
  const ours = row(S, 'ours (trackMiddleware, handler reads 13 fields): added', pick(rounds, 'context-read', 'addedMicros'), { unit: 'µs' });
  const cls = row(S, 'cls-hooked (ns.run, 13 × set/get): added', pick(rounds, 'cls-hooked', 'addedMicros'), { unit: 'µs' });
  row(S, 'ours − cls-hooked', rounds.map((r) => r.results['context-read'].cpuPerRequest - r.results['cls-hooked'].cpuPerRequest), { unit: 'µs/req' });
  row(S, 'throughput ours', pick(rounds, 'context-read', 'rps'), { unit: 'req/s' });
  row(S, 'throughput cls-hooked', pick(rounds, 'cls-hooked', 'rps'), { unit: 'req/s' });
  results.scenario3.summary = { oursAddedMicros: ours, clsAddedMicros: cls };
}

async function scenario4() {
  log(`scenario 4: emit → disk, ${settings.emitDiskEvents} events per round, vs a raw fs.createWriteStream`);
  const result = await runChild('emit-disk.cjs', {
    events: settings.emitDiskEvents,
    rounds: settings.rounds,
    batch: settings.emitDiskBatch,
    warmupEvents: Math.round(settings.emitDiskEvents / 4),
    tmpdir,
  });
  results.scenario4 = result;
  for (const r of result.rounds) {
    for (const kind of ['ours', 'raw']) {
      if (r[kind].lines !== r[kind].events) problems.push(`S4 round ${r.round + 1} ${kind}: file holds ${r[kind].lines} lines, expected ${r[kind].events}`);
    }
  }
  if (result.errors) problems.push(`S4: ${result.errors} failures reported by the tracker`);
  const S = '4 emit → disk';
  row(S, 'ours: emit → edxDefaults → file', result.rounds.map((r) => r.ours.eventsPerSec), { unit: 'events/s' });
  row(S, 'raw fs.createWriteStream, same lines', result.rounds.map((r) => r.raw.eventsPerSec), { unit: 'events/s' });
  const ratio = row(S, 'ours / raw', result.rounds.map((r) => r.ratio * 100), { unit: '%', target: '≥ 50', pass: (m) => m >= 50 });
  row(S, 'ours CPU/event', result.rounds.map((r) => r.ours.cpuMicros / r.ours.events), { unit: 'µs', digits: 2 });
  row(S, 'raw CPU/event', result.rounds.map((r) => r.raw.cpuMicros / r.raw.events), { unit: 'µs', digits: 2 });
  row(S, 'bytes/line ours | raw', [result.rounds[0].ours.bytes / result.rounds[0].ours.events], { unit: 'B' });
  rows[rows.length - 1].median = `${fmt(result.rounds[0].ours.bytes / result.rounds[0].ours.events, 0)} | ${fmt(result.rounds[0].raw.bytes / result.rounds[0].raw.events, 0)}`;
  rows[rows.length - 1].min = rows[rows.length - 1].max = '';
  results.scenario4.summary = { ratioPercent: ratio };
}

async function scenario5() {
  const S = '5 memory';
  const runs = {};
  for (const [label, batch] of [['yielding', 1000], ['synchronous', 0]]) {
    log(`scenario 5: RSS around a burst of ${settings.memoryEvents} emits (${label}${batch ? `, ${batch} per turn` : ', one loop'}), fresh process`);
    const r = await runChild('memory.cjs', { mode: 'burst', events: settings.memoryEvents, batch, tmpdir });
    runs[label] = r;
    if (r.lines + r.dropped !== r.events) problems.push(`S5 ${label}: file holds ${r.lines} lines and ${r.dropped} were dropped, expected ${r.events} in all`);
    if (r.dropped > 0 && r.dropReports === 0) problems.push(`S5 ${label}: ${r.dropped} lines dropped without a report`);
    if (r.errors) problems.push(`S5 ${label}: ${r.errors} failure(s) reported by the tracker, the first: ${r.firstError}`);
    const n = `${(settings.memoryEvents / 1e6).toFixed(settings.memoryEvents >= 1e6 ? 0 : 1)}M emits, ${label === 'yielding' ? `${batch}/turn` : 'one sync loop'}`;
    textRow(S, `${n}: RSS before → peak → after close → after GC (MB)`,
      `${fmt(r.rssBefore, 0)} → ${fmt(r.rssPeak, 0)} → ${fmt(r.rssAfterClose, 0)} → ${fmt(r.rssAfterGc, 0)}`);
    textRow(S, `${n}: peak lines queued (winston buffer | sink)`, `${fmt(r.peakWinstonBuffered, 0)} | ${fmt(r.peakSinkQueued, 0)}`);
    textRow(S, `${n}: burst | until on disk (ms)`, `${fmt(r.burstMs, 0)} | ${fmt(r.drainedMs, 0)}`);
    textRow(S, `${n}: lines written | dropped past maxQueuedLines (reported)`, `${fmt(r.lines, 0)} | ${fmt(r.dropped, 0)}`);
  }
  log(`scenario 5: Segment sink that never answers, ${settings.segmentEvents} whitelisted events`);
  const seg = await runChild('memory.cjs', { mode: 'segment', events: settings.segmentEvents, batch: 1000, tmpdir, holdMs: quick ? 1000 : 3000 });
  runs.segment = seg;
  if (seg.skipped) {
    textRow(S, 'Segment sink never answering', `skipped: ${seg.skipped}`);
  } else {
    textRow(S, `Segment, ${settings.segmentEvents} events, maxPending ${seg.maxPending}: RSS before → peak → after close (MB)`,
      `${fmt(seg.rssBefore, 0)} → ${fmt(seg.rssPeak, 0)} → ${fmt(seg.rssAfterClose, 0)}`);
    textRow(S, 'Segment: sent | pending | dropped | skipped', `${seg.sent} | ${seg.pending} | ${seg.dropped} | ${seg.skipped}`);
  }
  results.scenario5 = runs;
}

async function scenario6() {
  log(`scenario 6: jsonStyle python vs compact, ${settings.jsonIterations} encodes per round`);
  const result = await runChild('json-style.cjs', { iterations: settings.jsonIterations, rounds: settings.rounds });
  results.scenario6 = result;
  const S = '6 JSON style';
  row(S, "encode 'compact' (JSON.stringify)", result.rounds.map((r) => r.compact), { unit: 'µs/event', digits: 2 });
  row(S, "encode 'python' (json.dumps layout)", result.rounds.map((r) => r.python), { unit: 'µs/event', digits: 2 });
  row(S, 'python − compact', result.rounds.map((r) => r.difference), { unit: 'µs/event', digits: 2 });
  row(S, 'python / compact', result.rounds.map((r) => r.ratio), { unit: '×', digits: 2 });
}

async function scenario7() {
  log(`scenario 7: event bus, producers → Redis stream → consumer → tracking.log (bench/bus.mjs, ${settings.rounds} runs of ${settings.busEvents} events)`);
  const out = path.join(tmpdir, 'bus-results.json');
  const pkg = path.join(snapshot.dir, 'node_modules', 'eventtracking');
  const busArgs = ['--runs', settings.rounds, '--events', settings.busEvents, '--redis', settings.redis, '--package', pkg, '--out', out].map(String);
  const code = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, 'bus.mjs'), ...busArgs], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`bench/bus.mjs exited with status ${code} (is Redis running at ${settings.redis}? --redis URL)`);
  const bus = JSON.parse(fs.readFileSync(out, 'utf8'));
  results.scenario7 = bus;
  problems.push(...bus.problems.map((p) => `S7 ${p}`));
  const { sustained, paced, drain } = bus.runs;
  const S = '7 event bus';
  const throughput = row(S, `sustained: ${bus.settings.producers} producers → Redis → consumer → file`, sustained.map((r) => r.eventsPerSecond), {
    unit: 'events/s', target: '≥ 50,000', pass: (m) => m >= 50000,
  });
  row(S, '  latency emit → line on disk at saturation, p50', sustained.map((r) => r.p50), { unit: 'ms' });
  row(S, '  latency at saturation, p99', sustained.map((r) => r.p99), { unit: 'ms' });
  row(S, `paced at ${bus.settings.rate} events/s: latency p50`, paced.map((r) => r.p50), { unit: 'ms' });
  row(S, `paced at ${bus.settings.rate} events/s: latency p99`, paced.map((r) => r.p99), { unit: 'ms' });
  row(S, 'producers alone: publish rate', drain.map((r) => r.publishEventsPerSecond), { unit: 'events/s' });
  row(S, 'consumer alone: drain rate to tracking.log', drain.map((r) => r.eventsPerSecond), { unit: 'events/s' });
  row(S, 'openedx format: producers alone, publish rate', bus.runs.openedx.map((r) => r.publishEventsPerSecond), { unit: 'events/s' });
  row(S, 'openedx format: consumer alone, drain rate', bus.runs.openedx.map((r) => r.eventsPerSecond), { unit: 'events/s' });
  row(S, 'CPU/event, each side alone: producers, ours', drain.map((r) => r.producerCpuMicrosPerEvent), { unit: 'µs' });
  row(S, 'CPU/event, each side alone: producers, openedx', bus.runs.openedx.map((r) => r.producerCpuMicrosPerEvent), { unit: 'µs' });
  row(S, 'CPU/event, each side alone: consumer, ours', drain.map((r) => r.consumerCpuMicrosPerEvent), { unit: 'µs' });
  row(S, 'CPU/event, each side alone: consumer, openedx', bus.runs.openedx.map((r) => r.consumerCpuMicrosPerEvent), { unit: 'µs' });
  row(S, 'CPU/event, sustained: producers', sustained.map((r) => r.producerCpuMicrosPerEvent), { unit: 'µs' });
  row(S, 'CPU/event, sustained: consumer', sustained.map((r) => r.consumerCpuMicrosPerEvent), { unit: 'µs' });
  results.scenario7.summary = { eventsPerSecond: throughput };
}

/** A Segment endpoint on 127.0.0.1 that reads each batch and answers 200, counting the events it got. */
async function startSegmentSink() {
  const http = await import('node:http');
  const sink = { events: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      try { sink.events += JSON.parse(Buffer.concat(chunks).toString('utf8')).batch.length; } catch {}
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.url = `http://127.0.0.1:${server.address().port}`;
  sink.close = () => { server.closeAllConnections?.(); return new Promise((resolve) => server.close(resolve)); };
  return sink;
}

/** Each branch of scenario 8: its local sink (in this process, so its CPU is not counted) and its row's wording. */
const BRANCH_SINKS = {
  xapi: {
    label: 'xAPI branch (transform, JSON, POSTs to a local LRS)',
    async start() {
      const { startLocalLrs } = require('eventtracking/xapi');
      const lrs = await startLocalLrs();
      // The statements are not kept past a round's worth: only the count of those stored matters here.
      const trim = setInterval(() => lrs.statements.size > 50000 && lrs.statements.clear(), 1000);
      return { options: { sinkUrl: lrs.url }, close: async () => { clearInterval(trim); await lrs.close(); } };
    },
  },
  segment: {
    label: 'Segment branch (whitelist, GA, @segment/analytics-node to a local 200 sink)',
    async start() {
      const sink = await startSegmentSink();
      return { options: { sinkUrl: sink.url }, close: sink.close };
    },
  },
  bus: {
    label: 'bus branch (EventBusBackend → local Redis stream)',
    async start() {
      const stream = `bench:branch-cost:${process.pid}:${Date.now()}`;
      const del = async () => {
        const { createClient } = require('redis');
        const client = createClient({ url: settings.redis });
        await client.connect();
        try { await client.sendCommand(['DEL', stream]); } finally { await client.quit(); }
      };
      await del(); // fails here, with its reason, when Redis is not reachable
      return { options: { redisUrl: settings.redis, stream }, close: del };
    },
  },
};

async function scenario8() {
  const S = '8 branch cost';
  results.scenario8 = {};
  log(`scenario 8: the added CPU per event of an xAPI, a Segment and a bus branch beside tracking.log, ${settings.xapiEvents} enrollments per round`);
  for (const [branch, sinkSpec] of Object.entries(BRANCH_SINKS)) {
    let result;
    try {
      const sink = await sinkSpec.start();
      try {
        result = await runChild('branch-cost.cjs', {
          branch,
          events: settings.xapiEvents,
          rounds: settings.rounds,
          batch: settings.emitDiskBatch,
          warmupEvents: Math.round(settings.xapiEvents / 4),
          tmpdir,
          ...sink.options,
        });
      } finally {
        await sink.close();
      }
    } catch (error) {
      problems.push(`S8 ${branch}: ${error.message}`);
      textRow(S, `${branch} branch`, `failed: ${String(error.message).slice(0, 60)}`);
      continue;
    }
    results.scenario8[branch] = result;
    for (const r of result.rounds) {
      for (const kind of ['log', 'with']) {
        if (r[kind].lines !== r[kind].events) problems.push(`S8 ${branch} round ${r.round + 1} ${kind}: file holds ${r[kind].lines} lines, expected ${r[kind].events}`);
      }
      if (r.with.delivered !== r.with.events) problems.push(`S8 ${branch} round ${r.round + 1}: the sink acknowledged ${r.with.delivered} events, expected ${r.with.events}`);
    }
    if (result.errors) problems.push(`S8 ${branch}: ${result.errors} failures reported by the tracker (first: ${result.firstError})`);
    row(S, `${branch}: tracking.log branch alone: CPU/event`, result.rounds.map((r) => r.log.cpuMicros / r.log.events), { unit: 'µs', digits: 2 });
    row(S, `${branch}: tracking.log + ${branch} branch: CPU/event`, result.rounds.map((r) => r.with.cpuMicros / r.with.events), { unit: 'µs', digits: 2 });
    const added = row(S, `${sinkSpec.label}: added CPU/event`, result.rounds.map((r) => r.addedMicros), { unit: 'µs', digits: 2 });
    row(S, `${branch}: events/s until close()`, result.rounds.map((r) => r.with.events / (r.with.wallMs / 1000)), { unit: 'events/s' });
    result.summary = { addedMicros: added };
  }
}

async function scenario9() {
  log('scenario 9: trackMiddleware + page event + emit on Express 5, Fastify 5 and Hono 4, each vs its bare framework');
  const S = '9 frameworks';
  results.scenario9 = {};
  const added = {};
  for (const [framework, baseline, variant] of [['Express 5', 'bare', 'full'], ['Fastify 5', 'fastify-bare', 'fastify-full'], ['Hono 4', 'hono-bare', 'hono-full']]) {
    const rounds = await httpScenario({ baseline, variants: [variant] });
    results.scenario9[framework] = { baseline, variants: [variant], rounds };
    problems.push(...checks(rounds).map((p) => `S9 ${framework} ${p}`));
    row(S, `bare ${framework} CPU/request`, pick(rounds, baseline, 'cpuPerRequest'), { unit: 'µs' });
    added[framework] = row(S, `${framework}: middleware + page event + emit, added CPU/request`, pick(rounds, variant, 'addedMicros'), { unit: 'µs' });
    row(S, `  ${framework} throughput bare / tracked`, rounds.map((r) => r.results[variant].rps / r.results[baseline].rps * 100), { unit: '% of bare' });
  }
  results.scenario9.summary = { addedMicros: Object.fromEntries(Object.entries(added).map(([name, s]) => [name, s.median])) };
}

async function scenario10() {
  log(`scenario 10: transformToXapi throughput on one core, ${settings.xapiTransforms} events of ERB's fixtures per round`);
  const fixtures = path.join(here, '..', 'test', 'xapi', 'fixtures', 'current');
  const result = await runChild('xapi-transform.cjs', { iterations: settings.xapiTransforms, rounds: settings.rounds, fixtures });
  results.scenario10 = result;
  const S = '10 xAPI transform';
  row(S, `statements per second (${result.events} kinds of event, in turn)`, result.rounds.map((r) => r.statementsPerSecond), { unit: '/s', digits: 0 });
  row(S, 'time per event', result.rounds.map((r) => r.microsPerEvent), { unit: 'µs', digits: 2 });
  row(S, 'CPU per event', result.rounds.map((r) => r.cpuMicrosPerEvent), { unit: 'µs', digits: 2 });
}

/**
 * Scenario 12's servers: ours (three ways) and the peers, with the issue-16 targets as
 * [ours, peer, target ratio of added CPU] (see bench/README.md).
 */
const PEERS = {
  variants: ['full', 'emit-only', 'context', 'pino-http', 'morgan', 'als-winston', 'cls-hooked-stream', 'floor'],
  labels: {
    full: 'ours: trackMiddleware + page event + 1 emit, edxDefaults',
    'emit-only': 'ours: page events off + 1 emit',
    context: 'ours: context alone (no events)',
    'pino-http': 'pino-http, pino.destination({ sync: false })',
    morgan: "morgan 'combined' to a file stream",
    'als-winston': 'AsyncLocalStorage + 13 fields + winston File',
    'cls-hooked-stream': 'cls-hooked + 13 fields + fs stream',
    floor: 'floor: ALS + our 2 lines, precomputed',
  },
  targets: [['full', 'pino-http', 0.5], ['emit-only', 'morgan', 0.5], ['context', 'pino-http', 0.25], ['full', 'floor', 3]],
};

async function scenario12() {
  log('scenario 12: ours vs the peers (pino-http, morgan, ALS + winston, cls-hooked, the floor) vs bare Express 5, one interleaved run');
  const rounds = await httpScenario({ baseline: 'bare', variants: PEERS.variants });
  results.scenario12 = { baseline: 'bare', variants: PEERS.variants, rounds };
  problems.push(...checks(rounds).map((p) => `S12 ${p}`));
  const S = '12 peers';
  row(S, 'bare Express 5 CPU/request', pick(rounds, 'bare', 'cpuPerRequest'), { unit: 'µs' });
  const added = {};
  for (const name of PEERS.variants) {
    added[name] = row(S, `${PEERS.labels[name]}: added CPU/request`, pick(rounds, name, 'addedMicros'), { unit: 'µs' });
    const last = rounds[rounds.length - 1].results[name];
    textRow(S, '  lines / bytes per request', `${fmt(last.lines / last.requests, 2)} / ${fmt(last.bytes / last.requests, 0)}`);
  }
  const ratios = {};
  for (const [ours, peer, target] of PEERS.targets) {
    // The ratio of the medians: a per-round ratio is meaningless when a small denominator
    // (the floor's few µs) comes out near zero or negative in a noisy round.
    const metric = `ratio ${ours} / ${peer} (medians of added CPU)`;
    if (!(added[peer].median > 0)) {
      textRow(S, metric, `n/a: ${peer}'s median is ≤ 0 (noise)`);
      continue;
    }
    ratios[`${ours}/${peer}`] = row(S, metric, added[ours].median / added[peer].median, {
      unit: '×', digits: 2, target: `≤ ${target}×`, pass: (m) => m <= target, verdicts: ['met', 'not met'],
    }).median;
  }
  results.scenario12.summary = { addedMicros: added, ratios };
}

// ---------------------------------------------------------------- main

async function scenario11() {
  log(`scenario 11: the event registry's validation, ${settings.validationIterations} emits per round and variant`);
  const result = await runChild('event-validation.cjs', { iterations: settings.validationIterations, rounds: settings.rounds });
  results.scenario11 = result;
  const S = '11 event validation';
  const base = result.rounds.map((r) => r['tracker.emit']);
  for (const name of result.variants) row(S, name, result.rounds.map((r) => r[name]), { unit: 'µs/event', digits: 2 });
  for (const name of result.variants.slice(1)) {
    row(S, `${name} − tracker.emit`, result.rounds.map((r, i) => r[name] - base[i]), { unit: 'µs/event', digits: 2 });
  }
}

const scenarios = [scenario1, scenario2, scenario3, scenario4, scenario5, scenario6, scenario7, scenario8, scenario9, scenario10, scenario11, scenario12];
const started = new Date();
log(`settings: ${JSON.stringify(settings)}; tmp ${tmpdir}`);
try {
  for (let i = 0; i < scenarios.length; i++) {
    if (!selected(i + 1)) continue;
    try {
      await scenarios[i]();
    } catch (error) {
      // A scenario that fails is reported as such; the others still run.
      problems.push(`S${i + 1} did not complete: ${error.message}`);
      textRow(`${i + 1}`, 'scenario failed', String(error.message).slice(0, 80));
      killAll();
    }
  }
} finally {
  killAll();
  fs.rmSync(tmpdir, { recursive: true, force: true });
}

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? 'unknown',
  cores: cpus.length,
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  node: process.version,
  express: require('express/package.json').version,
  autocannon: require('autocannon/package.json').version,
  winston: require('winston/package.json').version,
};
const finishedAt = new Date();

/** The commit the package was built from, and whether src/ had uncommitted changes (read-only git). */
function gitState() {
  try {
    const run = (cmd) => execSync(cmd, { cwd: path.join(here, '..'), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return { commit: run('git rev-parse HEAD'), srcDirty: run('git status --porcelain -- src') !== '', distBuiltAt: snapshot.distBuiltAt };
  } catch {
    return { commit: 'unknown', srcDirty: null };
  }
}
const columns = [
  { title: 'scenario', get: (r) => r.scenario },
  { title: 'metric', get: (r) => r.metric },
  { title: 'median', get: (r) => r.median, right: true },
  { title: 'min', get: (r) => r.min, right: true },
  { title: 'max', get: (r) => r.max, right: true },
  { title: 'target', get: (r) => r.target },
  { title: 'result', get: (r) => r.result },
];
console.log(`eventtracking benchmarks — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${finishedAt.toISOString()}, commit ${source.commit.slice(0, 7)}${source.srcDirty ? ' + uncommitted src/ changes' : ''}`);
console.log(
  `HTTP: ${settings.requests} requests/round per server in ${settings.slices} alternating slices, ${settings.connections} connections, ${settings.rounds} rounds; ` +
    `CPU = server process.cpuUsage(); added = variant − bare of the same round${quick ? ' (QUICK smoke run: not for publishing)' : ''}`,
);
console.log(table(rows, columns));
if (problems.length) {
  console.log(`\nchecks failed (${problems.length}):`);
  for (const p of problems) console.log(`  - ${p}`);
} else {
  console.log('\nchecks: every request answered 2xx, every expected line on disk, no failures reported.');
}

fs.writeFileSync(
  outFile,
  `${JSON.stringify({ machine, source, date: finishedAt.toISOString(), startedAt: started.toISOString(), durationSeconds: (finishedAt - started) / 1000, settings, only: args.only, table: rows, problems, scenarios: results }, null, 2)}\n`,
);
console.log(`\nraw numbers: ${path.relative(process.cwd(), outFile) || outFile}`);
