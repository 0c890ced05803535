// serverTrack (deprecated) and taskTrack (EDX-BEHAVIOR §6, E8, E10), alone and
// inside an Express request.
import express from 'express';
import request from 'supertest';
import { serverTrack, taskTrack, type ServerTrackRequest } from '../../src';
import { trackMiddleware } from '../../src/express';
import { assertEventMatches, captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { REQUEST_KEYS, SECRET_KEY, withUser } from './app';

const E8_EXPECTED = {
  timestamp: FROZEN_TIME,
  data: '{}',
  name: 'sentinel.event_type',
  context: { username: 'anonymous', page: null, event_source: 'server' },
};

let capture: EventCapture;
let emitWarning: jest.SpyInstance;
beforeEach(() => {
  capture = captureEvents({ clock: () => FROZEN_TIME });
  emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
});
afterEach(() => {
  emitWarning.mockRestore();
  capture.restore();
});

describe('serverTrack', () => {
  it('warns once per process that it is deprecated', () => {
    jest.isolateModules(() => {
      // A fresh copy of the package, as in a new process: it has not warned yet.
      const fresh = require('../../src') as typeof import('../../src');
      const freshCapture = (require('../../src/testing') as typeof import('../../src/testing')).captureEvents();
      try {
        fresh.serverTrack(null, 'a', {});
        fresh.serverTrack(null, 'b', {});
        fresh.serverTrack({ user: { username: 'x' } }, 'c', {});
        expect(freshCapture.events.map((event) => event.name)).toEqual(['a', 'b', 'c']);
      } finally {
        freshCapture.restore();
      }
    });
    expect(emitWarning).toHaveBeenCalledTimes(1);
    expect(emitWarning.mock.calls[0]?.[0]).toMatch(/serverTrack\(\) is deprecated/);
    expect(emitWarning.mock.calls[0]?.[1]).toBe('DeprecationWarning');
  });

  describe('test_server_track (E8)', () => {
    it.each([
      ['a request without a user', {}],
      ['no request', null],
    ])('records the event with %s', (_case, req) => {
      serverTrack(req, 'sentinel.event_type', '{}');
      assertEventMatches(E8_EXPECTED, capture.getEvent());
      expect(capture.getEvent().data).toBe('{}');
      expect(capture.getEvent().context).toStrictEqual({ username: 'anonymous', event_source: 'server', page: null });
    });
  });

  it("takes the user's username", () => {
    serverTrack({ user: { username: 'alice' } }, 'evt', { a: 1 });
    assertEventMatches({ name: 'evt', data: { a: 1 }, context: { username: 'alice', event_source: 'server', page: null } }, capture.getEvent());
  });

  it("writes username '' for Passport's anonymous visitor (an auth layer, nobody signed in), as Open edX's AnonymousUser", () => {
    serverTrack({ isAuthenticated: () => false }, 'evt', {});
    expect(capture.getEvent().context?.username).toBe('');
  });

  it('skips /event_logs events of staff users only', () => {
    serverTrack({ user: { username: 'staff', is_staff: true } }, '/event_logs', {});
    serverTrack({ user: { username: 'staff', is_staff: true } }, '/event_logs/user/1', {});
    serverTrack({ user: { username: 'learner', is_staff: false } }, '/event_logs', {});
    serverTrack({ user: { username: 'staff', is_staff: true } }, '/courses/x', {});
    serverTrack(null, '/event_logs', {});
    expect(capture.events.map((event) => [event.name, event.context?.username])).toEqual([
      ['/event_logs', 'learner'],
      ['/courses/x', 'staff'],
      ['/event_logs', 'anonymous'],
    ]);
  });

  it('adds the course of a page that has one, and keeps the page', () => {
    serverTrack(null, 'evt', {}, 'http://x/courses/course-v1:A+B+C/courseware');
    expect(capture.getEvent().context).toStrictEqual({
      course_id: 'course-v1:A+B+C',
      org_id: 'A',
      enterprise_uuid: '',
      username: 'anonymous',
      event_source: 'server',
      page: 'http://x/courses/course-v1:A+B+C/courseware',
    });
  });

  describe('inside an Express request', () => {
    /** An app at /courses/org/c/r/... whose route calls serverTrack with `page`. */
    async function trackIn(page?: string, user?: unknown): Promise<Record<string, unknown>> {
      const app = express();
      if (user !== undefined) app.use(withUser(user));
      app.use(trackMiddleware({ secretKey: SECRET_KEY, pageEvents: false }));
      app.get('/courses/org/c/r/page', (req, res) => {
        // An Express Request has no `user` in its type, so it needs a cast (see the report: ServerTrackRequest is a weak type).
        serverTrack(req as ServerTrackRequest, 'edx.server.event', { ok: true }, page);
        res.send('ok');
      });
      await request(app).get('/courses/org/c/r/page').expect(200);
      return capture.getEvent().context ?? {};
    }

    it("keeps the request's course when the page has none, and adds the server fields after the request's", async () => {
      const context = await trackIn(undefined, { id: 4, username: 'dee' });
      expect(context).toMatchObject({ user_id: 4, username: 'dee', path: '/courses/org/c/r/page', course_id: 'org/c/r', org_id: 'org' });
      expect(Object.keys(context)).toEqual([...REQUEST_KEYS, 'event_source', 'page']);
      expect([context.event_source, context.page]).toEqual(['server', null]);
    });

    it('uses the user trackMiddleware resolved, so that user_id and username describe one user', async () => {
      const app = express();
      app.use(withUser({ id: 5, username: 'other' }));
      app.use(trackMiddleware({ secretKey: SECRET_KEY, pageEvents: false, getUser: () => ({ id: 4, username: 'dee' }) }));
      app.get('/x', (req, res) => {
        serverTrack(req as ServerTrackRequest, 'evt', {});
        res.send('ok');
      });
      await request(app).get('/x').expect(200);
      expect(capture.getEvent().context).toMatchObject({ user_id: 4, username: 'dee' });
    });

    it("keeps the request's course for a page without a course", async () => {
      const context = await trackIn('http://x/dashboard');
      expect(context).toMatchObject({ course_id: 'org/c/r', org_id: 'org', page: 'http://x/dashboard', username: 'anonymous' });
    });

    it("replaces the request's course with the page's", async () => {
      const context = await trackIn('http://x/courses/course-v1:A+B+C/x');
      expect(context).toMatchObject({ course_id: 'course-v1:A+B+C', org_id: 'A', enterprise_uuid: '', path: '/courses/org/c/r/page' });
    });
  });
});

describe('taskTrack', () => {
  const REQUEST_INFO = { accept_language: '', referer: '', username: 'anonymous', ip: '127.0.0.1', agent: 'agent', host: 'testserver' };

  it('records test_task_track (E10)', () => {
    taskTrack(REQUEST_INFO, { 'sentinel.task_key': 'sentinel.task_value' }, 'sentinel.event_type', { 'sentinel.key': 'sentinel.value' });
    assertEventMatches(
      {
        timestamp: FROZEN_TIME,
        data: { 'sentinel.task_key': 'sentinel.task_value', 'sentinel.key': 'sentinel.value' },
        name: 'sentinel.event_type',
        context: { username: 'anonymous', ip: '127.0.0.1', agent: 'agent', host: 'testserver', page: null, event_source: 'task' },
      },
      capture.getEvent(),
    );
    expect(capture.getEvent().context).toStrictEqual({
      course_id: '',
      org_id: '',
      enterprise_uuid: '',
      username: 'anonymous',
      ip: '127.0.0.1',
      agent: 'agent',
      host: 'testserver',
      event_source: 'task',
      page: null,
    });
  });

  it("lets taskInfo keys win, fills missing request info with 'unknown', and takes the page's course", () => {
    taskTrack({}, { k: 'task', t: 1 }, 'evt', { k: 'event', e: 2 }, 'http://x/courses/a/b/c/');
    assertEventMatches(
      {
        name: 'evt',
        timestamp: FROZEN_TIME,
        data: { k: 'task', e: 2, t: 1 },
        context: {
          course_id: 'a/b/c',
          org_id: 'a',
          enterprise_uuid: '',
          username: 'unknown',
          ip: 'unknown',
          agent: 'unknown',
          host: 'unknown',
          event_source: 'task',
          page: 'http://x/courses/a/b/c/',
        },
      },
      capture.getEvent(),
      new Set(['string_payload']),
    );
  });

  it("wipes the request's course with the page's (empty) course inside a request", async () => {
    const app = express();
    app.use(trackMiddleware({ secretKey: SECRET_KEY, pageEvents: false }));
    app.get('/courses/org/c/r/x', (_req, res) => {
      taskTrack(REQUEST_INFO, {}, 'evt', {});
      res.send('ok');
    });
    await request(app).get('/courses/org/c/r/x').expect(200);
    expect(capture.getEvent().context).toMatchObject({ course_id: '', org_id: '', path: '/courses/org/c/r/x', agent: 'agent', event_source: 'task' });
  });
});
