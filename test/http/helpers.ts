// Framework-free helpers of the HTTP middleware suites: the constants of the Open edX
// tests, reading captured events, and a real server with a raw node:http client.
import type { AddressInfo } from 'node:net';
import { createServer, request as httpRequest, type Agent, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { Context, TrackedEvent } from '../../src';
import type { EventCapture } from '../../src/testing';

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

/**
 * Serves `listener` (an Express app, a Koa `app.callback()`) on a free port of `host`
 * (`'::'` accepts IPv6 and IPv4, whose peers it sees as `::ffff:a.b.c.d`); returns the
 * base URL (on 127.0.0.1) and a function closing the server.
 */
export async function listen(listener: RequestListener, host = '127.0.0.1'): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
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
