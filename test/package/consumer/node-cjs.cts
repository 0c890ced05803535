// A CommonJS consumer of every Node entry, type-checked in a scratch app by test/package.test.ts.
// Each `@ts-expect-error` fails the check if the entry's types resolved to `any`.
import eventtracking = require('eventtracking');
import express = require('eventtracking/express');
import koa = require('eventtracking/koa');
import fastify = require('eventtracking/fastify');
import hono = require('eventtracking/hono');
import jobs = require('eventtracking/jobs');
import testing = require('eventtracking/testing');
import matchers = require('eventtracking/jest');
import xapi = require('eventtracking/xapi');
import events = require('eventtracking/events');
import viewer = require('eventtracking/viewer');

const tracker: eventtracking.Tracker = new eventtracking.Tracker({ backends: { memory: new eventtracking.MemoryBackend() } });
tracker.emit('edx.scratch', { ok: true });
// @ts-expect-error: not an export
eventtracking.noSuchExport();

const middleware: express.ExpressHandler = express.trackMiddleware();
// @ts-expect-error: not an export
express.noSuchExport();

const koaMiddleware: koa.KoaMiddleware = koa.trackMiddleware();
// @ts-expect-error: not an export
koa.noSuchExport();

const fastifyPlugin: fastify.FastifyPluginLike = fastify.trackMiddleware({ hook: 'preValidation' });
// @ts-expect-error: not an export
fastify.noSuchExport();

const honoMiddleware: hono.HonoMiddleware = hono.trackMiddleware();
// @ts-expect-error: not an export
hono.noSuchExport();

const captured: jobs.CapturedContext | null = jobs.captureContext();
jobs.runWithContext(captured, () => undefined);
// @ts-expect-error: not an export
jobs.noSuchExport();

const capture: testing.EventCapture = testing.captureEvents();
capture.restore();
// @ts-expect-error: not an export
testing.noSuchExport();

const { toMatchEvent } = matchers;
const result: matchers.ToMatchEventResult = toMatchEvent({ name: 'edx.scratch' }, { name: 'edx.scratch' });
// @ts-expect-error: not an export
matchers.noSuchExport();

const xapiBackend: xapi.XapiBackend = new xapi.XapiBackend({ url: 'http://127.0.0.1:9/xAPI', lmsRootUrl: 'https://lms.example.com' });
// @ts-expect-error: not an export
xapi.noSuchExport();

const options: xapi.XapiTransformOptions = { lmsRootUrl: 'https://lms.example.com', actorId: () => 'a-learner' };
const statements: xapi.XapiStatement | xapi.XapiStatement[] | null = xapi.transformToXapi({ name: 'edx.scratch' }, options);

const clicked = events.defineEvent({
  name: 'edx.scratch.link.clicked', description: 'A scratch event.', owner: 'scratch',
  data: events.Type.Object({ url: events.Type.String() }), example: { url: '/' }, emittedFrom: ['browser'],
});
const registry = events.registerEvents([clicked], { validation: 'throw', tracker });
registry.emit('edx.scratch.link.clicked', { url: '/x' });
// @ts-expect-error: the payload is type-checked against the definition
registry.emit('edx.scratch.link.clicked', { url: 1 });

const eventViewer: viewer.EventViewer = viewer.createEventViewer({ tracker, registry });
const viewerMount: express.ExpressHandler = express.eventViewerMiddleware(eventViewer);
// @ts-expect-error: not an option
viewer.createEventViewer({ trackr: tracker });

export = { middleware, koaMiddleware, fastifyPlugin, honoMiddleware, result, xapiBackend, statements, viewerMount };
