// A small course site instrumented like the Open edX LMS: every request gets the
// edx.request context, page views and browser events go to ./tracking.log in the
// legacy format. Run it with `npm start`, then open http://127.0.0.1:3000/.
// `XAPI_LRS=local npm start` also sends the events as xAPI statements to a local LRS
// (see them at http://127.0.0.1:8090/xAPI/statements); XAPI_LRS=<url> sends them to yours.
const { randomUUID } = require('node:crypto');
const express = require('express');
const { createTracker, edxDefaults, onShutdownSignals, registerTracker } = require('eventtracking');
const { browserScriptHandler, eventViewerMiddleware, trackMiddleware, userTrackHandler } = require('eventtracking/express');
const { startLocalLrs } = require('eventtracking/xapi');
const { createEventViewer } = require('eventtracking/viewer');
const { renderCoursePage, renderHome } = require('./pages');
const { events } = require('./events');

const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';
const TRACKING_LOG = process.env.TRACKING_LOG ?? './tracking.log';
// A demo secret for the session hash; a real site reads its own from the environment.
const SECRET_KEY = process.env.SECRET_KEY ?? 'demo-secret-key-do-not-use-in-production';
const COURSE_ID = 'course-v1:edX+DemoX+Demo_2014';
const LMS_ROOT_URL = `http://${HOST}:${PORT}`;

/**
 * Builds the demo app writing to `trackingLog`; used by `npm start` and by the tests.
 * Outside production, the live event viewer is at /__events (`viewer` is returned too).
 * With `xapi` (XapiBackend options: `{ url }` at least), events also go to that LRS.
 */
function createDemoApp({ trackingLog = TRACKING_LOG, secretKey = SECRET_KEY, xapi } = {}) {
  const xapiBranch = xapi && { lmsRootUrl: LMS_ROOT_URL, courseName: (courseId) => (courseId === COURSE_ID ? 'Demonstration Course' : undefined), batchDelay: 1000, ...xapi };
  const eventTracker = createTracker(edxDefaults({ trackingLog, ...(xapiBranch ? { xapi: xapiBranch } : {}) }));
  registerTracker(eventTracker);
  // In development, every event (the browser's too) is checked against its definition.
  if (events.validation !== 'off') eventTracker.registerProcessor(events.processor());

  const app = express();
  app.set('trust proxy', 'loopback');
  // The live event viewer, development only (createEventViewer refuses NODE_ENV=production).
  const viewer = process.env.NODE_ENV === 'production' ? undefined : createEventViewer({ tracker: eventTracker, registry: events });
  if (viewer) app.use(eventViewerMiddleware(viewer));
  // The browser Logger as a classic script (window.Logger); before trackMiddleware, as
  // static files are not tracked in Open edX either.
  app.get('/eventtracking.js', browserScriptHandler());
  // Stand-ins for a session store and an auth middleware: tracking reads what they set.
  app.use(demoSession);
  app.use(demoLogin);
  app.use(express.urlencoded({ extended: false }));
  app.use(trackMiddleware({ secretKey }));

  app.get('/', (req, res) => res.send(renderHome(req.user, COURSE_ID)));
  app.get('/login', (req, res) => {
    const username = String(req.query.user ?? 'alice').replace(/[^\w.-]/g, '') || 'alice';
    res.cookie('demo_user', username, { httpOnly: true, sameSite: 'lax' });
    events.emit('edx.user.login', { username });
    res.redirect('/');
  });
  app.get('/courses/:courseId/courseware/', (req, res) => res.send(renderCoursePage(req.user, req.params.courseId)));
  app.post('/courses/:courseId/enroll', (req, res) => {
    events.emit('edx.course.enrollment.activated', { course_id: req.params.courseId, mode: 'audit' });
    res.redirect(`/courses/${req.params.courseId}/courseware/`);
  });
  app.all('/event', userTrackHandler());
  return { app, tracker: eventTracker, viewer };
}

// A session the browser presents is the request's session. A new visitor gets one
// for its next requests, and none for this one: as in Django, a session has no key
// until it is saved, so tracking writes `session: ''` for a first visit.
function demoSession(req, res, next) {
  const match = /(?:^|;\s*)demo_session=([\w-]+)/.exec(req.headers.cookie ?? '');
  if (match) req.sessionID = match[1];
  else res.cookie('demo_session', randomUUID(), { httpOnly: true, sameSite: 'lax' });
  next();
}

const DEMO_USERS = new Map([['alice', 42], ['bob', 43]]);

function demoLogin(req, _res, next) {
  const match = /(?:^|;\s*)demo_user=([\w.-]+)/.exec(req.headers.cookie ?? '');
  if (match) req.user = { id: DEMO_USERS.get(match[1]) ?? 1000, username: match[1] };
  next();
}

/** The LRS of XAPI_LRS: none, a local one started here ('local'), or a URL (with XAPI_LRS_USERNAME / XAPI_LRS_PASSWORD). */
async function xapiFromEnvironment() {
  const lrs = process.env.XAPI_LRS;
  if (!lrs) return undefined;
  if (lrs !== 'local') return { url: lrs, username: process.env.XAPI_LRS_USERNAME, password: process.env.XAPI_LRS_PASSWORD };
  const local = await startLocalLrs({ port: Number(process.env.XAPI_LRS_PORT ?? 8090), host: HOST });
  console.log(`Local LRS on ${local.url} — statements at ${local.url}/statements`);
  return { url: local.url };
}

/** Starts the demo: checks tracking.log first, so that a path it cannot write stops it at once. */
async function main() {
  const xapi = await xapiFromEnvironment();
  const { app, tracker: eventTracker } = createDemoApp({ xapi });
  try {
    await eventTracker.ready();
  } catch (error) {
    console.error(error.message); // e.g. cannot write /var/log/tracking.log: permission denied (running as uid 1000); ...
    process.exit(1);
  }
  // logrotate's postrotate sends SIGHUP: write what is queued and open tracking.log anew.
  process.on('SIGHUP', () => void eventTracker.reopen());
  const server = app.listen(PORT, HOST, () => {
    console.log(`Demo course site on http://${HOST}:${PORT}/ — events go to ${TRACKING_LOG}${xapi ? ` and, as xAPI statements, to ${xapi.url}` : ''}`);
    if (process.env.NODE_ENV !== 'production') console.log(`Live event viewer on http://${HOST}:${PORT}/__events`);
  });
  // SIGTERM / SIGINT: stop accepting, finish the requests in flight, write every event, exit.
  onShutdownSignals(server, eventTracker);
}

if (require.main === module) main();

module.exports = { createDemoApp };
