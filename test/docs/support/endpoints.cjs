// Checks the endpoints of the Express, Koa, Fastify and Hono examples of docs/web-frameworks.md over
// HTTP (supertest), then what they wrote to ./tracking.log.
'use strict';
const { assertPart, check, closeDefaultTracker, readLog } = require('./checks.cjs');

const COURSE = 'course-v1:edX+DemoX+Demo_2014';
const WEBHOOK_SECRET = 'docs-webhook-secret';

/** A Segment `track` message as the Android app sends it through Segment's webhook. */
function mobileMessage(userId) {
  return {
    type: 'track',
    userId,
    event: 'Played video',
    properties: { name: 'edx.bi.app.video.played', data: { video_id: 'intro' }, context: { course_id: COURSE, app_name: 'edx.mobileapp.android' } },
    context: { library: { name: 'analytics-android', version: '4.10.0' }, app: { version: '4.0.1' }, userAgent: 'Dalvik/2.1.0 (Linux; U; Android 14)' },
    timestamp: '2026-11-25T07:17:05.120Z',
    receivedAt: '2026-11-25T07:17:06.004Z',
  };
}

/** Sets what the examples read from the environment. */
function setEnvironment() {
  process.env.SECRET_KEY = 'docs-secret-key';
  process.env.TRACKING_SEGMENTIO_WEBHOOK_SECRET = WEBHOOK_SECRET;
}

/** Requests each endpoint of `handler` (an Express app or a Koa callback) and checks tracking.log. */
async function checkEndpoints(handler) {
  const request = require('supertest');
  const checks = [];
  const script = await request(handler).get('/eventtracking.js').expect(200);
  checks.push(check(/^application\/javascript/.test(script.headers['content-type']) && /Logger/.test(script.text), '/eventtracking.js serves the browser Logger'));
  await request(handler).get(`/courses/${COURSE}/courseware?tab=1`).expect(200);
  await request(handler).post('/event').type('form').send({ event_type: 'edx.ui.lms.outline.selected', event: '{"target_name":"Week 1"}', courserun_key: COURSE }).expect(200, 'success');
  await request(handler).post('/event').type('form').send({ event_type: 'x'.repeat(256) }).expect(400);
  await request(handler).post(`/segmentio/event?key=${WEBHOOK_SECRET}`).send(mobileMessage('42')).expect(200);
  await request(handler).post(`/segmentio/event?key=${WEBHOOK_SECRET}`).send(mobileMessage('7')).expect(200); // no such user: refused, reported
  await request(handler).post('/segmentio/event?key=wrong').send(mobileMessage('42')).expect(401);
  checks.push('an event_type over 255 characters is a 400; a wrong webhook key is a 401');
  await closeDefaultTracker();

  const lines = readLog('tracking.log');
  const [page, browser, mobile] = lines;
  checks.push(check(lines.length === 3, `tracking.log has the page event, the browser event and one mobile event (got ${lines.map((line) => line.event_type).join(', ')})`));
  // No session or authentication middleware: no session key, no user object (user_id ''),
  // and the views' username 'anonymous'.
  checks.push(assertPart({ event_type: `/courses/${COURSE}/courseware`, event_source: 'server', event: '{"GET": {"tab": ["1"]}, "POST": {}}', username: 'anonymous', session: '', context: { user_id: '', course_id: COURSE, org_id: 'edX' } }, page, 'the page event'));
  checks.push(assertPart({ event_type: 'edx.ui.lms.outline.selected', event_source: 'browser', event: '{"target_name": "Week 1"}', username: 'anonymous', session: '', context: { user_id: '', path: '/event', course_id: COURSE } }, browser, 'the browser event'));
  checks.push(assertPart({
    event_type: 'edx.bi.app.video.played',
    event_source: 'mobile',
    username: 'alice',
    agent: 'Dalvik/2.1.0 (Linux; U; Android 14)',
    time: '2026-11-25T07:17:05.120000+00:00',
    event: { video_id: 'intro' },
    context: { user_id: 42, course_id: COURSE, org_id: 'edX', application: { name: 'edx.mobileapp.android', version: '4.0.1' } },
  }, mobile, 'the mobile event'));
  return checks;
}

module.exports = { checkEndpoints, setEnvironment, WEBHOOK_SECRET };
