#!/usr/bin/env node
// A breakdown of the per-request hot path of scenario 2, in process and without HTTP,
// so that each stage's cost can be read without the noise of a load generator:
// `node --expose-gc bench/components.mjs [--iterations 50000] [--rounds 7]`.
// Each stage is timed over `iterations` calls, stages interleaved round by round;
// the median µs per call is printed. Uses the built package (from a snapshot of dist/,
// as the benchmark does), and a few of its internal modules for the stage-by-stage
// figures (deepCopy, buildRequestContext, AppendFileSink).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { installSnapshot } from './lib/child.mjs';
import { summary } from './lib/stats.mjs';

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const N = opt('iterations', 50000);
const ROUNDS = opt('rounds', 7);

const snapshot = installSnapshot();
const require = createRequire(path.join(snapshot.dir, 'children', 'components.cjs'));
const et = require('eventtracking');
const { trackMiddleware } = require('eventtracking/express');
const winston = require('winston');
const TransportStream = require('winston-transport');
const pkg = path.dirname(require.resolve('eventtracking/package.json'));
const internal = (file) => require(path.join(pkg, 'dist', 'cjs', file));
const { deepCopy } = internal('encoding/copy.js');
const { buildRequestContext } = internal('request/request-context.js');
const { AppendFileSink } = internal('backends/append-file-sink.js');
const { REQUEST_PATH, REQUEST_HEADERS, REQUEST_CONTEXT, SECRET_KEY, EVENT_NAME, eventData } = require('./fixtures.cjs');

const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'eventtracking-components-'));
process.on('exit', () => fs.rmSync(tmpdir, { recursive: true, force: true }));
const quiet = { onError: () => {} };

/** A transport that drops every line: winston's machinery without the file. */
class NullTransport extends TransportStream {
  log(_info, next) { next(); }
}

const headers = { host: '127.0.0.1:3000', connection: 'keep-alive', ...REQUEST_HEADERS };
const socket = { remoteAddress: '127.0.0.1', encrypted: false };
function fakeRequest() {
  return { originalUrl: REQUEST_PATH, url: REQUEST_PATH, headers, socket, protocol: 'http', user: { id: 42, username: 'alice' }, sessionID: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6', body: undefined };
}

/** Runs a request through `middleware` and ends it ('finish' then 'close'), as Express would. */
function request(middleware, handler) {
  const res = new EventEmitter();
  middleware(fakeRequest(), res, () => handler?.());
  res.emit('finish');
  res.emit('close');
}

function trackerWith(backends) {
  return new et.Tracker({ ...quiet, backends });
}
const legacyBranch = (backends) => new et.RoutingBackend({ processors: [new et.LegacyFieldMappingProcessor(), new et.PrefixedEventProcessor()], backends });

// Trackers of increasing depth.
const noBackends = trackerWith({});
const copyOnly = trackerWith({ sink: { send() {} } });
const shimOnly = trackerWith({ tracking_logs: legacyBranch({ sink: { send() {} } }) });
const encodeOnly = trackerWith({ tracking_logs: legacyBranch({ sink: { send(e) { JSON.stringify(e); } } }) });
const winstonNull = trackerWith({ tracking_logs: legacyBranch({ logger: new et.LoggerBackend({ transports: [new NullTransport()] }) }) });
const edx = et.createTracker({ ...et.edxDefaults({ trackingLog: path.join(tmpdir, 'edx.log') }), ...quiet });
const winstonFile = trackerWith({ tracking_logs: legacyBranch({ logger: new et.LoggerBackend({ transports: [new winston.transports.File({ filename: path.join(tmpdir, 'winston.log') })] }) }) });

const withContext = (fn) => () => et.openContextFrame(() => { et.asyncContextLocator.current().enter('edx.request', REQUEST_CONTEXT); fn(); });
const sampleEvent = { name: EVENT_NAME, timestamp: et.now(), data: eventData(1), context: { ...REQUEST_CONTEXT } };
const legacyEvent = new et.LegacyFieldMappingProcessor().process(deepCopy(sampleEvent));
const nullLogger = winston.createLogger({ format: winston.format.printf((info) => String(info.message)), transports: [new NullTransport()] });
const line = JSON.stringify(legacyEvent);
const sink = new AppendFileSink(path.join(tmpdir, 'sink.log'), () => {});

et.registerTracker(edx);
const ctxOnly = trackMiddleware({ pageEvents: false, secretKey: SECRET_KEY, tracker: noBackends });
const withPage = trackMiddleware({ secretKey: SECRET_KEY, tracker: edx });

/** Stages: [label, per-iteration function, optional async settle after the loop]. */
const stages = [
  ['buildRequestContext (13 fields)', () => buildRequestContext({ url: REQUEST_PATH, headers, remoteAddress: '127.0.0.1', protocol: 'http', user: { id: 42, username: 'alice' }, sessionKey: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' }, SECRET_KEY)],
  ['trackMiddleware, no page event (frame + context + listeners)', () => request(ctxOnly)],
  ['trackMiddleware with page event, edxDefaults → file', () => request(withPage), () => edx.flush()],
  ['request frame: open + enter edx.request (no emit)', withContext(() => {})],
  ['emit: Tracker only (no backends)', withContext(() => noBackends.emit(EVENT_NAME, eventData(1)))],
  ['emit: + root router deep copy (1 no-op backend)', withContext(() => copyOnly.emit(EVENT_NAME, eventData(1)))],
  ['emit: + tracking_logs branch copy + shim + prefixed (no-op backend)', withContext(() => shimOnly.emit(EVENT_NAME, eventData(1)))],
  ['emit: + JSON.stringify', withContext(() => encodeOnly.emit(EVENT_NAME, eventData(1)))],
  ['emit: + LoggerBackend → winston → null transport', withContext(() => winstonNull.emit(EVENT_NAME, eventData(1)))],
  ['emit: edxDefaults → file (lean transport), incl. write', withContext(() => edx.emit(EVENT_NAME, eventData(1))), () => edx.flush()],
  ['emit: winston File transport, incl. write', withContext(() => winstonFile.emit(EVENT_NAME, eventData(1))), () => new Promise((r) => setTimeout(r, 200))],
  ['part: deepCopy(raw event)', () => deepCopy(sampleEvent)],
  ['part: LegacyFieldMappingProcessor.process', () => new et.LegacyFieldMappingProcessor().process(sampleEvent)],
  ['part: encodeJson compact (legacy event)', () => et.encodeJson(legacyEvent, 'compact')],
  ['part: winston logger.log(line) → null transport', () => nullLogger.log('info', line)],
  ['part: AppendFileSink.write (+ its share of batch writes)', () => sink.write(`${line}\n`), () => sink.flush()],
];

const gc = globalThis.gc ?? (() => {});
const results = new Map(stages.map(([label]) => [label, []]));
const batch = 200; // calls per event-loop turn, so that batched writes happen as in a server
for (let round = -1; round < ROUNDS; round++) {
  for (const [label, fn, settle] of stages) {
    const n = round < 0 ? Math.round(N / 5) : N;
    gc();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; ) {
      const end = Math.min(n, i + batch);
      for (; i < end; i++) fn();
      await new Promise((r) => setImmediate(r));
    }
    if (settle) await settle();
    const micros = Number(process.hrtime.bigint() - t0) / 1000 / n;
    if (round >= 0) results.get(label).push(micros);
  }
}
console.log(`µs per call, median of ${ROUNDS} rounds × ${N} calls (min–max); node ${process.version}, ${os.cpus()[0].model}`);
for (const [label, values] of results) {
  const s = summary(values);
  console.log(`${s.median.toFixed(2).padStart(8)}  (${s.min.toFixed(2)}–${s.max.toFixed(2)})  ${label}`);
}
await Promise.all([edx.close(), winstonFile.close(), sink.close()]);
process.exit(0);
