'use strict';
// The apps the HTTP scenarios compare (Express 5; Fastify 5 and Hono 4 in scenario 9).
// Every app has the same route and the same stand-in for session and auth middleware, so
// the only difference between a variant and the bare baseline of its framework is what
// the variant adds. Everything is loaded from the BUILT package (`npm run build` first),
// as users load it.
const express = require('express');

/** The route every app serves: a course page (so the course fields and a page event are computed). */
const ROUTE = '/courses/:courseId/courseware/:chapter/';
const { REQUEST_FIELDS, SECRET_KEY, EVENT_NAME } = require('./fixtures.cjs');
const { buildPeerVariant, clsHookedApp } = require('./peer-apps.cjs');

const USER = Object.freeze({ id: 42, username: 'alice' });

/** Stands in for express-session + passport: the same in every app, baseline included. */
function fakeAuth(req, _res, next) {
  req.user = USER;
  req.sessionID = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
  next();
}

function base() {
  const app = express();
  app.use(fakeAuth);
  return app;
}

const ok = (_req, res) => res.send('ok');

/** The handler of scenario 2: one event through the package's default tracker, then the answer. */
function emitThenOk(et) {
  return (req, res) => {
    et.tracker.emit(EVENT_NAME, { course_id: req.params.courseId, mode: 'audit', user_id: 42 });
    res.send('ok');
  };
}

/** Fastify 5 with the stand-in for @fastify/session + @fastify/passport; `ready` resolves once its routes are in. */
function fastifyBase(register) {
  const Fastify = require('fastify');
  let listener;
  const app = Fastify({ serverFactory: (handler) => { listener = handler; return require('node:http').createServer(handler); } });
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.addHook('onRequest', (request, _reply, done) => {
    request.user = USER;
    request.session = { id: 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6' };
    done();
  });
  register(app);
  const ready = app.ready();
  return { app: (req, res) => listener(req, res), ready };
}

/** Hono 4 on @hono/node-server with the same stand-in (c.var.user, c.var.sessionId). */
function honoBase(register) {
  const { Hono } = require('hono');
  const { getRequestListener } = require('@hono/node-server');
  const app = new Hono();
  app.use(async (c, next) => {
    c.set('user', USER);
    c.set('sessionId', 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6');
    await next();
  });
  register(app);
  return { app: getRequestListener(app.fetch) };
}

/** A tracker writing to `files.log`, registered as the default, as in scenario 2. */
function defaultTracker(et, files, onError) {
  const tracker = et.createTracker({ ...et.edxDefaults({ trackingLog: files.log }), onError });
  et.registerTracker(tracker);
  return tracker;
}

/**
 * Builds the app of a variant. `files` are temporary files it may write
 * (`files.log`); returns `{ app, tracker?, logFile?, linesPerRequest, check? }`.
 */
function buildVariant(name, files) {
  // The fast paths' switch is read when the package loads, which is the next line.
  if (name === 'full-no-fast-paths') process.env.EVENTTRACKING_FAST_PATHS = '0';
  const et = require('eventtracking');
  const { trackMiddleware } = require('eventtracking/express');
  const quietErrors = { count: 0 };
  const onError = () => { quietErrors.count++; };

  switch (name) {
    case 'bare': {
      const app = base();
      app.get(ROUTE, ok);
      return { app, linesPerRequest: 0 };
    }

    // Scenario 1, for reference: AsyncLocalStorage.run per request and nothing else, the
    // floor of any context kept in AsyncLocalStorage on this Node.
    case 'als-floor': {
      const { AsyncLocalStorage } = require('node:async_hooks');
      const storage = new AsyncLocalStorage();
      const app = base();
      app.use((_req, _res, next) => storage.run({}, next));
      app.get(ROUTE, ok);
      return { app, linesPerRequest: 0 };
    }

    // Scenario 1: the request context alone (no page event, no emit).
    case 'context': {
      const tracker = et.createTracker({ ...et.edxDefaults({ trackingLog: files.log }), onError });
      et.registerTracker(tracker);
      const app = base();
      app.use(trackMiddleware({ pageEvents: false, secretKey: SECRET_KEY }));
      app.get(ROUTE, ok);
      return { app, tracker, logFile: files.log, linesPerRequest: 0, errors: quietErrors };
    }

    // Scenario 2: the real thing, with the default lean transport (edxDefaults); and
    // the same with the fast paths off (every event through the full pipeline).
    case 'full':
    case 'full-no-fast-paths': {
      const tracker = et.createTracker({ ...et.edxDefaults({ trackingLog: files.log }), onError });
      et.registerTracker(tracker);
      const app = base();
      app.use(trackMiddleware({ secretKey: SECRET_KEY }));
      app.get(ROUTE, emitThenOk(et));
      return { app, tracker, logFile: files.log, linesPerRequest: 2, errors: quietErrors };
    }

    // Scenario 2, for comparison: the same app with winston's default File transport.
    case 'full-winston-file': {
      const winston = require('winston');
      const tracker = new et.Tracker({
        onError,
        backends: {
          tracking_logs: new et.RoutingBackend({
            processors: [new et.LegacyFieldMappingProcessor(), new et.PrefixedEventProcessor()],
            backends: {
              logger: new et.LoggerBackend({ maxEventSize: 50000, transports: [new winston.transports.File({ filename: files.log })] }),
            },
          }),
        },
      });
      et.registerTracker(tracker);
      const app = base();
      app.use(trackMiddleware({ secretKey: SECRET_KEY }));
      app.get(ROUTE, emitThenOk(et));
      return { app, tracker, logFile: files.log, linesPerRequest: 2, errors: quietErrors };
    }

    // Scenario 3: our context, read by the handler.
    case 'context-read': {
      const tracker = et.createTracker({ ...et.edxDefaults({ trackingLog: files.log }), onError });
      et.registerTracker(tracker);
      const app = base();
      app.use(trackMiddleware({ pageEvents: false, secretKey: SECRET_KEY }));
      const seen = { missing: 0 };
      app.get(ROUTE, (_req, res) => {
        const context = tracker.resolveContext();
        let found = 0;
        for (const field of REQUEST_FIELDS) if (context[field] !== undefined) found++;
        if (found !== REQUEST_FIELDS.length) seen.missing++;
        res.send('ok');
      });
      return { app, tracker, linesPerRequest: 0, errors: quietErrors, seen };
    }

    // Scenario 3: the older choice, a cls-hooked namespace holding the same 13 fields,
    // computed by the same function our middleware uses (so only storage differs; peer-apps.cjs).
    case 'cls-hooked': {
      const app = base();
      const seen = clsHookedApp(app, ROUTE);
      return { app, linesPerRequest: 0, seen };
    }

    // Scenario 12: page events off, one emit (one tracking.log line per request).
    case 'emit-only': {
      const tracker = defaultTracker(et, files, onError);
      const app = base();
      app.use(trackMiddleware({ pageEvents: false, secretKey: SECRET_KEY }));
      app.get(ROUTE, emitThenOk(et));
      return { app, tracker, logFile: files.log, linesPerRequest: 1, errors: quietErrors };
    }

    // Scenario 9: Fastify and Hono, bare and with the real thing (as scenario 2's 'full').
    case 'fastify-bare':
      return { ...fastifyBase((app) => app.get(ROUTE, async () => 'ok')), linesPerRequest: 0 };

    case 'fastify-full': {
      const tracker = defaultTracker(et, files, onError);
      const { trackMiddleware: fastifyTrack } = require('eventtracking/fastify');
      const built = fastifyBase((app) => {
        app.register(fastifyTrack({ secretKey: SECRET_KEY }));
        app.get(ROUTE, async (request) => {
          et.tracker.emit(EVENT_NAME, { course_id: request.params.courseId, mode: 'audit', user_id: 42 });
          return 'ok';
        });
      });
      return { ...built, tracker, logFile: files.log, linesPerRequest: 2, errors: quietErrors };
    }

    case 'hono-bare':
      return { ...honoBase((app) => app.get(ROUTE, (c) => c.text('ok'))), linesPerRequest: 0 };

    case 'hono-full': {
      const tracker = defaultTracker(et, files, onError);
      const { trackMiddleware: honoTrack } = require('eventtracking/hono');
      const built = honoBase((app) => {
        app.use(honoTrack({ secretKey: SECRET_KEY }));
        app.get(ROUTE, (c) => {
          et.tracker.emit(EVENT_NAME, { course_id: c.req.param('courseId'), mode: 'audit', user_id: 42 });
          return c.text('ok');
        });
      });
      return { ...built, tracker, logFile: files.log, linesPerRequest: 2, errors: quietErrors };
    }

    default: {
      // Scenario 12's peers (pino-http, morgan, ...) are in their own module.
      const peer = buildPeerVariant(name, files, { base, route: ROUTE, buildVariant });
      if (!peer) throw new Error(`unknown variant ${name}`);
      return peer;
    }
  }
}

module.exports = { buildVariant, ROUTE };
