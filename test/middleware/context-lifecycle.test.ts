// The request context's lifetime (EDX-BEHAVIOR §1.1, §8): it survives body parsers,
// streams, timers and promise chains; it is gone after the response and after an
// error; and a failure inside the middleware never fails the request. On Express 5,
// Express 4, Koa 3 and Koa 2.
import { createReadStream, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import request from 'supertest';
import { asyncContextLocator, emit, MemoryBackend, Tracker } from '../../src';
import type { Context, FailureInfo } from '../../src';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { FRAMEWORKS, parseBody, trackedApp, withUser, type Framework, type HttpRequest } from '../http/frameworks';
import { contextOf, delay, eventsNamed, listen, send, waitFor } from '../http/helpers';

describe.each(FRAMEWORKS)('the request context on %s', (_name, fw: Framework) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  /** The fields identifying a request in a context. */
  const requestOf = (context: Context | undefined): unknown[] => [context?.path, context?.username, context?.user_id, context?.ip];

  describe.each([
    [fw.names.json, 'json'],
    [fw.names.form, 'form'],
  ] as const)('with %s', (_parser, kind) => {
    it.each(['before', 'after'] as const)('mounted %s trackMiddleware, a handler sees the context and the body', async (where) => {
      const parser = parseBody(kind);
      const app = fw.app({
        before: [withUser({ id: 5, username: 'erin' }), ...(where === 'before' ? [parser] : [])],
        after: where === 'after' ? [parser] : [],
        routes: [
          {
            method: 'POST',
            path: '/courses/a/b/c/submit',
            handler: (req) => {
              const body = req.body as { answer?: string; pad?: string };
              emit('submitted', { answer: body.answer, pad: body.pad?.length });
              return 'ok';
            },
          },
        ],
      });
      // A body large enough to arrive in several chunks.
      const pad = 'x'.repeat(60000);
      const post = request(app).post('/courses/a/b/c/submit');
      await (kind === 'json' ? post.send({ answer: '42', pad }) : post.type('form').send(`answer=42&pad=${pad}`)).expect(200, 'ok');
      const [event] = eventsNamed(capture, 'submitted');
      expect(event?.data).toEqual({ answer: '42', pad: 60000 });
      expect(requestOf(event?.context)).toEqual(['/courses/a/b/c/submit', 'erin', 5, '127.0.0.1']);
      expect(event?.context?.course_id).toBe('a/b/c');
    });
  });

  it('survives a piped file stream response', async () => {
    const app = fw.app({
      routes: [
        {
          method: 'GET',
          path: '/download',
          handler: () => {
            const file = createReadStream(__filename, { highWaterMark: 1024 });
            file.once('data', () => emit('stream.data'));
            file.on('end', () => emit('stream.end'));
            return { type: 'text/plain', stream: file };
          },
        },
      ],
    });
    const response = await request(app).get('/download').expect(200);
    expect(response.text).toContain('survives a piped file stream response');
    expect(response.text).toBe(readFileSync(__filename, 'utf8'));
    expect(contextOf(capture, 'stream.data').path).toBe('/download');
    expect(contextOf(capture, 'stream.end').path).toBe('/download');
  });

  it('survives setTimeout, setImmediate, nextTick, microtasks and promise chains', async () => {
    const app = fw.app({
      before: [withUser({ id: 9, username: 'finn' })],
      routes: [
        {
          method: 'GET',
          path: '/async',
          handler: () => {
            setTimeout(() => emit('timeout'), 5);
            setImmediate(() => emit('immediate'));
            process.nextTick(() => emit('tick'));
            queueMicrotask(() => emit('microtask'));
            return Promise.resolve()
              .then(() => delay(3))
              .then(async () => {
                await new Promise((resolve) => setImmediate(resolve));
                emit('promise');
                await delay(10);
                emit('awaited');
                return 'done';
              });
          },
        },
      ],
    });
    await request(app).get('/async').expect(200, 'done');
    for (const name of ['timeout', 'immediate', 'tick', 'microtask', 'promise', 'awaited']) {
      expect([name, ...requestOf(contextOf(capture, name))]).toEqual([name, '/async', 'finn', 9, '127.0.0.1']);
    }
  });

  it('is exited when the response finishes: a late timer sees no request fields', async () => {
    const app = fw.app({
      routes: [
        {
          method: 'GET',
          path: '/early',
          handler: () => {
            setTimeout(() => {
              emit('late', { resolved: capture.tracker.resolveContext(), entered: asyncContextLocator.current().has('edx.request') });
            }, 30);
            return 'ok';
          },
        },
      ],
    });
    await request(app).get('/early').expect(200);
    await waitFor(() => eventsNamed(capture, 'late').length === 1);
    const [late] = eventsNamed(capture, 'late');
    expect(late?.context).toEqual({});
    expect(late?.data).toEqual({ resolved: {}, entered: false });
    expect(capture.tracker.resolveContext()).toEqual({});
  });

  it('keeps view-level layers in front: tracker.context inside a handler overrides and adds keys', async () => {
    const app = fw.app({
      routes: [
        {
          method: 'GET',
          path: '/courses/a/b/c/',
          handler: () => {
            capture.tracker.context('edx.course.custom', { course_id: 'x/y/z', extra: 1 }, () => emit('inner'));
            emit('outer');
            return 'ok';
          },
        },
      ],
    });
    await request(app).get('/courses/a/b/c/').expect(200);
    expect(contextOf(capture, 'inner')).toMatchObject({ course_id: 'x/y/z', org_id: 'a', extra: 1, path: '/courses/a/b/c/' });
    expect(Object.keys(contextOf(capture, 'inner')).indexOf('course_id')).toBe(10);
    expect(contextOf(capture, 'outer')).toMatchObject({ course_id: 'a/b/c' });
    expect(contextOf(capture, 'outer')).not.toHaveProperty('extra');
  });

  describe('after a handler error', () => {
    /**
     * An app whose /boom fails (synchronously, or by rejecting from a timer: Express's
     * next(err)) and whose error handler answers 500 (Express: a 4-argument middleware
     * at the end; Koa: a try/catch middleware after trackMiddleware).
     */
    function failingApp(): ReturnType<Framework['app']> {
      const idOf = (req: HttpRequest): string => String(req.headers['x-id']);
      return fw.app({
        track: { getUser: (req) => ({ id: Number(req.headers['x-id']), username: idOf(req) }) },
        routes: [
          {
            method: 'GET',
            path: '/boom',
            handler: () => {
              throw new Error('handler failed');
            },
          },
          {
            method: 'GET',
            path: '/late-boom',
            handler: () => new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('handler failed later')), 5)),
          },
          {
            method: 'GET',
            path: '/ok',
            handler: (req) => {
              capture.tracker.enterContext('handler.unscoped', { leaked: req.headers['x-id'] });
              emit('ok', { port: req.socket.remotePort });
              return 'ok';
            },
          },
        ],
        errorHandler: (_error, req) => {
          emit('error.handled', { port: req.socket.remotePort });
          return { status: 500, text: 'failed' };
        },
      });
    }

    it('leaves no context behind, in the next request on the same connection or at the root', async () => {
      const { url, close } = await listen(failingApp());
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const get = async (path: string, id: string): Promise<string> => {
          const response = await send(`${url}${path}`, { headers: { 'x-id': id }, agent });
          return `${response.status} ${response.text}`;
        };
        expect(await get('/boom', '1')).toBe('500 failed');
        expect(await get('/late-boom', '2')).toBe('500 failed');
        expect(await get('/ok', '3')).toBe('200 ok');
        expect(await get('/ok', '4')).toBe('200 ok');
      } finally {
        agent.destroy();
        await close();
      }
      const handled = eventsNamed(capture, 'error.handled').map((event) => requestOf(event.context));
      expect(handled).toEqual([
        ['/boom', '1', 1, '127.0.0.1'],
        ['/late-boom', '2', 2, '127.0.0.1'],
      ]);
      const ok = eventsNamed(capture, 'ok').map((event) => [...requestOf(event.context), event.context?.leaked]);
      expect(ok).toEqual([
        ['/ok', '3', 3, '127.0.0.1', '3'],
        ['/ok', '4', 4, '127.0.0.1', '4'],
      ]);
      const ports = capture.events.map((event) => (event.data as { port?: number }).port).filter((port) => port !== undefined);
      expect(ports).toHaveLength(4);
      expect(new Set(ports).size).toBe(1); // one keep-alive connection served all four
      expect(capture.tracker.resolveContext()).toEqual({});
      expect(asyncContextLocator.current().has('edx.request')).toBe(false);
    });
  });

  it(`is exited after ${fw.names.defaultErrors} answers 500`, async () => {
    const app = fw.app({
      track: { getUser: (req) => ({ id: 1, username: String(req.headers['x-name']) }) },
      routes: [
        {
          method: 'GET',
          path: '/boom',
          handler: () => {
            throw new Error('handler failed');
          },
        },
        {
          method: 'GET',
          path: '/ok',
          handler: () => {
            emit('ok');
            return 'ok';
          },
        },
      ],
    });
    await request(app).get('/boom').set('x-name', 'failing').expect(500);
    expect(capture.tracker.resolveContext()).toEqual({});
    await request(app).get('/ok').set('x-name', 'next').expect(200);
    expect(requestOf(contextOf(capture, 'ok'))).toEqual(['/ok', 'next', 1, '127.0.0.1']);
  });

  describe('a failure inside the middleware', () => {
    /** The handler of the apps below. */
    const handled = (): string => {
      emit('handled');
      return 'ok';
    };

    it('never fails the request; it is reported on stderr by default', async () => {
      const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const app = fw.app({
          track: {
            getUser: () => {
              throw new Error('user lookup failed');
            },
          },
          routes: [{ method: 'GET', path: '/courses/a/b/c/', handler: handled }],
        });
        await request(app).get('/courses/a/b/c/').expect(200, 'ok');
        expect(eventsNamed(capture, 'handled')).toHaveLength(1);
        expect(error).toHaveBeenCalledTimes(1);
        expect(String(error.mock.calls[0]?.[0])).toMatch(/trackMiddleware.*user lookup failed/);
        expect(capture.tracker.stats.failures).toBe(1);
      } finally {
        error.mockRestore();
      }
    });

    it("also emits Open edX's exception event (§1.1 step 4: server_track(request, PATH_INFO, {'event-type': 'exception', ...}))", async () => {
      const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const getUser = (): never => {
          throw new TypeError('user lookup failed');
        };
        await request(trackedApp(fw, { getUser })).get('/courses/a/b/c/').expect(200, 'ok');
        const [exception] = capture.events.filter((event) => event.name === '/courses/a/b/c/');
        expect(exception?.data).toEqual({ 'event-type': 'exception', exception: expect.stringContaining('TypeError') });
        expect(exception?.context).toMatchObject({ event_source: 'server', page: null });
      } finally {
        error.mockRestore();
      }
    });

    it("is reported to the tracker option's onError", async () => {
      const failures: [string, FailureInfo][] = [];
      const backend = new MemoryBackend();
      const tracker = new Tracker({ backends: { mem: backend }, onError: (e, info) => failures.push([e.message, info]) });
      const app = fw.app({
        track: {
          tracker,
          getSessionKey: () => {
            throw new Error('session store down');
          },
        },
        routes: [{ method: 'GET', path: '/x', handler: () => 'ok' }],
      });
      await request(app).get('/x').expect(200, 'ok');
      expect(failures).toEqual([['session store down', expect.objectContaining({ stage: 'request', component: 'trackMiddleware' })]]);
    });

    it('never fails the request when no default tracker is registered', async () => {
      capture.restore();
      const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const app = fw.app({ routes: [{ method: 'GET', path: '/x', handler: () => 'ok' }] });
        await request(app).get('/x').expect(200, 'ok');
        expect(String(error.mock.calls[0]?.[0])).toMatch(/registerTracker/);
      } finally {
        error.mockRestore();
      }
    });
  });
});
