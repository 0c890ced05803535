// The demo course site on Fastify 5, instrumented like the Open edX LMS: every request
// gets the edx.request context; page views, browser events (/event) and mobile events
// (the Segment webhook, /segmentio/event) go to ./tracking.log in the legacy format.
// Run it with `npm run build && node examples/fastify/server.js`, then open http://127.0.0.1:3002/.
const { randomUUID } = require('node:crypto');
const Fastify = require('fastify');
const { createTracker, edxDefaults, onShutdownSignals, registerTracker, tracker } = require('eventtracking');
const { browserScriptHandler, segmentioHandler, trackMiddleware, userTrackHandler } = require('eventtracking/fastify');
const { renderCoursePage, renderHome } = require('../shared/course-pages').coursePages('Fastify');

const PORT = Number(process.env.PORT ?? 3002);
const HOST = process.env.HOST ?? '127.0.0.1';
const TRACKING_LOG = process.env.TRACKING_LOG ?? './tracking.log';
// Demo secrets; a real site reads its own from the environment.
const SECRET_KEY = process.env.SECRET_KEY ?? 'demo-secret-key-do-not-use-in-production';
const SEGMENTIO_SECRET = process.env.TRACKING_SEGMENTIO_WEBHOOK_SECRET ?? 'demo-segmentio-secret';
const COURSE_ID = 'course-v1:edX+DemoX+Demo_2014';

const DEMO_USERS = new Map([['alice', 42], ['bob', 43]]);

/** Builds the demo app writing to `trackingLog` (not yet listening); used when run directly and by the tests. */
function createDemoApp({ trackingLog = TRACKING_LOG, secretKey = SECRET_KEY, segmentioSecret = SEGMENTIO_SECRET } = {}) {
  const eventTracker = createTracker(edxDefaults({ trackingLog }));
  registerTracker(eventTracker);

  const app = Fastify();
  app.decorateRequest('session', null);
  app.decorateRequest('user', null);
  // Form bodies (use @fastify/formbody in a real app); parsed before preValidation.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 65536 }, (_request, body, done) => done(null, parseForm(body)));
  // The browser Logger as a classic script (window.Logger) at /eventtracking.js.
  app.register(browserScriptHandler());
  // Stand-ins for @fastify/session and @fastify/passport: tracking reads what they set.
  app.addHook('onRequest', demoSession);
  app.addHook('onRequest', demoLogin);
  // 'preValidation': the request is read once Fastify parsed the body, so that form
  // fields (censored) appear in page events.
  app.register(trackMiddleware({ secretKey, hook: 'preValidation' }));
  app.register(userTrackHandler());
  // Mobile events: Segment posts each message to /segmentio/event?key=<secret>.
  app.register(segmentioHandler({
    secret: segmentioSecret,
    lookupUser: (id) => {
      const username = [...DEMO_USERS].find(([, userId]) => userId === id)?.[0];
      return username ? { id, username } : null;
    },
  }));

  app.get('/', async (request, reply) => reply.type('text/html; charset=utf-8').send(renderHome(request.user, COURSE_ID)));
  app.get('/login', async (request, reply) => {
    const username = String(request.query.user ?? 'alice').replace(/[^\w.-]/g, '') || 'alice';
    reply.header('Set-Cookie', `demo_user=${username}; Path=/; HttpOnly; SameSite=Lax`);
    tracker.emit('edx.user.login', { username });
    return reply.redirect('/');
  });
  app.get('/courses/:courseId/courseware/', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderCoursePage(request.user, request.params.courseId)),
  );
  app.post('/courses/:courseId/enroll', async (request, reply) => {
    const courseId = request.params.courseId;
    tracker.emit('edx.course.enrollment.activated', { course_id: courseId, mode: 'audit' });
    return reply.redirect(`/courses/${courseId}/courseware/`);
  });
  return { app, tracker: eventTracker };
}

/** The cookies of a request, by name. */
function cookiesOf(request) {
  const cookies = new Map();
  for (const pair of (request.headers.cookie ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return cookies;
}

// A session the browser presents is the request's session. A new visitor gets one
// for its next requests, and none for this one: as in Django, a session has no key
// until it is saved, so tracking writes `session: ''` for a first visit.
async function demoSession(request, reply) {
  const id = cookiesOf(request).get('demo_session');
  if (id && /^[\w-]+$/.test(id)) request.session = { id };
  else reply.header('Set-Cookie', `demo_session=${randomUUID()}; Path=/; HttpOnly; SameSite=Lax`);
}

async function demoLogin(request) {
  const username = cookiesOf(request).get('demo_user');
  if (username && /^[\w.-]+$/.test(username)) request.user = { id: DEMO_USERS.get(username) ?? 1000, username };
}

/** A urlencoded body as body parsers give it: each field's value, or its values when repeated. */
function parseForm(text) {
  const body = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) body[key] = Object.hasOwn(body, key) ? [].concat(body[key], value) : value;
  return body;
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
  await app.listen({ port: PORT, host: HOST });
  console.log(`Demo course site (Fastify) on http://${HOST}:${PORT}/ — events go to ${TRACKING_LOG}`);
  // SIGTERM / SIGINT: stop accepting, finish the requests in flight, write every event, exit.
  onShutdownSignals(app.server, eventTracker);
}

if (require.main === module) main();

module.exports = { createDemoApp };
