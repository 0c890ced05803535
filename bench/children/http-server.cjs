'use strict';
// One scenario server, in its own process: `node http-server.cjs <variant> <tmpdir>`
// (forked by bench/run.mjs). Listens on 127.0.0.1 port 0, reports its port, and
// answers control messages:
//   { cmd: 'begin' }  → truncates its log, resets counters, snapshots process.cpuUsage() (no forced GC)
//   { cmd: 'end' }    → waits until every line is on disk, then replies with the CPU delta,
//                       the requests served, and the lines the log holds
//   { cmd: 'profile-start' } / { cmd: 'profile-stop', file } → a CPU profile (node:inspector)
//   { cmd: 'exit' }   → closes everything and exits
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { setTimeout: sleep } = require('node:timers/promises');
const { buildVariant } = require('./apps.cjs');

const [variant, tmpdir] = process.argv.slice(2);
const files = { log: path.join(tmpdir, `${variant}.log`) };
const built = buildVariant(variant, files);
const server = http.createServer(built.app);
let served = 0;
let firstAt = 0n;
let lastAt = 0n;
server.on('request', () => {
  const now = process.hrtime.bigint();
  if (served === 0) firstAt = now;
  lastAt = now;
  served++;
});

let cpuStart;
let wallStart;
let session;

function countLines(file) {
  try {
    const buffer = fs.readFileSync(file);
    let lines = 0;
    for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, i + 1)) lines++;
    return lines;
  } catch {
    return 0;
  }
}

function sizeOf(file) {
  try { return fs.statSync(file).size; } catch { return 0; }
}

/** Waits until the tracker has flushed and the log file stops growing (idle: costs no CPU). */
async function settle() {
  if (built.tracker) await built.tracker.flush();
  if (!built.logFile) { await sleep(50); return; }
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 200 && stable < 3; i++) {
    await sleep(20);
    const size = sizeOf(built.logFile);
    stable = size === last ? stable + 1 : 0;
    last = size;
  }
}

const handlers = {
  async begin() {
    if (built.logFile) { try { fs.truncateSync(built.logFile, 0); } catch {} }
    // No forced GC here: a full GC shrinks the heap, and regrowing it (with the
    // background sweeping a forced GC leaves behind) landed in the next slice, doubling
    // bare Express's CPU per request in 2,000-request slices. A server in steady state
    // pays for its own garbage as it goes, which is what each slice now measures.
    await sleep(20);
    served = 0;
    wallStart = process.hrtime.bigint();
    cpuStart = process.cpuUsage();
    return {};
  },
  async end() {
    const requests = served;
    await settle();
    const cpu = process.cpuUsage(cpuStart);
    const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
    const lines = built.logFile ? countLines(built.logFile) : 0;
    return {
      cpuUser: cpu.user,
      cpuSystem: cpu.system,
      cpuMicros: cpu.user + cpu.system,
      requests,
      wallMs,
      // Server-side throughput: requests between the first and the last arrival.
      serverRps: requests > 1 ? (requests - 1) / (Number(lastAt - firstAt) / 1e9) : NaN,
      lines,
      bytes: built.logFile ? sizeOf(built.logFile) : 0,
      expectedLines: requests * built.linesPerRequest,
      missingContext: built.seen ? built.seen.missing : 0,
      reportedErrors: built.errors ? built.errors.count : 0,
      rssMB: process.memoryUsage.rss() / 1048576,
    };
  },
  async 'profile-start'(msg) {
    const inspector = require('node:inspector');
    session = new inspector.Session();
    session.connect();
    const post = (method, params) => new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: msg.intervalMicros ?? 100 });
    await post('Profiler.start');
    return {};
  },
  async 'profile-stop'(msg) {
    const profile = await new Promise((resolve, reject) =>
      session.post('Profiler.stop', (error, result) => (error ? reject(error) : resolve(result.profile))));
    fs.writeFileSync(msg.file, JSON.stringify(profile));
    session.disconnect();
    return { file: msg.file };
  },
  async exit() {
    server.closeAllConnections?.();
    server.close();
    if (built.tracker) await built.tracker.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async (msg) => {
  try {
    const result = await handlers[msg.cmd](msg);
    process.send({ id: msg.id, ok: true, ...result });
  } catch (error) {
    process.send({ id: msg.id, ok: false, error: String(error && error.stack || error) });
  }
});
process.on('disconnect', () => process.exit(0));

// A Fastify app answers once its routes are in (`built.ready`).
Promise.resolve(built.ready).then(() => server.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', port: server.address().port, pid: process.pid, packagePath: require.resolve('eventtracking') });
}));
