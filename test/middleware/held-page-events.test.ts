// Page events and our endpoints, on Express 5, Express 4, Koa 3 and Koa 2:
// - /event (userTrackHandler) and the Segment webhook get no page event wherever they
//   are mounted, without configuring their path in the ignore patterns;
// - every other request keeps its page event, built when the request came in (same
//   timestamp, same bytes) and emitted before the request's first event (the order of
//   events is Open edX's), or when the response ends, closes, aborts or fails;
// - `extraIgnoreUrlPatterns` adds to the LMS defaults; `ignoreUrlPatterns` replaces them.
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { emit, encodeJson, LegacyFieldMappingProcessor, LMS_IGNORE_URL_PATTERNS, tracker } from '../../src';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { segmentMessage, SECRET as WEBHOOK_SECRET, TEST_SOURCE_MAP } from '../segmentio/helpers';
import { FRAMEWORKS, probe, trackedApp, type Framework, type Route } from '../http/frameworks';
import { delay, listen, pageEventsOf, waitFor } from '../http/helpers';

/** A clock one millisecond further at each reading, from Open edX's frozen time: an event's timestamp says when it was built. */
function steppingClock(): () => Date {
  let ticks = 0;
  return () => new Date(FROZEN_TIME.getTime() + ticks++);
}

describe.each(FRAMEWORKS)('held page events on %s', (_name, fw: Framework) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: steppingClock() });
  });
  afterEach(() => capture.restore());

  const names = () => capture.events.map((event) => String(event.name));

  describe('our endpoints, mounted anywhere', () => {
    const routes: Route[] = [
      { method: 'ALL', path: '/api/tracking/event', userTrack: {} },
      { method: 'ALL', path: '/hooks/segment', segmentio: { secret: WEBHOOK_SECRET, sourceMap: TEST_SOURCE_MAP } },
      { handler: probe },
    ];

    it('/event mounted at /api/tracking/event gets no page event; its browser event is the only one', async () => {
      const app = fw.app({ routes });
      await request(app).post('/api/tracking/event').type('form').send({ event_type: 'problem_check', event: '{"a": 1}' }).expect(200, 'success');
      await request(app).get('/api/tracking/event?event_type=page_close').expect(200, 'success');
      expect(names()).toEqual(['problem_check', 'page_close']);
      expect(capture.events.map((event) => event.context?.path)).toEqual(['/api/tracking/event', '/api/tracking/event']);
    });

    it('the Segment webhook mounted at /hooks/segment gets no page event, nor do the requests it refuses', async () => {
      const app = fw.app({ routes });
      await request(app).post(`/hooks/segment?key=${WEBHOOK_SECRET}`).send(segmentMessage()).expect(200, '');
      await request(app).post('/hooks/segment?key=wrong').send(segmentMessage()).expect(401);
      await request(app).put('/api/tracking/event').expect(405);
      expect(names()).toEqual(['sentinel.name']);
      expect(capture.getEvent().context?.event_source).toBe('mobile');
    });

    it('other paths of the same app keep their page event', async () => {
      const app = fw.app({ routes });
      await request(app).get('/courses/a/b/c/courseware').expect(200, 'ok');
      await request(app).get('/api/tracking/other').expect(200, 'ok');
      expect(names()).toEqual(['/courses/a/b/c/courseware', 'test.probe', '/api/tracking/other', 'test.probe']);
    });

    it('an event emitted in the request before the endpoint runs sends the page event first (it cannot be taken back)', async () => {
      const app = fw.app({
        after: [{ kind: 'custom', run: (_req, next) => (emit('app.before', {}), next()) }],
        routes,
      });
      await request(app).get('/api/tracking/event?event_type=x').expect(200, 'success');
      expect(names()).toEqual(['/api/tracking/event', 'app.before', 'x']);
    });
  });

  describe('other requests keep their page event, same bytes, same order', () => {
    it("is built when the request comes in and goes out before the request's first event, inside tracker.context too", async () => {
      capture.restore();
      capture = captureEvents({ clock: steppingClock(), processors: [new LegacyFieldMappingProcessor()] });
      const app = fw.app({
        routes: [
          {
            method: 'GET',
            path: '/courses/org/course/run/x',
            handler: async () => {
              await delay(5);
              tracker.context('app.layer', { layer: 1 }, () => emit('app.one', { n: 1 }));
              emit('app.two', { n: 2 });
              return 'ok';
            },
          },
        ],
      });
      await request(app).get('/courses/org/course/run/x?q=1').set({ Host: 'testserver', 'User-Agent': 'UA' }).expect(200, 'ok');
      // The lines main wrote before page events were held, byte for byte.
      expect(capture.events.map((event) => encodeJson(event, 'compact'))).toEqual([
        '{"name":"/courses/org/course/run/x","context":{"user_id":"","path":"/courses/org/course/run/x","course_id":"org/course/run","org_id":"org","enterprise_uuid":""},"username":"anonymous","session":"","ip":"127.0.0.1","agent":"UA","host":"testserver","referer":"","accept_language":"","event":"{\\"GET\\": {\\"q\\": [\\"1\\"]}, \\"POST\\": {}}","time":"2013-10-03T08:24:55+00:00","event_type":"/courses/org/course/run/x","event_source":"server","page":null}',
        '{"name":"app.one","context":{"user_id":"","path":"/courses/org/course/run/x","course_id":"org/course/run","org_id":"org","enterprise_uuid":"","layer":1},"username":"","session":"","ip":"127.0.0.1","agent":"UA","host":"testserver","referer":"","accept_language":"","event":{"n":1},"time":"2013-10-03T08:24:55.001000+00:00","event_type":"app.one","event_source":"server","page":null}',
        '{"name":"app.two","context":{"user_id":"","path":"/courses/org/course/run/x","course_id":"org/course/run","org_id":"org","enterprise_uuid":""},"username":"","session":"","ip":"127.0.0.1","agent":"UA","host":"testserver","referer":"","accept_language":"","event":{"n":2},"time":"2013-10-03T08:24:55.002000+00:00","event_type":"app.two","event_source":"server","page":null}',
      ]);
    });

    it('a request that emits nothing gets its page event when the response ends, with the timestamp of its arrival', async () => {
      let reached = false;
      let answer = (): void => undefined;
      const app = fw.app({
        routes: [
          {
            method: 'GET',
            path: '/slow',
            handler: () => {
              reached = true;
              return new Promise<string>((resolve) => {
                answer = () => resolve('ok');
              });
            },
          },
        ],
      });
      const answered = request(app).get('/slow').expect(200, 'ok').then(() => undefined);
      await waitFor(() => reached);
      capture.tracker.emit('outside.request', {}); // outside the request: the clock's second reading
      expect(names()).toEqual(['outside.request']);
      answer();
      await answered;
      expect(names()).toEqual(['outside.request', '/slow']);
      const [outside, page] = capture.events;
      expect(page?.timestamp).toEqual(FROZEN_TIME);
      expect(outside?.timestamp).toEqual(new Date(FROZEN_TIME.getTime() + 1));
    });

    it('a request whose handler fails still gets its page event, before the error handler\'s event', async () => {
      const app = fw.app({
        errorHandler: () => {
          emit('app.error', {});
          return { status: 500, text: 'failed' };
        },
        routes: [
          { method: 'GET', path: '/boom', handler: () => Promise.reject(new Error('handler failed')) },
          { method: 'GET', path: '/quiet-boom', handler: () => Promise.reject(new Error('handler failed')) },
        ],
      });
      await request(app).get('/boom').expect(500, 'failed');
      expect(names()).toEqual(['/boom', 'app.error']);
      const bare = fw.app({ routes: [{ method: 'GET', path: '/quiet-boom', handler: () => Promise.reject(new Error('handler failed')) }] });
      await request(bare).get('/quiet-boom').expect(500);
      expect(names()).toEqual(['/boom', 'app.error', '/quiet-boom']);
    });

    it('a request the client aborts still gets its page event', async () => {
      let reached = false;
      const app = fw.app({
        routes: [
          {
            method: 'GET',
            path: '/aborted',
            handler: async () => {
              reached = true;
              await delay(200);
              return 'too late';
            },
          },
        ],
      });
      const server = await listen(app);
      try {
        const req = httpRequest(`${server.url}/aborted`);
        req.on('error', () => undefined);
        req.end();
        await waitFor(() => reached);
        req.destroy();
        await waitFor(() => capture.events.length > 0);
        expect(names()).toEqual(['/aborted']);
      } finally {
        await server.close();
      }
    });

    it('ignored paths get none, even when their response ends', async () => {
      await request(trackedApp(fw)).get('/heartbeat').expect(200);
      await request(trackedApp(fw, {}, [])).get('/login').expect(200);
      expect(pageEventsOf(capture)).toEqual([]);
      expect(names()).toEqual(['test.probe', 'test.probe']);
    });
  });

  describe('ignore patterns (§1.6)', () => {
    it('extraIgnoreUrlPatterns adds to the LMS defaults', async () => {
      const app = trackedApp(fw, { extraIgnoreUrlPatterns: ['^/health', /^\/metrics$/] });
      for (const path of ['/health/db', '/metrics', '/event', '/login', '/heartbeat', '/segmentio/event', '/performance', '/metrics/x', '/dashboard']) {
        await request(app).get(path).expect(200);
      }
      expect(pageEventsOf(capture).map((event) => event.name)).toEqual(['/metrics/x', '/dashboard']);
    });

    it('ignoreUrlPatterns replaces the defaults (TRACKING_IGNORE_URL_PATTERNS); spread LMS_IGNORE_URL_PATTERNS to keep them', async () => {
      const replaced = trackedApp(fw, { ignoreUrlPatterns: ['^/health'] });
      const kept = trackedApp(fw, { ignoreUrlPatterns: [...LMS_IGNORE_URL_PATTERNS, '^/health'] });
      for (const app of [replaced, kept]) {
        for (const path of ['/health', '/event', '/login']) await request(app).get(path).expect(200);
      }
      expect(pageEventsOf(capture).map((event) => event.name)).toEqual(['/event', '/login']);
    });

    it('extraIgnoreUrlPatterns adds to ignoreUrlPatterns when both are given', async () => {
      const app = trackedApp(fw, { ignoreUrlPatterns: ['^/a'], extraIgnoreUrlPatterns: ['^/b'] });
      for (const path of ['/a', '/b', '/event']) await request(app).get(path).expect(200);
      expect(pageEventsOf(capture).map((event) => event.name)).toEqual(['/event']);
    });
  });
});
