// The demo course site on Hono 4 (served by @hono/node-server), instrumented like the
// Open edX LMS: every request gets the edx.request context; page views, browser events
// (/event) and mobile events (the Segment webhook, /segmentio/event) go to
// ./tracking.log in the legacy format.
// Run it with `npm run build && node examples/hono/server.js`, then open http://127.0.0.1:3003/.
const { randomUUID } = require('node:crypto');
const { serve } = require('@hono/node-server');
const { Hono } = require('hono');
const { getCookie, setCookie } = require('hono/cookie');
const { createTracker, edxDefaults, onShutdownSignals, registerTracker, tracker } = require('eventtracking');
const { browserScriptHandler, segmentioHandler, trackMiddleware, userTrackHandler } = require('eventtracking/hono');
const { renderCoursePage, renderHome } = require('../shared/course-pages').coursePages('Hono');

const PORT = Number(process.env.PORT ?? 3003);
const HOST = process.env.HOST ?? '127.0.0.1';
const TRACKING_LOG = process.env.TRACKING_LOG ?? './tracking.log';
// Demo secrets; a real site reads its own from the environment.
const SECRET_KEY = process.env.SECRET_KEY ?? 'demo-secret-key-do-not-use-in-production';
const SEGMENTIO_SECRET = process.env.TRACKING_SEGMENTIO_WEBHOOK_SECRET ?? 'demo-segmentio-secret';
const COURSE_ID = 'course-v1:edX+DemoX+Demo_2014';

const DEMO_USERS = new Map([['alice', 42], ['bob', 43]]);

/** Builds the demo app writing to `trackingLog`; used when run directly and by the tests. */
function createDemoApp({ trackingLog = TRACKING_LOG, secretKey = SECRET_KEY, segmentioSecret = SEGMENTIO_SECRET } = {}) {
  const eventTracker = createTracker(edxDefaults({ trackingLog }));
  registerTracker(eventTracker);

  const app = new Hono();
  // The browser Logger as a classic script (window.Logger); before trackMiddleware, as
  // static files are not tracked in Open edX either.
  app.get('/eventtracking.js', browserScriptHandler());
  // Stand-ins for a session and an auth middleware: tracking reads what they set,
  // c.var.sessionId and c.var.user.
  app.use(demoSession);
  app.use(demoLogin);
  // Form bodies read before trackMiddleware appear (censored) in page events.
  app.use(async (c, next) => {
    if ((c.req.header('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) await c.req.parseBody({ all: true });
    await next();
  });
  app.use(trackMiddleware({ secretKey }));

  app.all('/event', userTrackHandler());
  // Mobile events: Segment posts each message to /segmentio/event?key=<secret>.
  app.all('/segmentio/event', segmentioHandler({
    secret: segmentioSecret,
    lookupUser: (id) => {
      const username = [...DEMO_USERS].find(([, userId]) => userId === id)?.[0];
      return username ? { id, username } : null;
    },
  }));
  app.get('/', (c) => c.html(renderHome(c.var.user, COURSE_ID)));
  app.get('/login', (c) => {
    const username = String(c.req.query('user') ?? 'alice').replace(/[^\w.-]/g, '') || 'alice';
    setCookie(c, 'demo_user', username, { httpOnly: true, sameSite: 'Lax', path: '/' });
    tracker.emit('edx.user.login', { username });
    return c.redirect('/');
  });
  app.get('/courses/:courseId/courseware/', (c) => c.html(renderCoursePage(c.var.user, c.req.param('courseId'))));
  app.post('/courses/:courseId/enroll', (c) => {
    const courseId = c.req.param('courseId');
    tracker.emit('edx.course.enrollment.activated', { course_id: courseId, mode: 'audit' });
    return c.redirect(`/courses/${courseId}/courseware/`);
  });
  return { app, tracker: eventTracker };
}

// A session the browser presents is the request's session. A new visitor gets one
// for its next requests, and none for this one: as in Django, a session has no key
// until it is saved, so tracking writes `session: ''` for a first visit.
async function demoSession(c, next) {
  const id = getCookie(c, 'demo_session');
  if (id && /^[\w-]+$/.test(id)) c.set('sessionId', id);
  else setCookie(c, 'demo_session', randomUUID(), { httpOnly: true, sameSite: 'Lax', path: '/' });
  await next();
}

async function demoLogin(c, next) {
  const username = getCookie(c, 'demo_user');
  if (username && /^[\w.-]+$/.test(username)) c.set('user', { id: DEMO_USERS.get(username) ?? 1000, username });
  await next();
}

/** Starts the demo: checks tracking.log first, so that a path it cannot write stops it at once. */
async function main() {
  const { app, tracker: eventTracker } = createDemoApp();
  try {
    await eventTracker.ready();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  // logrotate's postrotate sends SIGHUP: write what is queued and open tracking.log anew.
  process.on('SIGHUP', () => void eventTracker.reopen());
  const server = serve({ fetch: app.fetch, port: PORT, hostname: HOST }, () => {
    console.log(`Demo course site (Hono) on http://${HOST}:${PORT}/ — events go to ${TRACKING_LOG}`);
  });
  // SIGTERM / SIGINT: stop accepting, finish the requests in flight, write every event, exit.
  onShutdownSignals(server, eventTracker);
}

if (require.main === module) main();

module.exports = { createDemoApp };
