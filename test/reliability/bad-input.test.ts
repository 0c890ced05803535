// 4. Bad input. Generated malformed requests (fast-check, seeded, a fixed count) to
// the demo apps' /event, /segmentio/event?key=... and tracked pages, each app in a
// child process of its own: 0 crashes, 0 answers of 5xx, the server still answers
// afterwards, the prototypes untouched, and every line of tracking.log is one JSON
// event. On a failure fast-check prints the seed and the smallest request it found.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { killChildren, startChild, type Child } from './support/child';
import { printFigures, recordFigures } from './support/figures';
import { Agent } from 'node:http';
import { send } from './support/http';
import { malformedRequest, type MalformedRequest } from './support/malformed';

const RUNS_PER_APP = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 5000);
const SEED = Number(process.env.RELIABILITY_SEED ?? 20240607);
const SEGMENTIO_SECRET = 'fuzz-segmentio-secret';

afterAll(async () => {
  printFigures();
  await killChildren();
});

describe.each(['express', 'koa'])('malformed requests to the %s demo', (framework) => {
  it(`survives ${RUNS_PER_APP} of them: no crash, no 5xx, one JSON event per line, no polluted prototype`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `et-fuzz-${framework}-`));
    const trackingLog = join(dir, 'tracking.log');
    const child: Child = startChild('demo-server.cjs', [framework, trackingLog], { lifetimeMs: 150000 });
    const crashed = child.message<{ crash: string }>((m) => 'crash' in m, 150000).then(
      (m) => m.crash,
      () => undefined,
    );
    let crash: string | undefined;
    void crashed.then((c) => (crash = c));
    const statuses = new Map<number, number>();
    const byTarget = new Map<string, number>();
    const fiveHundreds: string[] = [];
    let networkErrors = 0;
    try {
      const { port } = await child.message<{ ready: boolean; port: number }>((m) => m.ready);
      const base = `http://127.0.0.1:${port}`;
      // A connection per request: a connection the server cuts (headers too large, say)
      // is then charged to the request that caused it, not to the next one on it.
      const agent = new Agent({ keepAlive: false });
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(malformedRequest(SEGMENTIO_SECRET), async (request: MalformedRequest) => {
          byTarget.set(`${request.target} ${request.method}`, (byTarget.get(`${request.target} ${request.method}`) ?? 0) + 1);
          let status: number;
          try {
            status = (await send(base, request, agent, 15000)).status;
          } catch (error) {
            // The server may cut a connection it cannot parse (a bad method, headers too large): not a crash.
            networkErrors++;
            status = -1;
            if (crash) throw new Error(`the server crashed: ${crash}`);
            if (!/ECONNRESET|socket hang up|EPIPE/.test(String((error as Error).message))) throw error;
          }
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500) {
            fiveHundreds.push(`${status} ${request.method} ${request.path.slice(0, 200)}`);
            throw new Error(`answered ${status}`);
          }
          if (crash) throw new Error(`the server crashed: ${crash}`);
        }),
        { seed: SEED, numRuns: RUNS_PER_APP, endOnFailure: true },
      );
      const elapsed = (Date.now() - started) / 1000;

      // Still alive and answering.
      const home = await send(base, { path: '/' }, agent);
      agent.destroy();
      child.process.send({ cmd: 'check' });
      const check = await child.message<{ checked: boolean; changes: string[]; probes: string[]; crashes: string[] }>((m) => 'checked' in m);
      child.process.send({ cmd: 'close' });
      const closed = await child.message<{ closed: boolean; emitted: number; failures: number; logged: number; dropped: number }>((m) => 'closed' in m);

      // Every line of tracking.log is one JSON event.
      const text = readFileSync(trackingLog, 'utf8');
      const lines = text.split('\n');
      const last = lines.pop();
      const badLines: string[] = [];
      for (const line of lines) {
        try {
          const event = JSON.parse(line) as unknown;
          const ok = typeof event === 'object' && event !== null && !Array.isArray(event) && 'event_type' in event && 'time' in event && 'context' in event;
          if (!ok) badLines.push(line.slice(0, 200));
        } catch {
          badLines.push(line.slice(0, 200));
        }
      }
      const reportLines = child.stderr().split('\n').filter((line) => line.startsWith('eventtracking:'));
      const reportKinds = new Map<string, number>();
      for (const line of reportLines) {
        const [, where = '?', why = ''] = /^eventtracking: (.*?) failed(?: \(event '.*?'\))?: (.*)$/.exec(line) ?? [];
        const kind = `${where}: ${why.replace(/\d+/g, 'N').slice(0, 60)}`;
        reportKinds.set(kind, (reportKinds.get(kind) ?? 0) + 1);
      }
      recordFigures(`bad input/${framework}`, {
        requests: RUNS_PER_APP,
        seed: SEED,
        byTarget: Object.fromEntries([...byTarget].sort()),
        statuses: Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])),
        connectionsCut: networkErrors,
        crashes: check.crashes.length + (crash ? 1 : 0),
        answers5xx: fiveHundreds.length,
        prototypeChanges: check.changes.length,
        eventsEmitted: closed.emitted,
        linesInTrackingLog: lines.length,
        linesNotOneEvent: badLines.length,
        eventsNotWritten: closed.emitted - lines.length,
        reportsOnStderr: Object.fromEntries(reportKinds),
        seconds: elapsed,
      });
      expect(crash).toBeUndefined();
      expect(check.crashes).toEqual([]);
      expect(fiveHundreds).toEqual([]);
      expect(home.status).toBe(200);
      expect(check.changes).toEqual([]);
      expect(check.probes).toEqual([]);
      expect(last).toBe('');
      expect(badLines).toEqual([]);
      expect(lines.length).toBe(closed.logged);
      // No event was lost on the way: every emit reached tracking.log.
      expect(closed.emitted).toBe(lines.length);
      expect(lines.length).toBeGreaterThan(RUNS_PER_APP / 10);
    } finally {
      child.kill();
    }
  });
});
