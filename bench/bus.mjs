#!/usr/bin/env node
// The event-bus benchmark: producer processes → Redis stream → one consumer process →
// tracking.log, as `eventtracking consume` runs it (PasswordCensorProcessor + legacy shim +
// PrefixedEventProcessor + LoggerBackend, an event acked once its line is on disk).
//
//   node bench/bus.mjs [--redis URL] [--events N] [--runs N] [--producers N]
//                      [--batch-size N] [--consumer-batch N] [--rate N] [--quick] [--package DIR] [--out FILE]
//
// Four scenarios, each run --runs times (the median is reported):
//   sustained  the producers emit as fast as the bus takes events (each waits while its bus
//              buffer holds more than 1,000), N events in all: events/s = N / (time from the
//              first emit to the last line on disk); latency at saturation.
//   paced      the producers emit --rate events/s in all (default 10,000) for N/4 events:
//              end-to-end latency at a steady load below saturation.
//   drain      the producers fill the stream with N events, consumer stopped (their publish
//              rate), then the consumer empties it (its own capacity: the central writer's).
//   openedx    the drain scenario again in the Open edX wire format (RedisStreamTransport's
//              format 'openedx': event-bus-redis's entries, Avro event_data): each side's rate
//              in that format, beside ours.
// Latency of an event = the moment its line is on disk (the consumer's LoggerBackend flush
// resolved, just before the ack) − the moment it was emitted, both read from the same
// machine's clock (performance.timeOrigin + performance.now()).
//
// Uses the built package (npm run build). Results go to bench/bus-results.json.
// `npm run bench` runs it as its scenario 7.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep, setImmediate as nextTurn } from 'node:timers/promises';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');
const require = createRequire(import.meta.url);
const role = process.env.BUS_BENCH_ROLE;
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- the package

/**
 * Where the built package is: `--package DIR` (npm run bench passes its snapshot of dist/),
 * else this repository's build (`npm run build`). The children require it as an app does.
 */
function builtPackagePath(dir) {
  try {
    const resolved = dir ? require.resolve(path.resolve(dir)) : require.resolve('eventtracking');
    require(resolved);
    return resolved;
  } catch (error) {
    console.error(`The built package cannot be loaded (${error.message}). Run \`npm run build\` first.`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------- children

async function producerMain() {
  const et = require(process.env.BUS_BENCH_MODULE);
  const { url, stream, count, rate, batchSize, format } = JSON.parse(process.env.BUS_BENCH_SETTINGS);
  // The openedx format trims the stream to ~10,000 entries by default, which would delete most of a
  // drain's backlog before the consumer starts: this bench keeps every entry (maxLength 0).
  const transport = new et.RedisStreamTransport(format === 'openedx' ? { url, format, maxLength: 0 } : { url });
  const bus = new et.EventBusBackend({ transport, stream, batchSize, closeTimeout: 60000 });
  const tracker = new et.Tracker({ backends: { bus } });
  const request = {
    user_id: 42, username: 'alice', ip: '203.0.113.9', host: 'lms.example.com', session: 'f3a2b1c4d5e6f708192a3b4c5d6e7f80',
    agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    referer: 'https://lms.example.com/courses/course-v1:edX+DemoX+Demo_2014/courseware/', accept_language: 'en-US,en;q=0.9',
    path: '/courses/course-v1:edX+DemoX+Demo_2014/courseware/intro/', course_id: 'course-v1:edX+DemoX+Demo_2014', org_id: 'edX',
  };
  await new Promise((resolve) => process.once('message', resolve)); // 'go'
  const cpuAtStart = cpu();
  const started = now();
  let sent = 0;
  const emit = () => tracker.context('edx.request', request, () => tracker.emit('edx.bench.bus', { seq: sent++, t: now(), course_id: request.course_id }));
  if (!rate) {
    while (sent < count) {
      for (let i = 0; i < 100 && sent < count; i++) emit();
      while (bus.buffered > 1000) await sleep(1);
      await nextTurn();
    }
  } else {
    while (sent < count) {
      const due = Math.min(count, Math.floor(((now() - started) * rate) / 1000));
      while (sent < due) emit();
      // A producer starved of CPU catches up in a burst: never past half the buffer (no drops).
      while (bus.buffered > 5000) await sleep(1);
      await sleep(1);
    }
  }
  await tracker.close();
  process.send({ type: 'done', published: bus.published, dropped: bus.dropped, lost: bus.lost, retries: bus.retries, cpuMicros: cpu() - cpuAtStart });
  process.disconnect();
}

async function consumerMain() {
  const et = require(process.env.BUS_BENCH_MODULE);
  const { url, stream, file, batchSize, format } = JSON.parse(process.env.BUS_BENCH_SETTINGS);
  const logger = new et.LoggerBackend({ filename: file });
  const latencies = [];
  let sinceFlush = [];
  // The tracking.log backend, timed: an event's latency ends when the flush that wrote it resolves.
  const timed = {
    send(event) {
      logger.send(event);
      sinceFlush.push(event.event.t);
    },
    async flush() {
      const batch = sinceFlush;
      sinceFlush = [];
      await logger.flush();
      const at = now();
      for (const t of batch) latencies.push(at - t);
    },
    bindErrorReporter: (report) => logger.bindErrorReporter(report),
    close: () => logger.close(),
  };
  const consumer = et.createEventBusConsumer({
    transport: new et.RedisStreamTransport(format === 'openedx' ? { url, format } : { url }),
    stream,
    group: 'bench',
    consumer: 'bench-1',
    batchSize,
    backends: { tracking_logs: timed },
    processors: [new et.PasswordCensorProcessor(), new et.LegacyFieldMappingProcessor(), new et.PrefixedEventProcessor()],
  });
  await consumer.start();
  const cpuAtStart = cpu();
  process.on('message', async (message) => {
    if (message === 'stats') {
      process.send({ type: 'stats', delivered: consumer.stats.delivered, at: now() });
    } else if (message === 'stop') {
      await consumer.close();
      latencies.sort((a, b) => a - b);
      const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
      process.send({ type: 'closed', stats: consumer.stats, p50: q(0.5), p99: q(0.99), max: latencies.at(-1), cpuMicros: cpu() - cpuAtStart });
      process.disconnect();
    }
  });
  process.send({ type: 'ready' });
}

function cpu() {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

// ---------------------------------------------------------------- the runner

function parseArgs(argv) {
  const args = { quick: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    if (flag === '--quick') args.quick = true;
    else if (flag === '--redis') args.redis = value();
    else if (flag === '--package') args.package = value();
    else if (flag === '--out') args.out = value();
    else if (['--events', '--runs', '--producers', '--batch-size', '--consumer-batch', '--rate'].includes(flag)) {
      args[flag.slice(2).replace(/-(\w)/g, (_, c) => c.toUpperCase())] = Number(value());
    } else if (flag === '--help' || flag === '-h') {
      console.log('usage: node bench/bus.mjs [--redis URL] [--events N] [--runs N] [--producers N] [--batch-size N] [--consumer-batch N] [--rate N] [--quick] [--package DIR] [--out FILE]');
      process.exit(0);
    } else {
      console.error(`unknown argument ${argv[i]}`);
      process.exit(2);
    }
  }
  return args;
}

function child(settings, env) {
  const proc = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, ...env, BUS_BENCH_SETTINGS: JSON.stringify(settings), NODE_PATH: path.join(root, 'node_modules') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // BUS_BENCH_PROFILE=DIR: a CPU profile of every child (open the .cpuprofile files in Chrome DevTools).
    execArgv: process.env.BUS_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BUS_BENCH_PROFILE}/${env.BUS_BENCH_ROLE}`] : [],
  });
  const messages = [];
  const waiters = [];
  proc.on('message', (m) => {
    messages.push(m);
    for (const w of [...waiters]) if (w.match(m)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(m);
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const message = (match) => {
    const seen = messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      waiters.push({ match, resolve });
      exited.then((code) => reject(new Error(`a benchmark child exited (${code}) early`)));
    });
  };
  return { proc, message, exited };
}

async function redisCommand(url, args) {
  const { createClient } = require('redis');
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    await client.close();
  }
}

async function runOnce({ url, events, producers, batchSize, consumerBatch, rate, modulePath, label, drain = false, format = 'envelope' }) {
  const stream = `bench-bus-${process.pid}-${label}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'et-bus-bench-'));
  const file = path.join(dir, 'tracking.log');
  const env = { BUS_BENCH_MODULE: modulePath };
  await redisCommand(url, ['DEL', stream]);
  const each = Math.floor(events / producers);
  const total = each * producers;
  const startConsumer = async () => {
    const consumer = child({ url, stream, file, batchSize: consumerBatch, format }, { ...env, BUS_BENCH_ROLE: 'consumer' });
    await consumer.message((m) => m.type === 'ready');
    return consumer;
  };
  // drain: the producers fill the stream first (their own rate is measured), then the consumer empties it.
  let consumer = drain ? undefined : await startConsumer();
  const children = Array.from({ length: producers }, () =>
    child({ url, stream, count: each, rate: rate ? rate / producers : 0, batchSize, format }, { ...env, BUS_BENCH_ROLE: 'producer' }),
  );
  await sleep(500); // let the producers load and connect
  let started = now();
  for (const c of children) c.proc.send('go');
  const produced = await (drain ? Promise.all(children.map((c) => c.message((m) => m.type === 'done'))) : undefined);
  const publishSeconds = (now() - started) / 1000;
  if (drain) {
    consumer = await startConsumer();
    started = now();
  }
  let delivered = 0;
  let at = started;
  let expected = total;
  let lastProgress = now();
  const finished = produced ? Promise.resolve(produced) : Promise.all(children.map((c) => c.message((m) => m.type === 'done')));
  void finished.then((done) => (expected = total - done.reduce((sum, p) => sum + p.dropped + p.lost, 0)));
  while (delivered < expected) {
    await sleep(20);
    consumer.proc.send('stats');
    const reply = await new Promise((resolve) => consumer.proc.once('message', resolve));
    if (reply.type !== 'stats') continue;
    if (reply.delivered > delivered) lastProgress = now();
    ({ delivered, at } = reply);
    if (now() - lastProgress > 60000) throw new Error(`${label}: no progress for 60 s (${delivered} of ${expected} delivered)`);
  }
  const done = await finished;
  consumer.proc.send('stop');
  const closed = await consumer.message((m) => m.type === 'closed');
  await Promise.all([consumer.exited, ...children.map((c) => c.exited)]);
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
  fs.rmSync(dir, { recursive: true, force: true });
  await redisCommand(url, ['DEL', stream]);
  const seconds = (at - started) / 1000;
  const problems = [];
  if (lines !== total) problems.push(`${label}: tracking.log holds ${lines} lines, expected ${total}`);
  const dropped = done.reduce((sum, p) => sum + p.dropped + p.lost, 0);
  if (dropped) problems.push(`${label}: ${dropped} events dropped or lost by producers`);
  return {
    events: total,
    seconds,
    eventsPerSecond: total / seconds,
    publishEventsPerSecond: drain ? total / publishSeconds : undefined,
    p50: closed.p50,
    p99: closed.p99,
    max: closed.max,
    producerCpuMicrosPerEvent: done.reduce((sum, p) => sum + p.cpuMicros, 0) / total,
    consumerCpuMicrosPerEvent: closed.cpuMicros / total,
    duplicates: closed.stats.duplicates,
    problems,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const url = args.redis ?? 'redis://127.0.0.1:6379';
  const settings = {
    url,
    events: args.events ?? (args.quick ? 50000 : 200000),
    runs: args.runs ?? (args.quick ? 2 : 5),
    producers: args.producers ?? 2,
    batchSize: args.batchSize ?? 100,
    consumerBatch: args.consumerBatch ?? 500,
    rate: args.rate ?? 10000,
  };
  try {
    await redisCommand(url, ['PING']);
  } catch (error) {
    console.error(`Redis at ${url} is not reachable (${error.message}); start redis-server or pass --redis URL.`);
    process.exit(1);
  }
  const packagePath = builtPackagePath(args.package);
  const log = (...parts) => console.error('[bench:bus]', ...parts);
  const results = { sustained: [], paced: [], drain: [], openedx: [] };
  for (let run = 0; run < settings.runs; run++) {
    const common = { url, producers: settings.producers, batchSize: settings.batchSize, consumerBatch: settings.consumerBatch, modulePath: packagePath };
    const load = () => `load ${os.loadavg()[0].toFixed(2)}`;
    const sustained = await runOnce({ ...common, events: settings.events, rate: 0, label: `s${run}` });
    log(`run ${run + 1}/${settings.runs} sustained: ${Math.round(sustained.eventsPerSecond)} events/s, p50 ${sustained.p50.toFixed(1)} ms, p99 ${sustained.p99.toFixed(1)} ms, ${load()}`);
    results.sustained.push(sustained);
    const paced = await runOnce({ ...common, events: Math.floor(settings.events / 4), rate: settings.rate, label: `p${run}` });
    log(`run ${run + 1}/${settings.runs} paced ${settings.rate}/s: ${Math.round(paced.eventsPerSecond)} events/s, p50 ${paced.p50.toFixed(1)} ms, p99 ${paced.p99.toFixed(1)} ms, ${load()}`);
    results.paced.push(paced);
    const drained = await runOnce({ ...common, events: settings.events, rate: 0, label: `d${run}`, drain: true });
    log(`run ${run + 1}/${settings.runs} drain: producers alone ${Math.round(drained.publishEventsPerSecond)} events/s; consumer alone ${Math.round(drained.eventsPerSecond)} events/s, ${load()}`);
    results.drain.push(drained);
    const openedx = await runOnce({ ...common, events: settings.events, rate: 0, label: `o${run}`, drain: true, format: 'openedx' });
    log(`run ${run + 1}/${settings.runs} drain, openedx format: producers alone ${Math.round(openedx.publishEventsPerSecond)} events/s; consumer alone ${Math.round(openedx.eventsPerSecond)} events/s, ${load()}`);
    results.openedx.push(openedx);
  }
  const summarize = (rows) => ({
    eventsPerSecond: Math.round(median(rows.map((r) => r.eventsPerSecond))),
    p50Ms: +median(rows.map((r) => r.p50)).toFixed(2),
    p99Ms: +median(rows.map((r) => r.p99)).toFixed(2),
    producerCpuMicrosPerEvent: +median(rows.map((r) => r.producerCpuMicrosPerEvent)).toFixed(1),
    consumerCpuMicrosPerEvent: +median(rows.map((r) => r.consumerCpuMicrosPerEvent)).toFixed(1),
  });
  const summary = {
    sustained: summarize(results.sustained),
    paced: summarize(results.paced),
    drain: { ...summarize(results.drain), publishEventsPerSecond: Math.round(median(results.drain.map((r) => r.publishEventsPerSecond))) },
    openedx: { ...summarize(results.openedx), publishEventsPerSecond: Math.round(median(results.openedx.map((r) => r.publishEventsPerSecond))) },
  };
  const problems = [...results.sustained, ...results.paced, ...results.drain, ...results.openedx].flatMap((r) => r.problems);
  const { sustained, paced, drain, openedx } = summary;
  console.log('\nEvent bus: producers → Redis stream → consumer → tracking.log (median of %d runs, %d cores, load %s)', settings.runs, os.cpus().length, os.loadavg()[0].toFixed(2));
  console.log(`  sustained, ${settings.producers} producers, ${settings.events} events: ${sustained.eventsPerSecond} events/s end to end; latency p50 ${sustained.p50Ms} ms, p99 ${sustained.p99Ms} ms (at saturation)`);
  console.log(`  paced at ${settings.rate} events/s: latency p50 ${paced.p50Ms} ms, p99 ${paced.p99Ms} ms`);
  console.log(`  each side alone: producers publish ${drain.publishEventsPerSecond} events/s; the consumer writes ${drain.eventsPerSecond} events/s`);
  console.log(`  the same in the openedx format: producers publish ${openedx.publishEventsPerSecond} events/s; the consumer writes ${openedx.eventsPerSecond} events/s`);
  console.log(`  CPU per event, each side alone, ours / openedx: producers ${drain.producerCpuMicrosPerEvent} / ${openedx.producerCpuMicrosPerEvent} µs, consumer ${drain.consumerCpuMicrosPerEvent} / ${openedx.consumerCpuMicrosPerEvent} µs`);
  console.log(`  CPU per event (sustained): producers ${sustained.producerCpuMicrosPerEvent} µs, consumer ${sustained.consumerCpuMicrosPerEvent} µs`);
  console.log(`  target ≥ 50,000 events/s end to end: ${sustained.eventsPerSecond >= 50000 ? 'met' : 'NOT met'}`);
  if (problems.length) console.log(`  problems:\n    ${problems.join('\n    ')}`);
  const out = args.out ? path.resolve(args.out) : path.join(here, 'bus-results.json');
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version, loadavg: os.loadavg() };
  fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, settings, package: packagePath, summary, problems, runs: results }, null, 2));
  log(`results written to ${out}`);
}

if (role === 'producer') producerMain();
else if (role === 'consumer') consumerMain();
else main().catch((error) => {
  console.error(error);
  process.exit(1);
});
