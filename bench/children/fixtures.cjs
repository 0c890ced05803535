'use strict';
// Shared request and event shapes of the benchmarks.

/** The path every HTTP scenario requests: a course page with a query (course fields and a page event with GET data). */
const REQUEST_PATH = '/courses/course-v1:edX+DemoX+Demo_2014/courseware/intro/?seq=1&position=2';

/** The request headers the load generator sends (a browser-like request). */
const REQUEST_HEADERS = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
  referer: 'http://127.0.0.1/courses/course-v1:edX+DemoX+Demo_2014/course/',
  'accept-language': 'en-US,en;q=0.9',
  accept: 'text/html,application/xhtml+xml',
  cookie: 'sessionid=3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c; _ga=GA1.2.1234567890.1700000000',
};

const SECRET_KEY = 'bench-secret-key';

/** The 13 fields of the `edx.request` context. */
const REQUEST_FIELDS = [
  'session', 'user_id', 'username', 'ip', 'host', 'agent', 'path', 'referer',
  'accept_language', 'client_id', 'course_id', 'org_id', 'enterprise_uuid',
];

/** An `edx.request` context as the middleware builds it for the request above (for the in-process scenarios). */
const REQUEST_CONTEXT = Object.freeze({
  session: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  user_id: 42,
  username: 'alice',
  ip: '127.0.0.1',
  host: '127.0.0.1',
  agent: REQUEST_HEADERS['user-agent'],
  path: '/courses/course-v1:edX+DemoX+Demo_2014/courseware/intro/',
  referer: REQUEST_HEADERS.referer,
  accept_language: REQUEST_HEADERS['accept-language'],
  client_id: '1234567890.1700000000',
  course_id: 'course-v1:edX+DemoX+Demo_2014',
  org_id: 'edX',
  enterprise_uuid: '',
});

/** The server event emitted per request / per iteration. */
const EVENT_NAME = 'edx.course.enrollment.activated';
const eventData = (i) => ({ course_id: 'course-v1:edX+DemoX+Demo_2014', mode: 'audit', user_id: 42, seq: i });

module.exports = { REQUEST_PATH, REQUEST_HEADERS, SECRET_KEY, REQUEST_FIELDS, REQUEST_CONTEXT, EVENT_NAME, eventData };
