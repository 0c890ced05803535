// The demo course site on Koa 3, instrumented like the Open edX LMS: every request gets
// the edx.request context; page views, browser events (/event) and mobile events (the
// Segment webhook, /segmentio/event) go to ./tracking.log in the legacy format.
// Run it with `npm run build && node examples/koa/server.js`, then open http://127.0.0.1:3001/.
const { randomUUID } = require('node:crypto');
const Koa = require('koa');
const { createTracker, edxDefaults, onShutdownSignals, registerTracker, tracker } = require('eventtracking');
const { segmentioHandler, trackMiddleware, userTrackHandler } = require('eventtracking/koa');
const { renderCoursePage, renderHome } = require('../shared/course-pages').coursePages('Koa');

const PORT = Number(process.env.PORT ?? 3001);
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

  const app = new Koa();
  // Stand-ins for a session store and an auth middleware (koa-session, koa-passport):
  // tracking reads what they set, ctx.sessionId and ctx.state.user.
  app.use(demoSession);
  app.use(demoLogin);
  // A body parser before trackMiddleware puts form fields (censored) into page events.
  app.use(formBody);
  app.use(trackMiddleware({ secretKey }));

  const event = userTrackHandler();
  // Mobile events: Segment posts each message to /segmentio/event?key=<secret>. The
  // user is looked up by the app's userId, as the LMS looks up its User table.
  const segmentio = segmentioHandler({
    secret: segmentioSecret,
    lookupUser: (id) => {
      const username = [...DEMO_USERS].find(([, userId]) => userId === id)?.[0];
      return username ? { id, username } : null;
    },
  });

  app.use(async (ctx, next) => {
    const course = /^\/courses\/([\w.:+-]+)\/(courseware\/|enroll)$/.exec(ctx.path);
    if (ctx.path === '/' && ctx.method === 'GET') {
      ctx.body = renderHome(ctx.state.user, COURSE_ID);
    } else if (ctx.path === '/login' && ctx.method === 'GET') {
      const username = String(ctx.query.user ?? 'alice').replace(/[^\w.-]/g, '') || 'alice';
      ctx.cookies.set('demo_user', username, { httpOnly: true, sameSite: 'lax' });
      tracker.emit('edx.user.login', { username });
      ctx.redirect('/');
    } else if (course && course[2] === 'courseware/' && ctx.method === 'GET') {
      ctx.body = renderCoursePage(ctx.state.user, course[1]);
    } else if (course && course[2] === 'enroll' && ctx.method === 'POST') {
      const courseId = course[1];
      tracker.emit('edx.course.enrollment.activated', { course_id: courseId, mode: 'audit' });
      ctx.redirect(`/courses/${courseId}/courseware/`);
    } else if (ctx.path === '/event') {
      await event(ctx, next);
    } else if (ctx.path === '/segmentio/event') {
      await segmentio(ctx, next);
    } else {
      await next();
    }
  });
  return { app, tracker: eventTracker };
}

// A session the browser presents is the request's session. A new visitor gets one
// for its next requests, and none for this one: as in Django, a session has no key
// until it is saved, so tracking writes `session: ''` for a first visit.
async function demoSession(ctx, next) {
  const id = ctx.cookies.get('demo_session');
  if (id && /^[\w-]+$/.test(id)) ctx.sessionId = id;
  else ctx.cookies.set('demo_session', randomUUID(), { httpOnly: true, sameSite: 'lax' });
  await next();
}

async function demoLogin(ctx, next) {
  const username = ctx.cookies.get('demo_user');
  if (username && /^[\w.-]+$/.test(username)) ctx.state.user = { id: DEMO_USERS.get(username) ?? 1000, username };
  await next();
}

/** A minimal urlencoded body parser (use @koa/bodyparser in a real app): sets ctx.request.body. */
async function formBody(ctx, next) {
  if (ctx.request.body === undefined && ctx.is('application/x-www-form-urlencoded')) {
    const chunks = [];
    let size = 0;
    for await (const chunk of ctx.req) {
      size += chunk.length;
      if (size > 65536) ctx.throw(413);
      chunks.push(chunk);
    }
    const body = Object.create(null);
    for (const [key, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
      body[key] = Object.hasOwn(body, key) ? [].concat(body[key], value) : value;
    }
    ctx.request.body = body;
  }
  await next();
}

/** Starts the demo: checks tracking.log first, so that a path it cannot write stops it at once. */
async function main() {
  const { app, tracker: eventTracker } = createDemoApp();
  try {
    await eventTracker.ready();
  } catch (error) {
    console.error(error.message); // e.g. cannot write /var/log/tracking.log: permission denied (running as uid 1000); ...
    process.exit(1);
  }
  // logrotate's postrotate sends SIGHUP: write what is queued and open tracking.log anew.
  process.on('SIGHUP', () => void eventTracker.reopen());
  const server = app.listen(PORT, HOST, () => {
    console.log(`Demo course site (Koa) on http://${HOST}:${PORT}/ — events go to ${TRACKING_LOG}`);
  });
  // SIGTERM / SIGINT: stop accepting, finish the requests in flight, write every event, exit.
  onShutdownSignals(server, eventTracker);
}

if (require.main === module) main();

module.exports = { createDemoApp };
