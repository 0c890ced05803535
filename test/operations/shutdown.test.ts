// gracefulShutdown and onShutdownSignals, in process: idle keep-alive connections do
// not hold the shutdown up, a request in flight finishes (and is told to close its
// connection), a request that never ends is cut at `timeout` and reported, and a
// tracker that never closes is given up at `closeTimeout` and reported. The
// SIGTERM-under-load test is in the reliability suite (test/reliability/shutdown.test.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryBackend, OptionsError, Tracker, type FailureInfo } from '../../src';
import { gracefulShutdown, onShutdownSignals, trackServer } from '../../src/operations/shutdown';
import { delay, keepAliveAgent, send } from '../reliability/support/http';

describe('gracefulShutdown', () => {
  const failuresOf = (tracker: Tracker): Array<{ message: string; info: FailureInfo }> => (tracker as unknown as { seen: Array<{ message: string; info: FailureInfo }> }).seen;
  const newTracker = (backends: ConstructorParameters<typeof Tracker>[0] extends infer O ? O : never = {}): Tracker => {
    const seen: Array<{ message: string; info: FailureInfo }> = [];
    const tracker = new Tracker({ ...backends, onError: (error, info) => seen.push({ message: error.message, info }) });
    Object.assign(tracker, { seen });
    return tracker;
  };
  const listen = async (server: Server): Promise<string> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it.each([
    ['tracked (onShutdownSignals / trackServer)', true],
    ['untracked', false],
  ])('%s: does not wait for idle keep-alive connections, and lets a request in flight finish', async (_name, tracked) => {
    const tracker = newTracker({ backends: { memory: new MemoryBackend() } });
    const server = createServer((req, res) => {
      const wait = req.url === '/slow' ? 300 : 0;
      setTimeout(() => {
        tracker.emit('served', { url: req.url });
        res.end('ok');
      }, wait);
    });
    // Idle keep-alive connections would hold server.close() for a minute: the shutdown
    // must close them itself, or it reaches `timeout` and destroys them (and says so).
    server.keepAliveTimeout = 60000;
    if (tracked) trackServer(server);
    const base = await listen(server);
    const agent = keepAliveAgent(4);
    try {
      // Two idle keep-alive connections, then one request in flight.
      await Promise.all([send(base, { path: '/a' }, agent), send(base, { path: '/b' }, agent)]);
      const slow = send(base, { path: '/slow' }, agent);
      await delay(50);
      const report = await gracefulShutdown(server, tracker, { timeout: 3000 });
      const reply = await slow;
      expect(reply.status).toBe(200);
      // A tracked server tells the client of a request in flight not to reuse the connection.
      if (tracked) expect(reply.headers.connection).toBe('close');
      expect(report).toMatchObject({ destroyedConnections: 0, trackerClosed: true });
      expect(report.openConnections).toBe(2);
      if (tracked) expect(report.inFlightRequests).toBe(1);
      expect((tracker.getBackend('memory') as MemoryBackend).events.map((e) => (e.data as { url: string }).url).sort()).toEqual(['/a', '/b', '/slow']);
      expect(failuresOf(tracker)).toEqual([]);
    } finally {
      agent.destroy();
      server.closeAllConnections();
    }
  });

  it('destroys connections still busy at `timeout`, reports it, and still closes the tracker', async () => {
    const tracker = newTracker({ backends: { memory: new MemoryBackend() } });
    const server = createServer((req) => {
      tracker.emit('hanging', { url: req.url }); // never answered
    });
    trackServer(server);
    const base = await listen(server);
    const hanging = send(base, { path: '/never' }).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await delay(50);
    const report = await gracefulShutdown(server, tracker, { timeout: 200 });
    expect(report).toMatchObject({ openConnections: 1, inFlightRequests: 1, destroyedConnections: 1, trackerClosed: true });
    expect(await hanging).toMatch(/socket hang up|ECONNRESET/);
    expect(failuresOf(tracker)).toEqual([
      { message: expect.stringContaining('1 connection(s) still open 200 ms after the shutdown began were destroyed'), info: { stage: 'close', component: 'gracefulShutdown' } },
    ]);
    expect((tracker.getBackend('memory') as MemoryBackend).events).toHaveLength(1);
  });

  it('gives up on a tracker whose close() never ends after `closeTimeout`, and reports it', async () => {
    const hung = { send: () => new Promise<void>(() => undefined), close: () => new Promise<void>(() => undefined) };
    const tracker = newTracker({ backends: { hung } });
    const server = createServer((_req, res) => res.end('ok'));
    const base = await listen(server);
    tracker.emit('held');
    expect((await send(base, { path: '/' })).status).toBe(200);
    const report = await gracefulShutdown(server, tracker, { timeout: 1000, closeTimeout: 300 });
    expect(report.trackerClosed).toBe(false);
    expect(failuresOf(tracker).map((f) => f.message)).toEqual([expect.stringContaining('tracker.close() did not finish within 300 ms')]);
  });

  it('returns the same promise when called twice, and refuses a bad timeout', async () => {
    const tracker = newTracker();
    const server = createServer((_req, res) => res.end('ok'));
    await listen(server);
    const first = gracefulShutdown(server, tracker);
    expect(gracefulShutdown(server, tracker)).toBe(first);
    await first;
    expect(() => gracefulShutdown(createServer(), tracker, { timeout: -1 })).toThrow(
      "gracefulShutdown: option 'timeout' must be a number of 0 or more, got -1 (a number)",
    );
  });

  it('refuses a misspelled option at the call, naming the right one, and leaves the server serving', async () => {
    const tracker = newTracker();
    const server = createServer((_req, res) => res.end('ok'));
    const base = await listen(server);
    expect(() => gracefulShutdown(server, tracker, { timeOut: 100 } as never)).toThrow(
      new OptionsError('gracefulShutdown', "unknown option 'timeOut'; did you mean 'timeout'?"),
    );
    expect(() => onShutdownSignals(server, tracker, { signal: ['SIGUSR2'] } as never)).toThrow(
      "onShutdownSignals: unknown option 'signal'; did you mean 'signals'?",
    );
    expect(() => onShutdownSignals(server, tracker, { closeTimout: 100 } as never)).toThrow(
      "onShutdownSignals: unknown option 'closeTimout'; did you mean 'closeTimeout'?",
    );
    expect(process.listenerCount('SIGUSR2')).toBe(0);
    expect((await send(base, { path: '/' })).status).toBe(200);
    await gracefulShutdown(server, tracker);
  });

  it('onShutdownSignals refuses options of the wrong type at the call, not at the signal', () => {
    const tracker = newTracker();
    const server = createServer();
    const listening = process.listenerCount('SIGTERM');
    expect(() => onShutdownSignals(server, tracker, { closeTimeout: Number.NaN })).toThrow(
      "onShutdownSignals: option 'closeTimeout' must be a number of 0 or more, got NaN (a number)",
    );
    expect(() => onShutdownSignals(server, tracker, { signals: ['SIGTERM', 'SIGINIT'] as never })).toThrow(
      `onShutdownSignals: option 'signals[1]' must be the name of a signal a process can catch, such as 'SIGTERM', got "SIGINIT" (a string)`,
    );
    expect(() => onShutdownSignals(server, tracker, { signals: ['SIGKILL'] })).toThrow(/option 'signals\[0\]' must be the name of a signal a process can catch/);
    expect(() => onShutdownSignals(server, tracker, { exitCode: '1' as never })).toThrow(
      `onShutdownSignals: option 'exitCode' must be null or an integer from 0 to 255, got "1" (a string)`,
    );
    expect(process.listenerCount('SIGTERM')).toBe(listening);
  });

  it('onShutdownSignals: shuts down on the first signal, ignores (and reports) a second, then calls onShutdown', async () => {
    const tracker = newTracker({ backends: { memory: new MemoryBackend() } });
    const server = createServer((_req, res) => res.end('ok'));
    await listen(server);
    const reports: unknown[] = [];
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const remove = onShutdownSignals(server, tracker, {
      signals: ['SIGUSR2'],
      exitCode: null,
      onShutdown: (report) => {
        reports.push(report);
        resolveDone();
      },
    });
    try {
      process.emit('SIGUSR2', 'SIGUSR2');
      process.emit('SIGUSR2', 'SIGUSR2');
      await done;
      expect(reports).toEqual([expect.objectContaining({ openConnections: 0, destroyedConnections: 0, trackerClosed: true })]);
      expect(server.listening).toBe(false);
      expect(failuresOf(tracker).map((f) => f.message)).toEqual(['SIGUSR2 received while shutting down; ignored']);
    } finally {
      remove();
    }
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });
});
