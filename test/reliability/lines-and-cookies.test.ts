// 9. Hostile text (issue 20). A browser event whose payload holds U+2028, U+2029 or U+0085
// broke compact tracking.log lines for readers that split on them (Python's
// `splitlines`); a `Cookie: _ga;;;...` header of 1 MB took 4.9 s to parse (every pair
// searched the rest of the header for '='), blocking the server.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createTracker, edxDefaults } from '../../src';
import { trackMiddleware, userTrackHandler } from '../../src/express';
import { killChildren, startChild } from './support/child';
import { printFigures, recordFigures } from './support/figures';
import { keepAliveAgent, runPool, send } from './support/http';

afterAll(printFigures);
afterEach(killChildren);

describe('line breaks in compact tracking.log lines', () => {
  it("give Python's splitlines one line per event, each the JSON of that event", async () => {
    const trackingLog = join(mkdtempSync(join(tmpdir(), 'et-lines-')), 'tracking.log');
    const tracker = createTracker({ ...edxDefaults({ trackingLog }), onError: () => undefined });
    const app = express();
    app.use(trackMiddleware({ tracker, secretKey: 'lines-secret', pageEvents: false }));
    app.all('/event', userTrackHandler({ tracker }));
    const server: Server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const breaks = ['\u2028', '\u2029', '\u0085', '\n', '\r\n', '\v', '\f', '\x1c', '\x1d', '\x1e'];
    const texts = Array.from({ length: 200 }, (_, i) => `answer ${i}${breaks[i % breaks.length]}${breaks[(i * 7) % breaks.length]}end`);
    const agent = keepAliveAgent(10);
    try {
      await runPool(texts.length, 10, async (i) => {
        const body = new URLSearchParams({ event_type: 'edx.ui.lines', event: JSON.stringify({ i, text: texts[i] }), page: `http://x/${texts[i]}` }).toString();
        const reply = await send(base, { method: 'POST', path: '/event', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }, agent);
        expect(reply.status).toBe(200);
      });
    } finally {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await tracker.close();
    }
    const script = [
      'import json, sys',
      'lines = open(sys.argv[1], encoding="utf-8").read().splitlines()',
      'events = [json.loads(line) for line in lines]',
      'print(json.dumps({"lines": len(lines), "texts": sorted([[json.loads(e["event"])["i"], json.loads(e["event"])["text"]] for e in events])}))',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script, trackingLog], { encoding: 'utf8' });
    if (run.error || run.status !== 0) throw new Error(`python3 could not read tracking.log: ${run.error?.message ?? run.stderr}`);
    const read = JSON.parse(run.stdout) as { lines: number; texts: Array<[number, string]> };
    const raw = readFileSync(trackingLog, 'utf8');
    recordFigures('lines/python splitlines', { events: texts.length, linesPythonSees: read.lines, rawLineBreaksInFile: (raw.match(/[\u2028\u2029\u0085]/g) ?? []).length });
    expect(read.lines).toBe(texts.length);
    expect(read.texts).toEqual(texts.map((text, i) => [i, text]));
  });
});

describe('a hostile Cookie header', () => {
  // Served by a child process, so that a server blocked by quadratic parsing cannot block
  // this test's own deadline. The bound is generous both ways: Node's HTTP parser alone
  // takes a few seconds for 8 MiB of header here, the cookie parsing milliseconds; a
  // quadratic one would take over 5 minutes (64 times the 4.9 s of 1 MiB), far past the
  // 60 s allowed. (What it costs is measured where timings belong: not here.)
  it.each([
    ['_ga;;;… (8 MiB)', `_ga${';'.repeat(8 * 1024 * 1024)}`, null],
    ['pairs without = (8 MiB), then _ga', `${'x;'.repeat(4 * 1024 * 1024)}_ga=GA1.2.1033501218.1368477899`, '1033501218.1368477899'],
  ])('is parsed in linear time: %s', async (name, cookie, clientId) => {
    const child = startChild('cookie-server.cjs', [], { lifetimeMs: 110000 });
    const { port } = await child.message<{ ready: boolean; port: number }>((m) => m.ready);
    const base = `http://127.0.0.1:${port}`;
    const started = Date.now();
    const reply = await send(base, { path: '/client-id', headers: { cookie } }, undefined, 60000);
    recordFigures(`cookies/${name}`, { headerBytes: cookie.length, status: reply.status, ms: Date.now() - started });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ clientId });
    // The server is still free for the next request.
    expect((await send(base, { path: '/client-id', headers: { cookie: '_ga=GA1.2.3.4' } }, undefined, 5000)).text).toBe('{"clientId":"3.4"}');
  });
});
