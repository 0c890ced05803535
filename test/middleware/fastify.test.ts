// Fastify-only cases: the `hook` option. Whichever request hook opens the request, the
// hooks after it and the handler see the request's context (Fastify runs preValidation
// onward from the body's 'end' event, in another async flow), and form fields reach the
// page event only when the request is read after Fastify parsed the body.
import { createServer, type RequestListener } from 'node:http';
import Fastify from 'fastify';
import request from 'supertest';
import { emit } from '../../src';
import { trackMiddleware, type FastifyRequestHook } from '../../src/fastify';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { SECRET_KEY } from '../http/helpers';

function appWith(hook: FastifyRequestHook): RequestListener {
  let routing: RequestListener | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      routing = handler as RequestListener;
      return createServer(handler);
    },
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))));
  void app.register(trackMiddleware({ secretKey: SECRET_KEY, hook, getUser: (req) => ({ id: 7, username: String(req.raw.headers['x-name']) }) }));
  app.addHook('preHandler', async () => {
    emit('test.pre-handler');
  });
  app.post('/courses/course-v1:Org+C+R/enroll', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    emit('test.handler');
    return 'ok';
  });
  const ready = app.ready();
  return (req, res) => void ready.then(() => routing?.(req, res));
}

describe.each<FastifyRequestHook>(['onRequest', 'preParsing', 'preValidation', 'preHandler'])('the Fastify plugin with hook %s', (hook) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  it("gives later hooks and the handler the request's context, for concurrent requests apart", async () => {
    const app = appWith(hook);
    await Promise.all(['alice', 'bob', 'carol'].map((name) => request(app).post('/courses/course-v1:Org+C+R/enroll').set('x-name', name).type('form').send({ a: '1', password: 'p' }).expect(200, 'ok')));
    const byName = (name: string) => capture.events.filter((event) => event.name === name).map((event) => event.context?.username).sort();
    expect(byName('test.handler')).toEqual(['alice', 'bob', 'carol']);
    // A preHandler hook registered after the plugin runs after the plugin's own, in every case.
    expect(byName('test.pre-handler')).toEqual(['alice', 'bob', 'carol']);
    for (const event of capture.events) expect(event.context?.course_id).toBe('course-v1:Org+C+R');
  });

  it(hook === 'onRequest' || hook === 'preParsing' ? 'reads the request before the body: no form fields in the page event' : 'reads the request after the body: its form fields, censored, in the page event', async () => {
    await request(appWith(hook)).post('/courses/course-v1:Org+C+R/enroll').set('x-name', 'alice').type('form').send({ a: '1', password: 'p' }).expect(200);
    const page = capture.events.find((event) => event.context?.event_source === 'server');
    const parsed = hook === 'preValidation' || hook === 'preHandler';
    expect(page?.data).toBe(parsed ? '{"GET": {}, "POST": {"a": ["1"], "password": "********"}}' : '{"GET": {}, "POST": {}}');
  });
});
