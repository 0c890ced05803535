// Shared helpers of the Express adapter suites: the Express versions to run on, a
// tracked app with a probe route, and small middlewares standing in for auth and
// session middleware.
import type { AddressInfo } from 'node:net';
import { request as httpRequest, type Agent, type IncomingHttpHeaders, type Server } from 'node:http';
import express from 'express';
import type { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import express4 from 'express4';
import { emit } from '../../src';
import type { Context, TrackedEvent } from '../../src';
import { trackMiddleware, type TrackMiddlewareOptions } from '../../src/express';
import type { EventCapture } from '../../src/testing';

export type ExpressModule = typeof express;

/** Express 5 and Express 4 (the `express4` alias), for `describe.each`. */
export const EXPRESS_VERSIONS: ReadonlyArray<[string, ExpressModule]> = [
  ['Express 5', express],
  ['Express 4', express4],
];

/** The SECRET_KEY of Open edX's `test_session_key_substitution`. */
export const SECRET_KEY = '85920908f28904ed733fe576320db18cabd7b6cd';

/** The 'edx.request' fields in Open edX's insertion order (EDX-BEHAVIOR §1.2). */
export const REQUEST_KEYS = [
  'session',
  'user_id',
  'username',
  'ip',
  'host',
  'agent',
  'path',
  'referer',
  'accept_language',
  'client_id',
  'course_id',
  'org_id',
  'enterprise_uuid',
];

/** The name of the event the probe route emits. */
export const PROBE = 'test.probe';

/** A terminal handler: emits {@link PROBE}, so that its event carries the request's context, and answers 'ok'. */
export function probe(_req: Request, res: Response): void {
  emit(PROBE, { probe: true });
  res.send('ok');
}

/** An app: `before` middlewares, `trackMiddleware(options)` (with {@link SECRET_KEY}), then the probe for every path. */
export function trackedApp(ex: ExpressModule, options: TrackMiddlewareOptions = {}, before: RequestHandler[] = []): Express {
  const app = ex();
  for (const middleware of before) app.use(middleware);
  app.use(trackMiddleware({ secretKey: SECRET_KEY, ...options }));
  app.use(probe);
  return app;
}

/** The events with a given name. */
export function eventsNamed(capture: EventCapture, name: string): TrackedEvent[] {
  return capture.events.filter((event) => event.name === name);
}

/** The context of the only event named `name` (the probe by default); throws unless exactly one was emitted. */
export function contextOf(capture: EventCapture, name = PROBE): Context {
  const events = eventsNamed(capture, name);
  if (events.length !== 1) throw new Error(`expected one '${name}' event, got ${events.length}: ${capture.events.map((e) => String(e.name)).join(', ')}`);
  return events[0]!.context ?? {};
}

/** The page-request events (event_source 'server'). */
export function pageEventsOf(capture: EventCapture): TrackedEvent[] {
  return capture.events.filter((event) => event.context?.event_source === 'server');
}

/** A middleware setting `req.user`, as an auth middleware (Passport) does. */
export function withUser(user: unknown): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    (req as Request & { user?: unknown }).user = user;
    next();
  };
}

/** A middleware setting `req.sessionID` (and optionally `req.session`), as express-session does. */
export function withSession(sessionID: string | undefined, session?: { id?: string }): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const target = req as Request & { sessionID?: string; session?: { id?: string } };
    if (sessionID !== undefined) target.sessionID = sessionID;
    if (session !== undefined) target.session = session;
    next();
  };
}

/** A middleware making the socket report `address` as its peer, as a request arriving from that address would. */
export function fromAddress(address: string): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    Object.defineProperty(req.socket, 'remoteAddress', { value: address, configurable: true });
    next();
  };
}

/** Resolves after `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `condition()` holds (at most `timeoutMs`). */
export async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting for a condition');
    await delay(5);
  }
}

/** Starts `app` on 127.0.0.1 on a free port; returns the base URL and a function closing the server. */
export async function listen(app: Express): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const started: Server = app.listen(0, '127.0.0.1', () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${port}`, server, close };
}

/** What {@link send} got back. */
export interface SentResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * Sends one request with node:http (through `agent`, e.g. a keep-alive agent with one
 * socket), writing each of `chunks` separately (no Content-Length: chunked encoding).
 */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; chunks?: (string | Buffer)[]; agent?: Agent } = {},
): Promise<SentResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) => {
      const body: Buffer[] = [];
      res.on('data', (chunk: Buffer) => body.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(body).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}
