'use strict';
// Scenario 5, in a fresh process each time: `node --expose-gc memory.cjs <json options>`.
//   mode 'burst':   `events` emits through edxDefaults to a temporary tracking.log, in
//                   batches of `batch` per event-loop turn (batch 0: one synchronous loop);
//                   RSS before, peak during (sampled every 1,000 emits), at the end of the
//                   burst, after close and after GC; the lines in the file are counted.
//   mode 'segment': `events` whitelisted emits to a SegmentBackend whose endpoint (a local
//                   HTTP server on 127.0.0.1) never answers, with its maxPending bound; RSS
//                   and the backend's counters. Skipped when the built package has no SegmentBackend.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { setImmediate: nextTurn, setTimeout: sleep } = require('node:timers/promises');
const et = require('eventtracking');
const { REQUEST_CONTEXT, EVENT_NAME, eventData } = require('./fixtures.cjs');
const { countLines, sizeOf, rssMB, gc, finish, fail } = require('./util.cjs');

const options = JSON.parse(process.argv[2]);

/** The logger's internals, read for the report only (not public API): where lines wait. */
function queues(tracker) {
  try {
    const logger = tracker.getBackend('tracking_logs').backends.get('logger').logger;
    const sink = logger.transports.map((t) => t.sink).find(Boolean);
    return {
      winstonBuffered: (logger.writableLength ?? 0) + (logger.readableLength ?? 0),
      sinkQueued: sink ? sink.received - sink.written - sink.dropped - sink.lost : 0,
      sinkDropped: sink ? sink.dropped : 0,
    };
  } catch {
    return { winstonBuffered: 0, sinkQueued: 0, sinkDropped: 0 };
  }
}

/**
 * Emits `count` events in one request context, calling `sample` every 1,000 and
 * yielding to the event loop every `batch` (0: one synchronous loop).
 */
function emitBurst(tracker, count, batch, sample) {
  return et.openContextFrame(async () => {
    tracker.enterContext('edx.request', REQUEST_CONTEXT);
    for (let i = 0; i < count; i++) {
      tracker.emit(EVENT_NAME, eventData(i));
      if (i % 1000 === 999) {
        sample();
        if (batch > 0 && (i + 1) % batch === 0) await nextTurn();
      }
    }
  });
}

async function burst() {
  const { events: N, batch, tmpdir } = options;
  const file = path.join(tmpdir, `memory-${process.pid}.log`);
  let errors = 0;
  let firstError;
  let dropReports = 0;
  gc();
  await sleep(50);
  const rssBefore = rssMB();
  // Lines past maxQueuedLines are dropped and reported: the bound at work, counted apart.
  const onError = (error) => {
    if (/dropping lines|were dropped/.test(error.message)) dropReports++;
    else { errors++; firstError ??= error.message; }
  };
  const tracker = et.createTracker({ ...et.edxDefaults({ trackingLog: file }), onError });
  let peak = rssMB();
  let peakWinston = 0;
  let peakSink = 0;
  const sample = () => {
    const rss = rssMB();
    if (rss > peak) peak = rss;
    const q = queues(tracker);
    if (q.winstonBuffered > peakWinston) peakWinston = q.winstonBuffered;
    if (q.sinkQueued > peakSink) peakSink = q.sinkQueued;
  };
  const t0 = process.hrtime.bigint();
  await emitBurst(tracker, N, batch, sample);
  const burstMs = Number(process.hrtime.bigint() - t0) / 1e6;
  sample();
  const rssEndOfBurst = rssMB();
  // Keep sampling while the backlog drains.
  const timer = setInterval(sample, 5);
  await tracker.flush();
  const drainedMs = Number(process.hrtime.bigint() - t0) / 1e6;
  clearInterval(timer);
  sample();
  const rssAfterFlush = rssMB();
  const { sinkDropped: dropped } = queues(tracker);
  await tracker.close();
  const rssAfterClose = rssMB();
  gc();
  await sleep(100);
  gc();
  const rssAfterGc = rssMB();
  const lines = countLines(file);
  const bytes = sizeOf(file);
  fs.rmSync(file, { force: true });
  return {
    mode: 'burst', events: N, batch, lines, dropped, dropReports, bytes, errors, firstError, burstMs, drainedMs,
    rssBefore, rssPeak: peak, rssEndOfBurst, rssAfterFlush, rssAfterClose, rssAfterGc,
    peakWinstonBuffered: peakWinston, peakSinkQueued: peakSink,
  };
}

async function segment() {
  const { SegmentBackend } = et;
  if (typeof SegmentBackend !== 'function') return { mode: 'segment', skipped: 'no SegmentBackend' };
  const { events: N, batch, tmpdir, maxPending } = options;
  // An endpoint that accepts connections and never answers.
  const hanging = new Set();
  const server = http.createServer((req) => { hanging.add(req); req.resume(); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = server.address().port;
  let errors = 0;
  gc();
  await sleep(50);
  const rssBefore = rssMB();
  const backend = new SegmentBackend({
    writeKey: 'bench-write-key',
    host: `http://127.0.0.1:${port}`,
    ...(maxPending ? { maxPending } : {}),
    closeTimeout: 2000,
  });
  const file = path.join(tmpdir, `segment-${process.pid}.log`);
  const config = et.edxDefaults({ trackingLog: file });
  const tracker = et.createTracker({
    ...config,
    backends: {
      ...config.backends,
      segmentio: new et.RoutingBackend({
        processors: [new et.NameWhitelistProcessor({ whitelist: [EVENT_NAME] })],
        backends: { segment: backend },
      }),
    },
    onError: () => { errors++; },
  });
  let peak = rssMB();
  let peakPending = 0;
  const sample = () => {
    const rss = rssMB();
    if (rss > peak) peak = rss;
    if (backend.pending > peakPending) peakPending = backend.pending;
  };
  const timer = setInterval(sample, 10);
  const t0 = process.hrtime.bigint();
  await emitBurst(tracker, N, batch, sample);
  const burstMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // Let the client try for a while with the endpoint silent.
  await sleep(options.holdMs ?? 3000);
  sample();
  const rssHeld = rssMB();
  const counters = { sent: backend.sent, pending: backend.pending, dropped: backend.dropped, skipped: backend.skipped, delivered: backend.delivered, failed: backend.failed };
  const closeStart = process.hrtime.bigint();
  await tracker.close();
  const closeMs = Number(process.hrtime.bigint() - closeStart) / 1e6;
  clearInterval(timer);
  for (const req of hanging) req.socket.destroy();
  server.closeAllConnections?.();
  server.close();
  gc();
  await sleep(100);
  const rssAfterClose = rssMB();
  fs.rmSync(file, { force: true });
  return {
    mode: 'segment', events: N, batch, maxPending: backend.maxPending, errors, burstMs, closeMs,
    rssBefore, rssPeak: peak, rssHeld, rssAfterClose, peakPending, ...counters,
  };
}

(options.mode === 'segment' ? segment() : burst()).then(finish, fail);
