// Shared helpers of the Segment webhook suites (EDX-BEHAVIOR §4.3): a Segment
// message shaped as Open edX's test base builds it (track/views/tests/base.py), a
// tracker keeping raw and legacy events and the failures it is told about, and the
// webhook mounted on Express 5, Koa 3 and Koa 2.
import { createServer, type RequestListener } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import type { RequestHandler } from 'express';
import Koa from 'koa';
import request from 'supertest';
import Koa2 from 'koa2';
import { LegacyFieldMappingProcessor, MemoryBackend, RoutingBackend, Tracker } from '../../src';
import type { FailureInfo, Processor, TrackedEvent } from '../../src';
import { trackMiddleware as expressTrackMiddleware, segmentioHandler as expressSegmentioHandler, type SegmentioOptions } from '../../src/express';
import { trackMiddleware as koaTrackMiddleware, segmentioHandler as koaSegmentioHandler, type KoaMiddleware } from '../../src/koa';
import * as fastifyAdapter from '../../src/fastify';
import * as honoAdapter from '../../src/hono';
import { FROZEN_TIME } from '../../src/testing';
import { SegmentioValidationError } from '../../src/views/segmentio';

/** Open edX's SEGMENTIO_TEST_SECRET. */
export const SECRET = 'anything';
/** The webhook's path (the LMS URL; the Open edX tests post to '/segmentio/test/event'). */
export const ENDPOINT = '/segmentio/event';
/** Open edX's SEGMENTIO_TEST_USER_ID, the one user `lookupUser` knows by default. */
export const USER_ID = 10;
/** `str(sentinel.username)`, `str(sentinel.user_agent)`, `str(sentinel.name)` of the Open edX tests. */
export const USERNAME = 'sentinel.username';
export const USER_AGENT = 'sentinel.user_agent';
export const EVENT_NAME = 'sentinel.name';
/** The base's TRACKING_SEGMENTIO_SOURCE_MAP. */
export const TEST_SOURCE_MAP = { 'test-app': 'mobile' };
/** The device time and the time Segment received the event, and the same in Python's isoformat. */
export const DEVICE_TIME = '2014-08-27T16:33:39.215Z';
export const RECEIVED_AT = '2014-08-27T16:33:39.100Z';
export const DEVICE_TIME_ISO = '2014-08-27T16:33:39.215000+00:00';
export const RECEIVED_AT_ISO = '2014-08-27T16:33:39.100000+00:00';
/** The server's (frozen) clock in Python's isoformat, which the legacy `time` must not take. */
export const SERVER_TIME_ISO = '2013-10-03T08:24:55+00:00';
/** The secret trackMiddleware hashes session keys with (any value, to keep it quiet). */
export const SECRET_KEY = '85920908f28904ed733fe576320db18cabd7b6cd';

/** A parsed JSON Segment message that tests reshape freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Message = Record<string, any>;

/** The knobs of Open edX's `create_segmentio_event(**kwargs)`. */
export interface MessageOptions {
  action?: string;
  userId?: unknown;
  name?: unknown;
  data?: unknown;
  courseId?: string;
  libraryName?: string;
  /** Merged into `properties.context`. */
  context?: Record<string, unknown>;
  label?: unknown;
  excludeName?: boolean;
}

/** Open edX's `create_segmentio_event`: a Segment 'track' message from the test app. */
export function segmentMessage(options: MessageOptions = {}): Message {
  const action = options.action ?? 'Track';
  const message: Message = {
    userId: 'userId' in options ? options.userId : USER_ID,
    event: 'Did something',
    properties: {
      name: 'name' in options ? options.name : EVENT_NAME,
      data: 'data' in options ? options.data : {},
      context: { course_id: options.courseId ?? '', app_name: 'edx.mobile.android' },
    },
    channel: 'server',
    context: {
      library: { name: options.libraryName ?? 'test-app', version: 'unknown' },
      app: { version: '1.0.1' },
      userAgent: USER_AGENT,
    },
    receivedAt: RECEIVED_AT,
    timestamp: DEVICE_TIME,
    type: action.toLowerCase(),
    projectId: 'u0j33yjkr8',
    messageId: 'qy52hwp4',
    version: 2,
    integrations: {},
    options: { library: 'unknown', providers: {} },
    action,
  };
  if (options.context) Object.assign(message.properties.context, options.context);
  if ('label' in options) message.properties.label = options.label;
  if (options.excludeName) delete message.properties.name;
  return message;
}

/** A tracker keeping raw events and tracking.log-shaped ones, and every failure reported to it. */
export interface Harness {
  tracker: Tracker;
  /** Events as emitted: name, timestamp, data, context. */
  raw: MemoryBackend;
  /** Events after LegacyFieldMappingProcessor (and `legacyProcessors`), on a branch of their own. */
  legacy: MemoryBackend;
  failures: Array<{ error: Error; info: FailureInfo }>;
}

/** A tracker on the frozen clock with a raw branch and a legacy branch (the `tracking_logs` router of the LMS). */
export function makeHarness(legacyProcessors: Processor[] = []): Harness {
  const raw = new MemoryBackend();
  const legacy = new MemoryBackend();
  const failures: Harness['failures'] = [];
  const tracker = new Tracker({
    backends: {
      raw,
      tracking_logs: new RoutingBackend({ processors: [new LegacyFieldMappingProcessor(), ...legacyProcessors], backends: { mem: legacy } }),
    },
    onError: (error, info) => failures.push({ error, info }),
    clock: () => FROZEN_TIME,
  });
  return { tracker, raw, legacy, failures };
}

/** The user table of the Open edX tests: user 10 is `sentinel.username`; any other id does not exist. */
export function lookupTestUser(id: number): { id: number; username: string } | null {
  return id === USER_ID ? { id, username: USERNAME } : null;
}

/** The webhook options of the Open edX test base, sending to `h.tracker`. */
export function baseOptions(h: Harness, options: SegmentioOptions = {}): SegmentioOptions {
  return { secret: SECRET, tracker: h.tracker, sourceMap: TEST_SOURCE_MAP, lookupUser: lookupTestUser, ...options };
}

/** Express 5: `before`, trackMiddleware, then the webhook on POST (or on every method with `all`). */
export function expressApp(h: Harness, options: SegmentioOptions = {}, extra: { all?: boolean; before?: RequestHandler[] } = {}): express.Express {
  const app = express();
  for (const middleware of extra.before ?? []) app.use(middleware);
  app.use(expressTrackMiddleware({ tracker: h.tracker, secretKey: SECRET_KEY }));
  const handler = expressSegmentioHandler(baseOptions(h, options));
  if (extra.all) app.all(ENDPOINT, handler);
  else app.post(ENDPOINT, handler);
  return app;
}

type KoaClass = typeof Koa;

/** Koa (2 or 3): `before`, trackMiddleware, then the webhook for the path ENDPOINT (every method). */
export function koaApp(KoaCtor: KoaClass, h: Harness, options: SegmentioOptions = {}, before: KoaMiddleware[] = []): RequestListener {
  const app = new KoaCtor();
  for (const middleware of before) app.use(middleware);
  app.use(koaTrackMiddleware({ tracker: h.tracker, secretKey: SECRET_KEY }));
  const handler = koaSegmentioHandler(baseOptions(h, options));
  app.use(async (ctx, next) => {
    if (ctx.path === ENDPOINT) await handler(ctx, next);
    else await next();
  });
  return app.callback();
}

/** Fastify: the tracking plugin, then the webhook plugin at ENDPOINT (every method). */
export function fastifyApp(h: Harness, options: SegmentioOptions = {}): RequestListener {
  let routing: RequestListener | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      routing = handler as RequestListener;
      return createServer(handler);
    },
  });
  void app.register(fastifyAdapter.trackMiddleware({ tracker: h.tracker, secretKey: SECRET_KEY }));
  void app.register(fastifyAdapter.segmentioHandler({ ...baseOptions(h, options), path: ENDPOINT }));
  const ready = app.ready();
  return (req, res) => void ready.then(() => routing?.(req, res));
}

/** Hono on @hono/node-server: trackMiddleware, then the webhook at ENDPOINT (every method). */
export function honoApp(h: Harness, options: SegmentioOptions = {}): RequestListener {
  const app = new Hono();
  app.use(honoAdapter.trackMiddleware({ tracker: h.tracker, secretKey: SECRET_KEY }) as never);
  app.all(ENDPOINT, honoAdapter.segmentioHandler(baseOptions(h, options)) as never);
  return getRequestListener(app.fetch) as RequestListener;
}

/** An app factory per framework, for `describe.each`: the webhook answers every method. */
export type AppFactory = (h: Harness, options?: SegmentioOptions) => RequestListener;

export const FRAMEWORKS: ReadonlyArray<[string, AppFactory]> = [
  ['Express 5', (h, options) => expressApp(h, options, { all: true })],
  ['Koa 3', (h, options) => koaApp(Koa, h, options)],
  ['Koa 2', (h, options) => koaApp(Koa2 as unknown as KoaClass, h, options)],
  ['Fastify 5', fastifyApp],
  ['Hono 4', honoApp],
];

/** The webhook URL with `?key=`. */
export function webhookUrl(key: string | null = SECRET): string {
  return key === null ? ENDPOINT : `${ENDPOINT}?key=${encodeURIComponent(key)}`;
}

/** The only legacy event; throws unless exactly one was emitted. */
export function onlyLegacy(h: Harness): TrackedEvent {
  expect(h.failures).toEqual([]);
  expect(h.legacy.events).toHaveLength(1);
  return h.legacy.events[0]!;
}

/** The only raw event; throws unless exactly one was emitted. */
export function onlyRaw(h: Harness): TrackedEvent {
  expect(h.failures).toEqual([]);
  expect(h.raw.events).toHaveLength(1);
  return h.raw.events[0]!;
}

/** Nothing emitted and nothing reported: the event was ignored silently. */
export function expectIgnored(h: Harness): void {
  expect(h.failures).toEqual([]);
  expect(h.raw.events).toEqual([]);
  expect(h.legacy.events).toEqual([]);
}

/** Nothing emitted, and exactly one SegmentioValidationError reported with this message, as a 'segmentioHandler' request failure of event `eventName`. */
export function expectRefused(h: Harness, message: string | RegExp, eventName?: string): void {
  expectRefusedWhatever(h, message);
  expect(h.failures[0]?.info).toEqual({ stage: 'request', component: 'segmentioHandler', eventName });
}

/** As {@link expectRefused}, without checking the report's eventName. */
export function expectRefusedWhatever(h: Harness, message: string | RegExp): void {
  expect(h.raw.events).toEqual([]);
  expect(h.legacy.events).toEqual([]);
  expect(h.failures).toHaveLength(1);
  const [{ error, info }] = h.failures as [Harness['failures'][number]];
  expect(error).toBeInstanceOf(SegmentioValidationError);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
  expect(info).toMatchObject({ stage: 'request', component: 'segmentioHandler' });
}

/** A JSON round trip: dates become their Python isoformat text, as in tracking.log. */
export function asLogged(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** POSTs `message` to the Express 5 webhook (built with `options`) and expects 200 with an empty body. */
export async function postMessage(h: Harness, message: Message, options: SegmentioOptions = {}, headers: Record<string, string> = {}): Promise<void> {
  const response = await request(expressApp(h, options)).post(webhookUrl()).set(headers).send(message);
  expect([response.status, response.text]).toEqual([200, '']);
}
