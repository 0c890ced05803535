// 2. No loss on shutdown. A server in a child process (edxDefaults: tracking.log and a
// Segment branch to a sink here) is under steady load from this process when it
// receives SIGTERM; onShutdownSignals stops accepting, lets the requests in flight
// finish, closes the tracker and exits 0. Every event it emitted must be in
// tracking.log, every whitelisted one at the sink, and every request answered 200
// must have its events logged. (gracefulShutdown's own promises — idle keep-alive
// connections, `timeout`, `closeTimeout` — are tested in process in test/shutdown.test.ts.)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killChildren, startChild } from './support/child';
import { FaultSink } from './support/fault-sink';
import { printFigures, recordFigures } from './support/figures';
import { delay, keepAliveAgent, send } from './support/http';

afterAll(async () => {
  printFigures();
  await killChildren();
});

interface ChildSummary {
  done: true;
  emitted: number;
  whitelisted: number;
  answered: number;
  report: { openConnections: number; inFlightRequests: number; destroyedConnections: number; trackerClosed: boolean; durationMs: number };
  logger: { logged: number; dropped: number };
  segment: { sent: number; delivered: number; failed: number; dropped: number; pending: number };
  failures: string[];
}

describe('SIGTERM under steady load (child process, onShutdownSignals)', () => {
  it('writes every emitted event to tracking.log and every whitelisted one to Segment: emitted == written', async () => {
    const sink = await FaultSink.start();
    const dir = mkdtempSync(join(tmpdir(), 'et-shutdown-'));
    const trackingLog = join(dir, 'tracking.log');
    const child = startChild('shutdown-server.cjs', [trackingLog, sink.url], { lifetimeMs: 60000 });
    try {
      const { port } = await child.message<{ ready: boolean; port: number }>((m) => m.ready);
      const base = `http://127.0.0.1:${port}`;
      const agent = keepAliveAgent(32);
      const ok = new Set<number>();
      const errors = new Map<string, number>();
      let sent = 0;
      let signalledAt = -1;
      let stopped = false;
      const worker = async (w: number): Promise<void> => {
        while (!stopped) {
          const rid = sent++;
          try {
            const reply = await send(base, { path: `/work/${rid}`, headers: { 'x-worker': String(w) } }, agent, 10000);
            if (reply.status === 200) ok.add(rid);
            else errors.set(`status ${reply.status}`, (errors.get(`status ${reply.status}`) ?? 0) + 1);
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
            errors.set(code, (errors.get(code) ?? 0) + 1);
            // Refused: the server no longer accepts. Do not spin.
            await delay(5);
          }
        }
      };
      const load = Promise.all(Array.from({ length: 32 }, (_, w) => worker(w)));
      await delay(1500);
      const beforeSignal = ok.size;
      signalledAt = sent;
      child.kill('SIGTERM');
      const code = await child.exited;
      stopped = true;
      await load;
      agent.destroy();

      expect(code).toBe(0);
      const summaryLine = child.stdout().split('\n').find((line) => line.startsWith('{"done":true'));
      expect(summaryLine).toBeDefined();
      const summary = JSON.parse(summaryLine!) as ChildSummary;

      const lines = readFileSync(trackingLog, 'utf8').split('\n');
      expect(lines.pop()).toBe(''); // the file ends with a newline
      const events = lines.map((line) => JSON.parse(line) as { event_type: string; event: { rid?: number } });
      const logged = new Set(events.filter((e) => e.event_type === 'app.whitelisted').map((e) => e.event.rid));
      const atSink = sink.messages.filter((m) => m.event === 'app.whitelisted');
      const unanswered = [...ok].filter((rid) => !logged.has(rid));

      recordFigures('shutdown/SIGTERM under load', {
        requestsSent: sent,
        answered200: ok.size,
        answeredAfterSignal: ok.size - beforeSignal,
        sentAfterSignal: sent - signalledAt,
        clientErrorsAfterSignal: Object.fromEntries(errors),
        inFlightAtSignal: summary.report.inFlightRequests,
        openConnectionsAtSignal: summary.report.openConnections,
        destroyedConnections: summary.report.destroyedConnections,
        eventsEmitted: summary.emitted,
        linesInTrackingLog: events.length,
        whitelistedEmitted: summary.whitelisted,
        whitelistedAtSink: atSink.length,
        sinkDuplicates: sink.duplicates,
        lost: summary.emitted - events.length + (summary.whitelisted - atSink.length),
        shutdownMs: summary.report.durationMs,
      });
      expect(summary.failures).toEqual([]);
      expect(summary.report.inFlightRequests).toBeGreaterThan(0);
      expect(summary.report.destroyedConnections).toBe(0);
      expect(summary.report.trackerClosed).toBe(true);
      expect(events.length).toBe(summary.emitted);
      expect(summary.logger).toEqual({ logged: summary.emitted, dropped: 0 });
      expect(atSink.length).toBe(summary.whitelisted);
      expect(new Set(atSink.map((m) => m.properties?.data?.rid)).size).toBe(summary.whitelisted);
      expect(summary.segment).toMatchObject({ sent: summary.whitelisted, delivered: summary.whitelisted, failed: 0, dropped: 0, pending: 0 });
      // Every request answered 200 had its events written.
      expect(unanswered).toEqual([]);
      expect(summary.answered).toBeGreaterThanOrEqual(ok.size);
    } finally {
      child.kill();
      await sink.close();
    }
  });
});

describe('a script that ends without tracker.close()', () => {
  // A script that emits and returns, never calling close(), must still find every
  // event in tracking.log: the sink's batch timer (BATCH_DELAY_MS, 10 ms, running only
  // while lines wait) is not unref'd, so Node waits for it before exiting. (An unref'd
  // timer once let such a script exit with every queued line lost, silently.)
  it('still has every event in tracking.log when Node exits on its own', async () => {
    const trackingLog = join(mkdtempSync(join(tmpdir(), 'et-script-')), 'tracking.log');
    const child = startChild('emit-and-return.cjs', [trackingLog, '5000'], { lifetimeMs: 30000 });
    expect(await child.exited).toBe(0);
    const lines = readFileSync(trackingLog, 'utf8').split('\n').filter(Boolean);
    recordFigures('shutdown/natural exit without close()', { emitted: 5000, written: lines.length });
    expect(lines).toHaveLength(5000);
  });
});
