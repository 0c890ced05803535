// The /event endpoint's limits and safety: clear 4xx answers naming the problem,
// fields the client cannot override, lookupUserId, bodies parsed before it, and
// never a 5xx (the "Endpoints and helpers"; EDX-BEHAVIOR §3.2). On Express 5,
// Express 4, Koa 3 and Koa 2.
import request from 'supertest';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { eventApp, FRAMEWORKS, parseBody, withUser, type Framework } from '../http/frameworks';
import { listen, send } from '../http/helpers';

describe.each(FRAMEWORKS)('userTrackHandler errors and safety on %s', (_name, fw: Framework) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  describe('4xx answers, with nothing emitted', () => {
    afterEach(() => capture.assertNoEventsEmitted());

    it('413 for an event over maxEventSize', async () => {
      const response = await request(eventApp(fw, { maxEventSize: 10 })).get('/event').query({ event: '"123456789"' }).expect(413);
      expect(response.text).toMatch(/event.*11.*10/);
    });

    it('413 for an event over the default 50000 characters, in a form and in JSON', async () => {
      const event = JSON.stringify('x'.repeat(49999));
      await request(eventApp(fw)).post('/event').type('form').send({ event_type: 'x', event }).expect(413);
      await request(eventApp(fw)).post('/event').send({ event_type: 'x', event: { a: 'x'.repeat(50000) } }).expect(413);
    });

    it('400 for an event nested more than 200 levels deep, as a JSON string or a JSON body', async () => {
      const deep = `${'['.repeat(201)}1${']'.repeat(201)}`;
      const response = await request(eventApp(fw)).post('/event').type('form').send({ event_type: 'x', event: deep }).expect(400);
      expect(response.text).toBe('event is nested more than 200 levels deep');
      await request(eventApp(fw))
        .post('/event')
        .set('content-type', 'application/json')
        .send(`{"event_type":"x","event":${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}`)
        .expect(400, 'event is nested more than 200 levels deep');
    });

    it('400 for an event_type over 255 characters', async () => {
      const response = await request(eventApp(fw)).get('/event').query({ event_type: 'n'.repeat(256) }).expect(400);
      expect(response.text).toMatch(/event_type.*256.*255/);
    });

    it.each([
      [{ event_type: 5 }, 'event_type'],
      [{ event_type: null }, 'event_type'],
      [{ event_type: ['a', 'b'] }, 'event_type'],
      [{ page: 1 }, 'page'],
      [{ page: { href: 'x' } }, 'page'],
      [{ courserun_key: 3 }, 'courserun_key'],
      [{ event: true }, 'event'],
      [{ event: 12 }, 'event'],
    ])('400 for the JSON body %j, naming %s', async (body, field) => {
      const response = await request(eventApp(fw)).post('/event').send(body).expect(400);
      expect(response.text).toContain(field);
    });

    it.each(['{"event_type": ', '[1]', 'null', '"text"'])('400 for the JSON body %s', async (body) => {
      const response = await request(eventApp(fw)).post('/event').set('Content-Type', 'application/json').send(body).expect(400);
      expect(response.text).toMatch(/JSON|body/);
    });

    it('400 for a body that is not UTF-8', async () => {
      const { url, close } = await listen(eventApp(fw));
      try {
        const response = await send(`${url}/event`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          chunks: [Buffer.from('event_type=x&event='), Buffer.from([0xff, 0xfe])],
        });
        expect([response.status, response.text]).toEqual([400, 'the body is not valid UTF-8']);
      } finally {
        await close();
      }
    });

    it('415 for an unsupported content type', async () => {
      const response = await request(eventApp(fw)).post('/event').set('Content-Type', 'application/xml').send('<event/>').expect(415);
      expect(response.text).toMatch(/application\/xml/);
    });

    it('413 for a body over maxBodySize, and over the default 65536 bytes', async () => {
      await request(eventApp(fw, { maxBodySize: 100 })).post('/event').type('form').send(`event=${'x'.repeat(200)}`).expect(413);
      await request(eventApp(fw)).post('/event').type('form').send(`a=${'x'.repeat(70000)}`).expect(413);
    });

    it('413 for a chunked body (no Content-Length) over maxBodySize, answered before the connection ends', async () => {
      const { url, close } = await listen(eventApp(fw, { maxBodySize: 1000 }));
      try {
        const chunk = `a=${'x'.repeat(600)}&`;
        const response = await send(`${url}/event`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          chunks: [chunk, chunk, chunk],
        });
        expect(response.status).toBe(413);
        expect(response.text).toMatch(/1000/);
      } finally {
        await close();
      }
    });

    it.each(['PUT', 'DELETE', 'PATCH'])('405 with an Allow header for %s', async (method) => {
      const response = await request(eventApp(fw))[method.toLowerCase() as 'put' | 'delete' | 'patch']('/event').expect(405);
      expect(response.headers.allow).toBe('GET, POST');
      expect(response.text).toContain(method);
    });
  });

  describe('accepted bodies', () => {
    it('accepts an event of exactly maxEventSize and an event_type of 255 characters', async () => {
      await request(eventApp(fw, { maxEventSize: 11 })).get('/event').query({ event_type: 'n'.repeat(255), event: '"123456789"' }).expect(200);
      expect(capture.getEvent().data).toBe('123456789');
    });

    it('records a multipart form POST, as Django reads it into request.POST', async () => {
      await request(eventApp(fw)).post('/event').field('event_type', 'multi').field('event', '{"a": 1}').expect(200, 'success');
      expect([capture.getEvent().name, capture.getEvent().data]).toEqual(['multi', { a: 1 }]);
    });

    it('records a JSON event given as an array whole', async () => {
      await request(eventApp(fw)).post('/event').send({ event_type: 'x', event: [1, 2] }).expect(200);
      expect(capture.getEvent().data).toEqual([1, 2]);
    });

    it.each([
      [fw.names.form, 'form'],
      [fw.names.json, 'json'],
    ] as const)('works with a body already parsed by %s', async (_parser, kind) => {
      const parser = parseBody(kind);
      const post = request(eventApp(fw, {}, [parser])).post('/event');
      const body = { event_type: 'parsed', event: '{"a": 1}', page: 'http://x/courses/a/b/c/' };
      await (kind === 'form' ? post.type('form') : post).send(body).expect(200, 'success');
      expect([capture.getEvent().name, capture.getEvent().data, capture.getEvent().context?.course_id]).toEqual(['parsed', { a: 1 }, 'a/b/c']);
    });

    it('reads the raw body when the mounted parser does not match its type', async () => {
      await request(eventApp(fw, {}, [parseBody('json')])).post('/event').type('form').send({ event_type: 'f' }).expect(200);
      await request(eventApp(fw, {}, [parseBody('form')])).post('/event').send({ event_type: 'j' }).expect(200);
      expect(capture.events.map((event) => event.name)).toEqual(['f', 'j']);
    });

    it('accepts text/plain as a form (sendBeacon)', async () => {
      await request(eventApp(fw)).post('/event').set('Content-Type', 'text/plain;charset=UTF-8').send('event_type=beacon').expect(200);
      expect(capture.getEvent().name).toBe('beacon');
    });
  });

  describe('server-derived fields', () => {
    const SPOOF = { user_id: 99, username: 'mallory', ip: '6.6.6.6', session: 'spoofed', host: 'evil', agent: 'evil', path: '/x' };

    it.each(['JSON', 'form', 'query'] as const)('cannot be overridden by extra fields in a %s', async (kind) => {
      const app = eventApp(fw, {}, [withUser({ id: 7, username: 'alice' })]);
      const params = { event_type: 'x', event: '{}', ...SPOOF, event_source: 'server' };
      const agent = { 'User-Agent': 'UnitTest/1.0' };
      if (kind === 'JSON') await request(app).post('/event').set(agent).send({ ...params, context: { username: 'mallory' } }).expect(200);
      else if (kind === 'form') await request(app).post('/event').set(agent).type('form').send(params).expect(200);
      else await request(app).get('/event').set(agent).query(params).expect(200);
      expect(capture.getEvent().context).toMatchObject({
        session: '',
        user_id: 7,
        username: 'alice',
        ip: '127.0.0.1',
        host: '127.0.0.1',
        agent: 'UnitTest/1.0',
        path: '/event',
        event_source: 'browser',
      });
      expect(capture.getEvent().context).not.toHaveProperty('context');
    });
  });

  describe('lookupUserId', () => {
    const lookups: string[] = [];
    const users: Record<string, number> = { 'test-username': 1000 };
    const sync = (username: string): number | undefined => {
      lookups.push(username);
      return users[username];
    };
    beforeEach(() => {
      lookups.length = 0;
    });

    it.each([
      ['sync', sync],
      ['async', async (username: string) => sync(username)],
    ])('adds user_id for a payload username (%s), as test_user_track_with_username_in_data', async (_kind, lookupUserId) => {
      const app = eventApp(fw, { lookupUserId });
      await request(app).get('/event').query({ event: '{"username": "test-username"}' }).expect(200);
      await request(app).get('/event').query({ event: '{"username": "unknown-user"}' }).expect(200);
      expect(capture.events.map((event) => [event.name, event.data])).toEqual([
        ['unknown', { username: 'test-username', user_id: 1000 }],
        ['unknown', { username: 'unknown-user' }],
      ]);
      expect(capture.events.map((event) => event.context?.page)).toEqual(['', '']);
    });

    it('does not override a given user_id, nor look it up', async () => {
      await request(eventApp(fw, { lookupUserId: sync })).get('/event').query({ event: '{"username": "test-username", "user_id": 5}' }).expect(200);
      expect(capture.getEvent().data).toEqual({ username: 'test-username', user_id: 5 });
      expect(lookups).toEqual([]);
    });

    it('still answers 200 and records the event when the lookup throws or rejects, reporting it', async () => {
      const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const throwing = (): never => {
          throw new Error('db down');
        };
        await request(eventApp(fw, { lookupUserId: throwing })).get('/event').query({ event: '{"username": "u"}' }).expect(200, 'success');
        await request(eventApp(fw, { lookupUserId: () => Promise.reject(new Error('db down')) }))
          .get('/event')
          .query({ event: '{"username": "v"}' })
          .expect(200, 'success');
        expect(capture.events.map((event) => event.data)).toEqual([{ username: 'u' }, { username: 'v' }]);
        expect(capture.tracker.stats.failures).toBe(2);
        expect(String(error.mock.calls[0]?.[0])).toMatch(/lookupUserId.*db down/);
      } finally {
        error.mockRestore();
      }
    });
  });

  describe('never a 5xx', () => {
    it("answers 200 'success' when no default tracker is registered, reporting it", async () => {
      capture.restore();
      const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        await request(eventApp(fw)).get('/event').query({ event_type: 'x' }).expect(200, 'success');
        expect(error.mock.calls.map((call) => String(call[0])).join('\n')).toMatch(/registerTracker/);
      } finally {
        error.mockRestore();
      }
    });

    it("answers 200 'success' when the handler's getUser throws, reporting it", async () => {
      const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const getUser = (): never => {
          throw new Error('auth exploded');
        };
        await request(eventApp(fw, { getUser })).get('/event').expect(200, 'success');
        expect(capture.tracker.stats.failures).toBe(1);
        expect(String(error.mock.calls[0]?.[0])).toMatch(/userTrackHandler.*auth exploded/);
      } finally {
        error.mockRestore();
      }
    });

    it("answers 200 'success' when a backend throws", async () => {
      const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        capture.tracker.registerBackend('broken', {
          send: () => {
            throw new Error('disk full');
          },
        });
        await request(eventApp(fw)).get('/event').query({ event_type: 'x' }).expect(200, 'success');
        expect(capture.events.map((event) => event.name)).toEqual(['x']);
        expect(capture.tracker.stats.failures).toBe(1);
      } finally {
        error.mockRestore();
      }
    });
  });
});
