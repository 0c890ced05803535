// 3. Faults. The Segment endpoint answers 500, answers too late, and cuts connections
// for a while, then recovers: every accepted event arrives (deduplicated by
// messageId, as Segment does). The endpoint is gone for good: memory stays bounded,
// drops are counted and reported in a few summaries, requests are unaffected.
// tracking.log cannot be written (a path under a regular file, a full disk, a
// failing transport): failures are reported, requests unaffected, the Segment branch
// unaffected, and writing resumes once the path is fixed. A backend that never
// settles never blocks emit — and must not block close() for ever.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import TransportStream from 'winston-transport';
import { createTracker, edxDefaults, MemoryBackend, Tracker, type FailureInfo, type LoggerBackendOptions, type SegmentBackend } from '../../src';
import { trackMiddleware } from '../../src/express';
import { killChildren, startChild } from './support/child';
import { FaultSink, type Fault } from './support/fault-sink';
import { printFigures, recordFigures } from './support/figures';
import { delay, keepAliveAgent, percentile, runPool, send, waitUntil } from './support/http';

afterAll(async () => {
  printFigures();
  await killChildren();
});

interface Failure {
  message: string;
  info: FailureInfo;
}

const USER = { user_id: 42, username: 'alice', ip: '10.1.2.3', path: '/faults' };

function segmentOf(tracker: Tracker): SegmentBackend {
  return (tracker.getBackend('segmentio') as unknown as { backends: Map<string, SegmentBackend> }).backends.get('segment')!;
}

function loggerOf(tracker: Tracker): { logged: number; dropped: number; lost: number } {
  return (tracker.getBackend('tracking_logs') as unknown as { backends: Map<string, { logged: number; dropped: number; lost: number }> }).backends.get('logger')!;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('a Segment endpoint failing for a while, then recovering', () => {
  it('delivers every accepted event, once per messageId', async () => {
    const sink = await FaultSink.start(2500);
    // 45 requests fail, 15 of each kind, interleaved; then the endpoint recovers.
    const faults: Fault[] = [];
    for (let i = 0; i < 15; i++) faults.push('error500', 'timeout', 'reset');
    sink.failNext(faults);
    const failures: Failure[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'et-faults-'));
    const tracker = createTracker({
      ...edxDefaults({
        trackingLog: join(dir, 'tracking.log'),
        segment: { writeKey: 'faults-key', host: sink.url, whitelist: ['app.fault'], flushAt: 10, flushInterval: 20, httpRequestTimeout: 2000, closeTimeout: 20000 },
      }),
      onError: (error, info) => failures.push({ message: error.message, info }),
    });
    const EVENTS = 1500;
    try {
      for (let seq = 0; seq < EVENTS; ) {
        tracker.context('edx.request', USER, () => {
          for (let i = 0; i < 50; i++) tracker.emit('app.fault', { seq: seq++ });
        });
        await delay(20);
      }
      const segment = segmentOf(tracker);
      await waitUntil(() => sink.scheduled === 0 && segment.pending === 0, 'every event is settled', 60000);
      await tracker.close();

      const seqs = new Set(sink.messages.map((m) => m.properties?.data?.seq as number));
      recordFigures('faults/recovering Segment endpoint', {
        eventsAccepted: segment.sent,
        faultsInjected: { ...sink.counts, ok: undefined },
        requestsAnsweredOk: sink.counts.ok,
        uniqueMessagesAtSink: sink.processed.size,
        duplicatesAtSink: sink.duplicates,
        delivered: segment.delivered,
        failed: segment.failed,
        dropped: segment.dropped,
        lost: EVENTS - seqs.size,
      });
      expect(sink.counts).toMatchObject({ error500: 15, timeout: 15, reset: 15 });
      expect(segment.sent).toBe(EVENTS);
      expect(sink.processed.size).toBe(EVENTS);
      expect(seqs.size).toBe(EVENTS);
      expect(Math.min(...seqs)).toBe(0);
      expect(Math.max(...seqs)).toBe(EVENTS - 1);
      expect({ delivered: segment.delivered, failed: segment.failed, dropped: segment.dropped, pending: segment.pending }).toEqual({
        delivered: EVENTS,
        failed: 0,
        dropped: 0,
        pending: 0,
      });
      // Retried batches are reported by the client only when they finally fail: none did.
      expect(failures).toEqual([]);
      // tracking.log did not notice.
      expect(readFileSync(join(dir, 'tracking.log'), 'utf8').split('\n').filter(Boolean)).toHaveLength(EVENTS);
    } finally {
      await sink.close();
    }
  });
});

describe('a Segment endpoint gone for good', () => {
  it('keeps memory bounded while 200,000 whitelisted events are emitted, counts and reports the drops, and leaves requests alone', async () => {
    // A port nothing listens on.
    const probe = createServer();
    const deadUrl = await listen(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const EVENTS = 200000;
    const REQUESTS = 2000;
    const child = startChild('segment-gone.cjs', [deadUrl, String(EVENTS)], { execArgv: ['--expose-gc'], lifetimeMs: 90000 });
    try {
      const { port } = await child.message<{ ready: boolean; port: number }>((m) => m.ready);
      const base = `http://127.0.0.1:${port}`;
      /** REQUESTS requests, 20 at a time: their statuses and latencies. */
      const load = async (from: number): Promise<{ statuses: Record<number, number>; p50: number; p99: number }> => {
        // An agent per phase: a connection left idle through the burst may be closed by
        // the server (keepAliveTimeout) just as it is reused, a reset no server avoids.
        const agent = keepAliveAgent(20);
        const latencies: number[] = [];
        const statuses: Record<number, number> = {};
        await runPool(REQUESTS, 20, async (i) => {
          const started = process.hrtime.bigint();
          const reply = await send(base, { path: `/work/${from + i}` }, agent, 10000);
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
          statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
        });
        agent.destroy();
        const round = (ms: number): number => Math.round(ms * 10) / 10;
        return { statuses, p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)) };
      };
      // Requests while the endpoint has just gone (nothing held yet)...
      const early = await load(0);
      child.process.send({ cmd: 'emit' });
      const emitted = await child.message<{
        emitMs: number;
        baseline: { heapUsed: number; rss: number };
        checkpoints: Array<{ emitted: number; heapUsed: number; rss: number; pending: number; dropped: number }>;
        maxRss: number;
        counts: { sent: number; dropped: number; pending: number };
      }>((m) => 'emitted' in m, 60000);
      // ... and once 200,000 events later, with maxPending held and every new event dropped.
      const late = await load(REQUESTS);
      child.process.send({ cmd: 'close' });
      const closed = await child.message<{
        closeMs: number;
        emittedTotal: number;
        after: { sent: number; delivered: number; failed: number; pending: number; dropped: number; skipped: number };
        reports: Array<{ stage: string; component?: string; message: string }>;
      }>((m) => 'closed' in m, 30000);

      const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
      const at50k = emitted.checkpoints.find((c) => c.emitted === 50000)!;
      const last = emitted.checkpoints[emitted.checkpoints.length - 1]!;
      const peakHeap = Math.max(...emitted.checkpoints.map((c) => c.heapUsed));
      // Every drop is in a report: the first of a kind at once, the rest summed up.
      const dropReports = closed.reports.filter((r) => r.stage === 'drop');
      const droppedReported = dropReports.reduce((sum, r) => sum + Number(/^(\d+) more failures? like it/.exec(r.message)?.[1] ?? 1), 0);
      const lostAtClose = closed.reports.find((r) => r.stage === 'close')?.message ?? '';
      const lostCount = Number(/^(\d+) events? (?:was|were) not delivered/.exec(lostAtClose)?.[1] ?? 0);
      const whitelisted = EVENTS + 2 * REQUESTS;
      recordFigures('faults/Segment endpoint gone', {
        whitelistedEmitted: whitelisted,
        handedToClient: closed.after.sent,
        dropped: closed.after.dropped,
        lostAtClose: lostCount,
        failed: closed.after.failed,
        unaccounted: whitelisted - closed.after.dropped - closed.after.failed - lostCount - closed.after.delivered,
        reports: closed.reports.length,
        heapBaselineMB: mb(emitted.baseline.heapUsed),
        heapAt50kMB: mb(at50k.heapUsed),
        heapAt200kMB: mb(last.heapUsed),
        heapPeakMB: mb(peakHeap),
        heapGrowth50kTo200kMB: mb(last.heapUsed - at50k.heapUsed),
        maxRssMB: mb(emitted.maxRss),
        pendingMax: Math.max(...emitted.checkpoints.map((c) => c.pending)),
        emitSeconds: emitted.emitMs / 1000,
        requestsEarly: early,
        requestsLate: late,
        closeMs: closed.closeMs,
      });
      // Bounded: what is held for the endpoint stops at maxPending (10,000), and so does the heap.
      expect(Math.max(...emitted.checkpoints.map((c) => c.pending))).toBe(10000);
      expect(last.heapUsed - at50k.heapUsed).toBeLessThan(32 * 1048576);
      expect(peakHeap - emitted.baseline.heapUsed).toBeLessThan(320 * 1048576);
      expect(emitted.maxRss).toBeLessThan(640 * 1048576);
      // Counted: every whitelisted event was handed over or dropped; what was handed over failed or was lost at close.
      expect(closed.after.sent + closed.after.dropped).toBe(whitelisted);
      expect(closed.after.delivered).toBe(0);
      expect(closed.after.failed + lostCount).toBe(closed.after.sent);
      expect(closed.after.pending).toBe(lostCount);
      // Reported: a handful of summaries, not one line per event, and they add up.
      expect(droppedReported).toBe(closed.after.dropped);
      expect(closed.reports.length).toBeLessThan(50);
      // Requests: all answered 200, before and after.
      expect(early.statuses).toEqual({ 200: REQUESTS });
      expect(late.statuses).toEqual({ 200: REQUESTS });
    } finally {
      child.kill();
    }
  });
});

/** A winston transport whose every write fails. */
class FailingTransport extends TransportStream {
  override log(_info: unknown, next: () => void): void {
    setImmediate(() => this.emit('error', new Error('the log stream is broken')));
    next();
  }
}

describe.each<[string, (dir: string) => LoggerBackendOptions | string]>([
  ['a path under a regular file (mkdir fails)', (dir) => {
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    return join(dir, 'not-a-dir', 'tracking.log');
  }],
  ['a full disk (/dev/full: ENOSPC)', () => '/dev/full'],
  ['a failing winston transport', () => ({ transports: [new FailingTransport()] })],
])('tracking.log unwritable: %s', (name, trackingLogOf) => {
  it('reports the failures, answers every request, and still forwards to Segment', async () => {
    const sink = await FaultSink.start();
    const dir = mkdtempSync(join(tmpdir(), 'et-unwritable-'));
    const failures: Failure[] = [];
    const tracker = createTracker({
      ...edxDefaults({ trackingLog: trackingLogOf(dir), segment: { writeKey: 'k', host: sink.url, whitelist: ['app.unwritable'], flushAt: 20, flushInterval: 20 } }),
      onError: (error, info) => failures.push({ message: error.message, info }),
    });
    const app = express();
    app.use((req, _res, next) => {
      (req as { user?: unknown }).user = { id: 7, username: 'bob' };
      next();
    });
    app.use(trackMiddleware({ tracker, secretKey: 's', pageEvents: false }));
    app.get('/work/:n', (req, res) => {
      tracker.emit('app.unwritable', { n: Number(req.params.n) });
      res.send('ok');
    });
    const server = createServer(app);
    const base = await listen(server);
    const agent = keepAliveAgent(20);
    const REQUESTS = 500;
    const latencies: number[] = [];
    try {
      const replies = await runPool(REQUESTS, 20, async (n) => {
        const started = process.hrtime.bigint();
        const reply = await send(base, { path: `/work/${n}` }, agent, 10000);
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        return reply.status;
      });
      await tracker.close();
      const loggerFailures = failures.filter((f) => f.info.component === 'logger');
      const linesLost = loggerFailures.reduce((sum, f) => sum + Number(/^(\d+) (?:more )?line\(s\) not written/.exec(f.message)?.[1] ?? 0), 0);
      const segment = segmentOf(tracker);
      recordFigures(`faults/tracking.log unwritable: ${name}`, {
        requests: REQUESTS,
        non200: replies.filter((s) => s !== 200).length,
        latencyP99ms: Math.round(percentile(latencies, 99) * 10) / 10,
        loggerReports: loggerFailures.length,
        linesReportedLost: linesLost,
        otherReports: failures.length - loggerFailures.length,
        deliveredToSegment: segment.delivered,
        uniqueAtSink: sink.processed.size,
      });
      expect(replies.filter((s) => s !== 200)).toEqual([]);
      expect(loggerFailures.length).toBeGreaterThan(0);
      expect(loggerFailures.every((f) => f.info.stage === 'backend')).toBe(true);
      if (typeof trackingLogOf(dir) === 'string') expect(linesLost).toBe(REQUESTS);
      expect(failures.filter((f) => f.info.component !== 'logger')).toEqual([]);
      expect(segment.delivered).toBe(REQUESTS);
      expect(sink.processed.size).toBe(REQUESTS);
    } finally {
      agent.destroy();
      server.closeAllConnections();
      server.close();
      await sink.close();
    }
  });
});

describe('tracking.log unwritable under steady traffic', () => {
  // A full or missing disk under steady traffic must not turn into one report per
  // failed batch (hundreds of lines a second on stderr, maybe on that same disk): the
  // default transport reports a run of failed writes when it starts and sums the rest
  // up when it ends (here at close()), and the LoggerBackend counts every line not
  // written in `lost`.
  it('reports it in a few summaries, not once per batch, and counts every line lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'et-flood-'));
    writeFileSync(join(dir, 'file'), 'x');
    const failures: Failure[] = [];
    const tracker = createTracker({ ...edxDefaults({ trackingLog: join(dir, 'file', 'tracking.log') }), onError: (error, info) => failures.push({ message: error.message, info }) });
    for (let turn = 0; turn < 200; turn++) {
      for (let i = 0; i < 10; i++) tracker.emit('app.flood', { turn, i });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await tracker.close();
    const reports = failures.filter((f) => f.info.component === 'logger');
    recordFigures('faults/unwritable log, 2000 lines over 200 turns', { reports: reports.length });
    expect(loggerOf(tracker).lost).toBe(2000);
    expect(reports.length).toBeLessThanOrEqual(5);
  });
});

describe('tracking.log unwritable for a while', () => {
  it('writes again once the path is fixed, without a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'et-recover-'));
    writeFileSync(join(dir, 'logs'), 'in the way');
    const file = join(dir, 'logs', 'tracking.log');
    const failures: Failure[] = [];
    const tracker = createTracker({ ...edxDefaults({ trackingLog: file }), onError: (error, info) => failures.push({ message: error.message, info }) });
    for (let i = 0; i < 100; i++) tracker.emit('app.before', { i });
    await tracker.flush();
    expect(failures.length).toBeGreaterThan(0);
    rmSync(join(dir, 'logs'));
    for (let i = 0; i < 100; i++) tracker.emit('app.after', { i });
    await tracker.close();
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { event_type: string });
    expect(lines.map((l) => l.event_type)).toEqual(Array.from({ length: 100 }, () => 'app.after'));
    expect(loggerOf(tracker)).toEqual(expect.objectContaining({ logged: 200, dropped: 0 }));
  });
});

describe('a backend that never settles', () => {
  const hung = () => ({ sent: 0, send(): Promise<void> { this.sent++; return new Promise<void>(() => undefined); } });

  it('never blocks emit: 10,000 emits return at once and the other backends get every event', async () => {
    const memory = new MemoryBackend();
    const backend = hung();
    const tracker = new Tracker({ backends: { hung: backend, memory }, onError: () => undefined });
    const app = express();
    app.use(trackMiddleware({ tracker, secretKey: 's', pageEvents: false }));
    app.get('/work/:n', (req, res) => {
      tracker.emit('app.hung', { n: Number(req.params.n) });
      res.send('ok');
    });
    const server = createServer(app);
    const base = await listen(server);
    const agent = keepAliveAgent(20);
    try {
      const started = process.hrtime.bigint();
      for (let i = 0; i < 10000; i++) tracker.emit('app.direct', { i });
      const emitMs = Number(process.hrtime.bigint() - started) / 1e6;
      // emit is synchronous: the memory backend already has them all.
      expect(memory.events).toHaveLength(10000);
      expect(backend.sent).toBe(10000);
      const statuses = await runPool(1000, 20, async (n) => (await send(base, { path: `/work/${n}` }, agent, 5000)).status);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(memory.events).toHaveLength(11000);
      recordFigures('faults/hung backend', { emits: 10000, emitMsTotal: Math.round(emitMs), requests: 1000, non200: 0 });
    } finally {
      agent.destroy();
      server.closeAllConnections();
      server.close();
    }
  });

  // A backend whose send() never settles must not make tracker.close() (or flush())
  // wait for ever, nor keep the other backends from being closed: after the tracker's
  // `closeTimeout` the unsettled sends are reported as lost and every backend is closed
  // anyway.
  it('does not make tracker.close() hang for ever (bounded close)', async () => {
    const memory = new MemoryBackend();
    const failures: Failure[] = [];
    const tracker = new Tracker({ backends: { hung: hung(), memory }, closeTimeout: 500, onError: (error, info) => failures.push({ message: error.message, info }) });
    tracker.emit('app.held');
    const outcome = await Promise.race([tracker.close().then(() => 'closed'), delay(3000).then(() => 'still hanging after 3 s')]);
    expect(outcome).toBe('closed');
    expect(failures).toEqual([{ message: expect.stringContaining('1 event'), info: expect.objectContaining({ stage: 'close', component: 'hung' }) }]);
  });
});
