import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { toError } from '../core/errors';
import { defineOptions, option, type OptionsOf } from '../core/options';
import type { Tracker } from '../core/tracker';

/** An HTTP or HTTPS server (what `app.listen()` of Express and Koa returns). */
export type ShutdownServer = HttpServer | HttpsServer;

const gracefulShutdownOptions = defineOptions('gracefulShutdown', {
  /**
   * How long, in ms, requests in flight may take to finish once the server stops
   * accepting. Connections still open then are destroyed, and that is reported
   * through the tracker's `onError` (stage `'close'`, component `'gracefulShutdown'`).
   * Default: 10000.
   */
  timeout: option.number({ min: 0 }),
  /**
   * How long, in ms, `tracker.close()` (writing out tracking.log, delivering to
   * Segment) may take; past it the shutdown ends anyway and reports it. Keep it
   * above the Segment backend's own `closeTimeout` (10000 by default), which
   * reports exactly what it could not deliver. Default: 15000.
   */
  closeTimeout: option.number({ min: 0 }),
});

/** Options of {@link gracefulShutdown}. */
export type GracefulShutdownOptions = OptionsOf<typeof gracefulShutdownOptions.fields>;

/** What {@link gracefulShutdown} did. */
export interface ShutdownReport {
  /** Connections open when the shutdown began. */
  openConnections: number;
  /** Requests in flight when the shutdown began (counted only when the server was tracked, see {@link trackServer}). */
  inFlightRequests: number;
  /** Connections still open at `timeout`, destroyed. */
  destroyedConnections: number;
  /** Whether `tracker.close()` resolved within `closeTimeout`. */
  trackerClosed: boolean;
  /** How long the shutdown took, in ms. */
  durationMs: number;
}

/** What is known of a server's connections. */
interface ServerState {
  sockets: Set<Socket>;
  /** Responses not ended yet: the requests in flight. */
  responses: Set<ServerResponse>;
  shuttingDown: boolean;
  shutdown?: Promise<ShutdownReport>;
}

const states = new WeakMap<ShutdownServer, ServerState>();

/**
 * Starts keeping count of `server`'s connections and of the requests in flight on
 * each, so that {@link gracefulShutdown} knows which connections are idle. Optional:
 * {@link onShutdownSignals} calls it, and `gracefulShutdown` works without it (it then
 * asks the server which connections are idle). Calling it twice does nothing.
 */
export function trackServer(server: ShutdownServer): void {
  if (states.has(server)) return;
  const state: ServerState = { sockets: new Set(), responses: new Set(), shuttingDown: false };
  states.set(server, state);
  server.on('connection', (socket: Socket) => {
    state.sockets.add(socket);
    socket.once('close', () => state.sockets.delete(socket));
  });
  // Runs before the app's own listener, so that headers can still be set.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    state.responses.add(res);
    if (state.shuttingDown) keepNoAlive(res);
    res.once('close', () => {
      state.responses.delete(res);
      if (state.shuttingDown) closeIdle(server, state);
    });
  });
}

/**
 * Shuts an HTTP server down without losing events:
 *
 * 1. stops accepting connections (`server.close()`);
 * 2. closes idle keep-alive connections at once (`server.closeIdleConnections()`),
 *    and each busy one as soon as its requests are answered (later requests on it
 *    are answered with `Connection: close`);
 * 3. waits for the requests in flight, at most `timeout` ms; then destroys the
 *    connections still open, and reports how many;
 * 4. closes the tracker (`await tracker.close()`: every accepted event written to
 *    tracking.log and delivered to Segment or reported lost), at most `closeTimeout` ms.
 *
 * Resolves with a {@link ShutdownReport}; never rejects (failures go to the
 * tracker's `onError`). Calling it again returns the same promise. An unknown option
 * or a wrong type throws an `OptionsError` at the call, before anything is shut.
 *
 * @example
 * const server = app.listen(3000);
 * process.once('SIGTERM', async () => { await gracefulShutdown(server, getTracker()); process.exit(0); });
 */
export function gracefulShutdown(server: ShutdownServer, tracker: Tracker, given: GracefulShutdownOptions = {}): Promise<ShutdownReport> {
  const options = gracefulShutdownOptions.check(given);
  const timeout = options.timeout ?? 10000;
  const closeTimeout = options.closeTimeout ?? 15000;
  const tracked = states.get(server);
  const state = tracked ?? { sockets: new Set<Socket>(), responses: new Set<ServerResponse>(), shuttingDown: false };
  if (!tracked) states.set(server, state);
  state.shutdown ??= shutDown(server, tracker, state, tracked !== undefined, timeout, closeTimeout);
  return state.shutdown;
}

async function shutDown(
  server: ShutdownServer,
  tracker: Tracker,
  state: ServerState,
  tracked: boolean,
  timeout: number,
  closeTimeout: number,
): Promise<ShutdownReport> {
  const started = Date.now();
  state.shuttingDown = true;
  const report = (message: string): void => tracker.reportFailure(new Error(message), { stage: 'close', component: 'gracefulShutdown' });
  // Counted before close(), which (Node 19+) closes idle connections itself.
  const counted = tracked ? Promise.resolve(state.sockets.size) : countConnections(server);
  const inFlightRequests = state.responses.size;
  const closed = new Promise<void>((resolve) => {
    // Stops accepting now; calls back once every connection has ended (or at once,
    // with an error we do not need, if the server was not listening).
    server.close(() => resolve());
  });
  const openConnections = await counted;
  // Tell the clients of requests in flight, and of any request still to come on an
  // open connection, not to send more on it.
  for (const res of state.responses) keepNoAlive(res);
  if (!tracked) {
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      keepNoAlive(res);
      res.once('close', () => closeIdle(server, state));
    });
  }
  closeIdle(server, state);
  // A connection that turns idle without our seeing its request end (an untracked
  // server, a request that was mid-parse) is closed by a sweep.
  const sweep = setInterval(() => closeIdle(server, state), 100);
  sweep.unref();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), timeout);
  });
  const outcome = await Promise.race([closed, late]);
  clearInterval(sweep);
  clearTimeout(timer);
  let destroyedConnections = 0;
  if (outcome === 'late') {
    destroyedConnections = tracked ? state.sockets.size : await countConnections(server);
    for (const socket of state.sockets) socket.destroy();
    server.closeAllConnections?.();
    if (destroyedConnections > 0) {
      report(`${destroyedConnections} connection(s) still open ${timeout} ms after the shutdown began were destroyed; their requests may not have finished`);
    }
    await closed;
  }
  const trackerClosed = await closeTracker(tracker, closeTimeout, report);
  return { openConnections, inFlightRequests, destroyedConnections, trackerClosed, durationMs: Date.now() - started };
}

async function closeTracker(tracker: Tracker, closeTimeout: number, report: (message: string) => void): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), closeTimeout);
  });
  try {
    const outcome = await Promise.race([tracker.close().then(() => 'closed' as const), late]);
    if (outcome === 'late') {
      report(`tracker.close() did not finish within ${closeTimeout} ms (a backend that never settles?); events it still held may be lost`);
      return false;
    }
    return true;
  } catch (error) {
    report(`tracker.close() failed: ${toError(error).message}`);
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Answers with `Connection: close` if the headers are not sent yet. */
function keepNoAlive(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}

function closeIdle(server: ShutdownServer, state: ServerState): void {
  if (typeof server.closeIdleConnections === 'function') {
    server.closeIdleConnections();
    return;
  }
  // Node before 18.2: a tracked connection without a request in flight is idle.
  const busy = new Set([...state.responses].map((res) => res.socket));
  for (const socket of state.sockets) if (!busy.has(socket)) socket.destroy();
}

/** The server's connections now (Node reads the count at the call and answers on the next tick). */
function countConnections(server: ShutdownServer): Promise<number> {
  return new Promise((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
}

const onShutdownSignalsOptions = gracefulShutdownOptions.extend('onShutdownSignals', {
  /** The signals that start the shutdown: names Node knows, not SIGKILL or SIGSTOP (no process can catch them). Default: `['SIGTERM', 'SIGINT']`. */
  signals: option.arrayOf(option.instance<NodeJS.Signals>("the name of a signal a process can catch, such as 'SIGTERM'", isCatchableSignal)),
  /** Runs after the shutdown, before the process exits (write metrics, close a database). Its failure is reported. Default: none. */
  onShutdown: option.function<(report: ShutdownReport) => void | Promise<void>>(),
  /** The exit code. `null` to leave the process running (your `onShutdown` ends it). Default: 0. */
  exitCode: option.nullable(option.number({ min: 0, max: 255, integer: true })),
});

function isCatchableSignal(value: unknown): boolean {
  return typeof value === 'string' && Object.hasOwn(constants.signals, value) && value !== 'SIGKILL' && value !== 'SIGSTOP';
}

/** Options of {@link onShutdownSignals}: those of {@link gracefulShutdown}, and what happens around it. */
export type ShutdownSignalOptions = OptionsOf<typeof onShutdownSignalsOptions.fields>;

/**
 * Runs {@link gracefulShutdown} on the first of `signals`, then `onShutdown`, then
 * exits with `exitCode`. The same signal again while shutting down is ignored (the
 * shutdown is bounded by `timeout` + `closeTimeout`); send SIGKILL to force.
 * Starts tracking the server's connections now (see {@link trackServer}). An unknown
 * option or a wrong type throws an `OptionsError` at the call, not at the signal.
 * Returns a function that removes the signal handlers.
 *
 * @example
 * const server = app.listen(3000);
 * onShutdownSignals(server, getTracker());
 */
export function onShutdownSignals(server: ShutdownServer, tracker: Tracker, options: ShutdownSignalOptions = {}): () => void {
  // Checked now rather than at the signal.
  const { signals = ['SIGTERM', 'SIGINT'], onShutdown, exitCode = 0, ...shutdownOptions } = onShutdownSignalsOptions.check(options);
  trackServer(server);
  let started = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (started) {
      tracker.reportFailure(new Error(`${signal} received while shutting down; ignored`), { stage: 'close', component: 'gracefulShutdown' });
      return;
    }
    started = true;
    void (async () => {
      const report = await gracefulShutdown(server, tracker, shutdownOptions);
      try {
        await onShutdown?.(report);
      } catch (error) {
        tracker.reportFailure(toError(error), { stage: 'close', component: 'onShutdown' });
      }
      if (exitCode !== null) process.exit(exitCode);
    })();
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
