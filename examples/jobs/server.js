// Enrollment through a job queue: the web app answers POST /courses/<id>/enroll at once
// and adds a BullMQ job; the worker emits edx.course.enrollment.activated, and that event
// carries the request's user, course, session, ip and agent, as if the request had
// emitted it. Needs Redis on 127.0.0.1:6379.
// Run both in one process with `npm run build && node examples/jobs/server.js`, or the
// web app and the worker apart: `... server.js web` and `... server.js worker`. Then
// `curl -X POST -H 'X-Demo-User: alice' http://127.0.0.1:3004/courses/course-v1:edX+DemoX+Demo_2014/enroll`.
const express = require('express');
const { Queue, Worker } = require('bullmq');
const { createTracker, edxDefaults, registerTracker, tracker } = require('eventtracking');
const { trackMiddleware } = require('eventtracking/express');
const { processInJobContext, withJobContext } = require('eventtracking/jobs');

const PORT = Number(process.env.PORT ?? 3004);
const HOST = process.env.HOST ?? '127.0.0.1';
const TRACKING_LOG = process.env.TRACKING_LOG ?? './tracking.log';
const SECRET_KEY = process.env.SECRET_KEY ?? 'demo-secret-key-do-not-use-in-production';
const CONNECTION = { host: process.env.REDIS_HOST ?? '127.0.0.1', port: Number(process.env.REDIS_PORT ?? 6379) };
const QUEUE = process.env.QUEUE ?? 'enrollments';

const DEMO_USERS = new Map([['alice', 42], ['bob', 43]]);

/** The web app: tracking, a stand-in for sign-in (the X-Demo-User header), and the enroll route adding a job. */
function createWebApp({ queue, secretKey = SECRET_KEY }) {
  const app = express();
  app.use((req, _res, next) => {
    const username = req.get('X-Demo-User');
    if (DEMO_USERS.has(username)) req.user = { id: DEMO_USERS.get(username), username };
    next();
  });
  app.use(trackMiddleware({ secretKey }));
  app.post('/courses/:courseId/enroll', async (req, res) => {
    // One line: the job's data carries the request's event context.
    await queue.add('enroll', withJobContext({ courseId: req.params.courseId, mode: 'audit' }), { attempts: 3 });
    res.status(202).send('enrollment queued');
  });
  return app;
}

/** The worker: one line wraps the processor, which then runs in each job's request context. */
function createWorker({ queueName = QUEUE, connection = CONNECTION } = {}) {
  return new Worker(queueName, processInJobContext(async (job) => {
    tracker.emit('edx.course.enrollment.activated', { course_id: job.data.courseId, mode: job.data.mode });
  }), { connection });
}

/** Web app, queue and worker in one process, writing to `trackingLog`; used when run directly and by the tests. */
function createDemo({ trackingLog = TRACKING_LOG, queueName = QUEUE, connection = CONNECTION, secretKey } = {}) {
  const eventTracker = createTracker(edxDefaults({ trackingLog }));
  registerTracker(eventTracker);
  const queue = new Queue(queueName, { connection });
  const worker = createWorker({ queueName, connection });
  const app = createWebApp({ queue, secretKey });
  const close = async () => {
    await worker.close();
    await queue.close();
    await eventTracker.close();
  };
  return { app, queue, worker, tracker: eventTracker, close };
}

/** Runs the web app, the worker, or both (`role`: 'web', 'worker', else both). */
function main(role) {
  const eventTracker = createTracker(edxDefaults({ trackingLog: TRACKING_LOG }));
  registerTracker(eventTracker);
  const parts = [];
  if (role !== 'web') parts.push(createWorker());
  if (role !== 'worker') {
    const queue = new Queue(QUEUE, { connection: CONNECTION });
    const server = createWebApp({ queue }).listen(PORT, HOST, () => console.log(`Enrollment demo on http://${HOST}:${PORT}/ — events go to ${TRACKING_LOG}`));
    parts.push({ close: () => new Promise((resolve) => server.close(resolve)) }, queue);
  }
  // SIGTERM: stop taking work, then write every event.
  process.once('SIGTERM', () => void Promise.all(parts.map((part) => part.close())).then(() => eventTracker.close()).then(() => process.exit(0)));
}

if (require.main === module) main(process.argv[2]);

module.exports = { createDemo, createWebApp, createWorker };
