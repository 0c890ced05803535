// What only Koa has (on Koa 3 and Koa 2), written as a Koa app would be: the onion
// (middleware code after `await next()`), an error handler mounted first, body parsers
// that set `ctx.request.body = {}` without reading the body, and the adapter mounted
// with plain `app.use` (types included). The shared suites run everything else on Koa.
import { Agent } from 'node:http';
import request from 'supertest';
import { asyncContextLocator, emit } from '../../src';
import { trackMiddleware, userTrackHandler } from '../../src/koa';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { KOA_FRAMEWORKS } from '../http/frameworks';
import { eventsNamed, listen, pageEventsOf, SECRET_KEY, send } from '../http/helpers';

describe.each(KOA_FRAMEWORKS)('the Koa adapter on %s', (_name, KoaCtor) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  it('mounts with app.use, reads ctx.state.user and ctx.sessionId, and answers /event', async () => {
    const app = new KoaCtor();
    app.use(async (ctx, next) => {
      ctx.state.user = { id: 7, username: 'alice' };
      (ctx as unknown as { sessionId: string }).sessionId = '665924b49a93e22b46ee9365abf28c2a';
      await next();
    });
    app.use(trackMiddleware({ secretKey: SECRET_KEY }));
    app.use(userTrackHandler());
    await request(app.callback()).post('/event').type('form').send({ event_type: 'x', event: '{"a": 1}' }).expect(200, 'success');
    expect(capture.getEvent().context).toMatchObject({ session: 'b4103566fc80d20da1970cbb4380bccd', user_id: 7, username: 'alice', path: '/event' });
    expect(capture.getEvent().data).toEqual({ a: 1 });
  });

  it('keeps the context for code after `await next()` in middleware mounted after trackMiddleware, not before it', async () => {
    const app = new KoaCtor();
    app.use(async (_ctx, next) => {
      await next();
      emit('outer.after', { entered: asyncContextLocator.current().has('edx.request') });
    });
    app.use(trackMiddleware({ secretKey: SECRET_KEY }));
    app.use(async (_ctx, next) => {
      await next();
      emit('inner.after');
    });
    app.use(async (ctx) => {
      await new Promise((resolve) => setImmediate(resolve));
      ctx.body = 'ok';
    });
    await request(app.callback()).get('/courses/a/b/c/').expect(200, 'ok');
    expect(eventsNamed(capture, 'inner.after')[0]?.context).toMatchObject({ path: '/courses/a/b/c/', course_id: 'a/b/c' });
    // trackMiddleware opens the request's frame for what it calls: an outer middleware's
    // continuation is not in it (mount trackMiddleware before middleware that emits).
    const [outer] = eventsNamed(capture, 'outer.after');
    expect(outer?.context).toEqual({});
    expect(outer?.data).toEqual({ entered: false });
  });

  it('with an error handler mounted first: answers 500, its events have no request context, and nothing is left behind', async () => {
    const app = new KoaCtor();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch {
        emit('error.handled', { entered: asyncContextLocator.current().has('edx.request') });
        ctx.status = 500;
        ctx.body = 'failed';
      }
    });
    app.use(trackMiddleware({ secretKey: SECRET_KEY, getUser: (ctx) => ({ id: Number(ctx.req.headers['x-id']), username: String(ctx.req.headers['x-id']) }) }));
    app.use(async (ctx) => {
      if (ctx.path === '/boom') throw new Error('handler failed');
      emit('ok', { port: ctx.req.socket.remotePort });
      ctx.body = 'ok';
    });
    const { url, close } = await listen(app.callback());
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const get = async (path: string, id: string): Promise<string> => {
        const response = await send(`${url}${path}`, { headers: { 'x-id': id }, agent });
        return `${response.status} ${response.text}`;
      };
      expect(await get('/boom', '1')).toBe('500 failed');
      expect(await get('/ok', '2')).toBe('200 ok');
    } finally {
      agent.destroy();
      await close();
    }
    const [handled] = eventsNamed(capture, 'error.handled');
    expect(handled?.context).toEqual({});
    expect(handled?.data).toEqual({ entered: false });
    expect(eventsNamed(capture, 'ok').map((event) => [event.context?.path, event.context?.user_id])).toEqual([['/ok', 2]]);
    expect(pageEventsOf(capture).map((event) => [event.name, event.context?.user_id])).toEqual([
      ['/boom', 1],
      ['/ok', 2],
    ]);
    expect(capture.tracker.resolveContext()).toEqual({});
  });

  it('reads the raw body when a parser set ctx.request.body = {} without reading it (koa-bodyparser, for other types)', async () => {
    const app = new KoaCtor();
    app.use(async (ctx, next) => {
      (ctx.request as { body?: unknown }).body = {};
      await next();
    });
    app.use(trackMiddleware({ secretKey: SECRET_KEY }));
    const handler = userTrackHandler();
    app.use(async (ctx, next) => {
      if (ctx.path === '/event') await handler(ctx, next);
      else await next();
    });
    await request(app.callback()).post('/event').set('Content-Type', 'text/plain;charset=UTF-8').send('event_type=beacon').expect(200, 'success');
    await request(app.callback()).post('/event').type('form').send({ event_type: 'form' }).expect(200, 'success');
    expect(capture.events.map((event) => event.name)).toEqual(['beacon', 'form']);
  });

  it('gives 404 for a path no middleware answers, with the page event emitted', async () => {
    const app = new KoaCtor();
    app.use(trackMiddleware({ secretKey: SECRET_KEY }));
    await request(app.callback()).get('/nowhere').expect(404);
    expect(pageEventsOf(capture).map((event) => event.name)).toEqual(['/nowhere']);
    expect(capture.tracker.resolveContext()).toEqual({});
  });
});
